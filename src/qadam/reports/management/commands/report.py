"""``qadam report patient REGISTRY_ID --out FILE.pdf [--lang kk|ru|en] [--user USERNAME]``.

Writes the patient's PDF report (see ``qadam.reports.services``). With ``--user`` the report is made
for that user, with their access: a patient they may not see is reported as unknown, and the name
and IIN are printed only for the patient's own center. Without it the operator of the server gets a
pseudonymous report without the items due. Bad input (an unknown registry id or user, a folder that
does not exist) exits with status 2 and a message on standard error; nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadam.centers.selectors import user_language
from qadam.core.exceptions import NotVisible
from qadam.patients.models import Patient
from qadam.patients.selectors import patient_get
from qadam.reports import services

LANGUAGES = ("kk", "ru", "en")
BAD_INPUT = 2


class Command(BaseCommand):
    help = "Write reports: qadam report patient REGISTRY_ID --out FILE.pdf [--lang kk|ru|en] [--user USERNAME]"

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{patient}")
        patient = kinds.add_parser("patient", help="a patient's PDF report", description="A patient's PDF report.")
        patient.add_argument("registry_id", metavar="REGISTRY_ID", help="the patient's registry id, e.g. KZ-7Q4M-2XD9")
        patient.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
        patient.add_argument(
            "--lang",
            choices=LANGUAGES,
            help="language of the report (default: the user's language, else QADAM_LANGUAGE)",
        )
        patient.add_argument(
            "--user",
            metavar="USERNAME",
            help="make the report for this user, with their access (default: the operator, pseudonymous)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options.get("user"))
        patient = self._patient(options["registry_id"], user)
        out = self._out(options["out"])
        lang = options.get("lang") or (user_language(user) if user else None) or settings.LANGUAGE_CODE
        self.stderr.write(f"Making the report of {patient.registry_id} ({lang}) …")
        document = services.patient_report_pdf(by=user, patient=patient, lang=lang)
        _write_atomically(out, document)
        self.stderr.write(f"Done: {len(document) // 1024 + 1} KB.")
        self.stdout.write(str(out))

    def _user(self, username: str | None) -> Any:
        if username is None:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {username!r}.", returncode=BAD_INPUT)
        return user

    def _patient(self, registry_id: str, user: Any) -> Patient:
        if user is None:
            patient = Patient.objects.select_related("center").filter(registry_id=registry_id.strip().upper()).first()
        else:
            try:
                patient = patient_get(viewer=user, registry_id=registry_id)
            except NotVisible:
                patient = None
        if patient is None:
            whose = f" among the patients {user.get_username()} may see" if user else ""
            raise CommandError(f"There is no patient {registry_id!r}{whose}.", returncode=BAD_INPUT)
        return patient

    def _out(self, value: str) -> Path:
        out = Path(value).expanduser()
        if out.is_dir():
            raise CommandError(f"--out must name a file, not the folder {value!r}.", returncode=BAD_INPUT)
        if not out.parent.is_dir():
            raise CommandError(f"The folder of --out does not exist: {str(out.parent)!r}.", returncode=BAD_INPUT)
        return out


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` next to ``path`` and move it into place, so no half-written file is left."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
