"""The research export page: registry managers choose instruments, centers and format and download a ZIP.

Anyone else gets 403 (the menu shows the link to registry managers only). The ZIP holds what
``qadam export research`` writes (see docs/research-export.md); the export is written to a temporary
folder, zipped to a temporary file that is deleted once sent, and audited with the reason given.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from qadam import scales
from qadam.centers.models import Center
from qadam.core.exceptions import Invalid
from qadam.interop.research.services import ensure_research_exporter, research_export, zip_export
from qadam.web.assessment_form import scales_language
from qadam.web.choice_messages import NamedChoiceErrors
from qadam.web.forms import QadamForm, attach_errors
from qadam.web.guards import answers_errors

INVALID = 400
FORMATS = {"both": ("csv", "parquet"), "csv": ("csv",), "parquet": ("parquet",)}


class ResearchExportForm(NamedChoiceErrors, QadamForm):
    instruments = forms.MultipleChoiceField(
        label=_("Instruments"),
        help_text=_("Leave all unticked to export every instrument."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    centers = forms.MultipleChoiceField(
        label=_("Centers"),
        help_text=_("Leave all unticked to export every center."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file_format = forms.ChoiceField(
        label=_("File format"),
        choices=[("both", _("CSV and Parquet")), ("csv", _("CSV")), ("parquet", _("Parquet"))],
        initial="both",
        widget=forms.RadioSelect,
    )
    signed_only = forms.BooleanField(label=_("Signed assessments only"), required=False)
    reason = forms.CharField(
        label=_("Reason for the export"),
        help_text=_("For example: the study and its ethics approval. Kept in the audit log."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = scales_language()
        self.fields["instruments"].choices = [
            (code, f"{instrument.name} — {instrument.title.get(lang)}")
            for code, instrument in scales.INSTRUMENTS.items()
        ]
        self.fields["centers"].choices = [(c.code, f"{c.name} ({c.code})") for c in Center.objects.order_by("name")]


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def research_export_page(request):
    """GET: the form. POST: the ZIP, or the form with its errors (400)."""
    ensure_research_exporter(request.user)
    form = ResearchExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            archive = _export_zip(request.user, data)
        except Invalid as error:
            attach_errors(form, error)
        else:
            name = f"qadam-research-{timezone.localdate().isoformat()}.zip"
            return FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    status = INVALID if form.is_bound else 200
    return render(request, "qadam/research/export.html", {"nav": "research", "form": form}, status=status)


def _export_zip(user, data):
    with tempfile.TemporaryDirectory(prefix="qadam-research-") as folder:
        summary = research_export(
            by=user,
            out_dir=Path(folder) / "export",
            instruments=data["instruments"],
            centers=data["centers"],
            formats=FORMATS[data["file_format"]],
            reason=data["reason"],
            signed_only=data["signed_only"],
            via="web",
        )
        return zip_export(summary.directory)
