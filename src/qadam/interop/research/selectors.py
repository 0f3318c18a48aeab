"""The assessments a research export reads: completed or signed, of patients with research consent."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qadam.assessments.models import Assessment, Status
from qadam.centers.models import Center
from qadam.centers.selectors import is_registry_manager
from qadam.core.exceptions import NotAllowed
from qadam.patients.models import Consent, ConsentKind

from .columns import EXPORTED_STATUSES

RESEARCH_ONLY_MANAGERS = _("Research exports are available to registry managers only.")

# The fields the rows read; everything else (notes, raters, signers, identities) is never loaded.
LOADED_FIELDS = (
    "id",
    "instrument",
    "instrument_version",
    "scoring_version",
    "status",
    "assessed_on",
    "responses",
    "context",
    "result",
    "total",
    "band",
    "visit__kind",
    "visit__center__code",
    "visit__patient__registry_id",
    "visit__patient__birth_date",
    "visit__patient__sex",
)


def stored_statuses(statuses: Sequence[str]) -> list[str]:
    """The stored statuses whose content is exported under ``statuses``: an amendment awaiting
    signature is exported as its last signed version, so it counts as signed."""
    chosen = [s for s in statuses if s in EXPORTED_STATUSES]
    return [*chosen, Status.AMENDED] if Status.SIGNED in chosen else chosen


def research_consent_active(as_of: datetime.date) -> Exists:
    """True for a patient with a research consent given on or before ``as_of`` and not withdrawn by then."""
    consents = Consent.objects.filter(
        patient=OuterRef("visit__patient"), kind=ConsentKind.RESEARCH, given_on__lte=as_of
    ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=as_of))
    return Exists(consents)


def research_assessments(
    *,
    viewer: Any,
    instrument: str,
    centers: Sequence[Center] = (),
    statuses: Sequence[str] = EXPORTED_STATUSES,
    as_of: datetime.date,
) -> QuerySet[Assessment]:
    """The assessments of ``instrument`` a research export holds, in patient and date order.

    Only registry managers read them (``NotAllowed`` otherwise). ``centers`` limits the visits'
    centers (all centers when empty). Drafts are never included; an amendment awaiting signature
    is read with the rest and exported as its last signed version (``rows.record_of``).
    """
    if not is_registry_manager(viewer):
        raise NotAllowed("research_export_not_allowed", RESEARCH_ONLY_MANAGERS)
    query = Assessment.objects.filter(instrument=instrument, status__in=stored_statuses(statuses)).filter(
        research_consent_active(as_of)
    )
    if centers:
        query = query.filter(visit__center__in=list(centers))
    return (
        query.select_related("visit__patient", "visit__center")
        .only(*LOADED_FIELDS)
        .order_by("visit__patient_id", "assessed_on", "id")
    )


def research_patient_count(
    *, viewer: Any, instruments: Sequence[str], centers: Sequence[Center], statuses: Sequence[str], as_of: datetime.date
) -> int:
    """How many patients the export covers (one query)."""
    if not is_registry_manager(viewer):
        raise NotAllowed("research_export_not_allowed", RESEARCH_ONLY_MANAGERS)
    query = Assessment.objects.filter(instrument__in=list(instruments), status__in=stored_statuses(statuses)).filter(
        research_consent_active(as_of)
    )
    if centers:
        query = query.filter(visit__center__in=list(centers))
    return query.values("visit__patient_id").distinct().count()
