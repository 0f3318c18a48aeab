"""Reading API tokens: a user's own list, one token of theirs, and the owner of a presented secret."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.db import connections, router
from django.db.models import Count, QuerySet, Window
from django.db.models.fields.json import KeyTransform

from qadam.core.exceptions import NotVisible

from .models import ApiToken
from .rows import RowReader

TOKEN_SCHEME = "qadam"


class TokenRejected(Exception):
    """The presented token is not a live token: ``code`` is ``token_invalid`` or ``token_revoked``."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest stored for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str | None:
    """The lookup prefix of ``qadam_<prefix>_<secret>``, or None when the token has another shape."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or not parts[1] or not parts[2]:
        return None
    return parts[1]


def token_for_secret(token: str) -> ApiToken:
    """Return the live token (with its user, and the user's profile language as ``profile_language``)
    that ``token`` is the secret of.

    Raises ``TokenRejected("token_revoked")`` for the secret of a revoked token and
    ``TokenRejected("token_invalid")`` for anything else, including tokens of inactive users. The
    digest comparison takes the same time whatever the digest, so a wrong secret tells nothing.
    """
    prefix = token_prefix(token)
    if prefix is None:
        raise TokenRejected("token_invalid")
    row = _token_row(prefix)
    if row is None or not hmac.compare_digest(row.digest, token_digest(token)):
        raise TokenRejected("token_invalid")
    if row.revoked_at is not None:
        raise TokenRejected("token_revoked")
    if not row.user.is_active:
        raise TokenRejected("token_invalid")
    return row


def _token_row(prefix: str) -> ApiToken | None:
    """The token with ``prefix``, its user and the user's profile language (``profile_language``).

    The rows of ``ApiToken.objects.select_related("user").annotate(profile_language=F("user__profile__language"))
    .filter(prefix=prefix)``, in one statement written out (``qadam.api.rows``): every request by token
    runs it.
    """
    connection = connections[router.db_for_read(ApiToken)]
    sql, token_reader, user_reader = _token_statement(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    token = token_reader.instance(connection, row)
    token.user = user_reader.instance(connection, row, token_reader.width)
    token.profile_language = row[-1]
    return token


_TOKEN_STATEMENTS: dict[str, tuple[str, RowReader, RowReader]] = {}


def _token_statement(connection: Any) -> tuple[str, RowReader, RowReader]:
    statement = _TOKEN_STATEMENTS.get(connection.vendor)
    if statement is None:
        from django.contrib.auth import get_user_model

        from qadam.centers.models import UserProfile

        user_model = get_user_model()
        token_reader, user_reader = RowReader(ApiToken, "t"), RowReader(user_model, "u")
        q = connection.ops.quote_name
        token_user = ApiToken._meta.get_field("user").column
        profile_user = UserProfile._meta.get_field("user").column
        user_pk = user_model._meta.pk.column
        sql = (
            f"SELECT {token_reader.columns(connection)}, {user_reader.columns(connection)}, "
            f"p.{q(UserProfile._meta.get_field('language').column)} "
            f"FROM {q(ApiToken._meta.db_table)} t "
            f"INNER JOIN {q(user_model._meta.db_table)} u ON u.{q(user_pk)} = t.{q(token_user)} "
            f"LEFT OUTER JOIN {q(UserProfile._meta.db_table)} p ON p.{q(profile_user)} = u.{q(user_pk)} "
            f"WHERE t.{q(ApiToken._meta.get_field('prefix').column)} = %s"
        )
        statement = _TOKEN_STATEMENTS[connection.vendor] = (sql, token_reader, user_reader)
    return statement


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """Return the user's tokens, newest first (revoked ones included)."""
    return ApiToken.objects.filter(user=user)


def token_get(*, owner: Any, token_id: int) -> ApiToken:
    """Return one of ``owner``'s tokens or raise ``NotVisible`` (other people's tokens included)."""
    token = ApiToken.objects.filter(pk=token_id, user=owner).select_related("user").first() if _id(token_id) else None
    if token is None:
        raise NotVisible(params={"token_id": token_id})
    return token


def visit_for_recording(*, viewer: Any, visit_id: int) -> Any:
    """Return the visit to record an assessment in, with its patient and the patient's center, or raise
    ``NotVisible`` (absent, or of a patient the viewer may not see).

    The rule is ``qadam.assessments.selectors.visit_get``'s (the patients of the viewer's centers, or
    every patient for a registry manager: ``can_see_patients``), decided on the loaded row from the
    viewer's roles, so the read is one query by primary key without the visibility subquery. Whether
    the viewer may write there is for ``assessment_record`` to decide (403 for a registry manager).
    """
    from qadam.centers.selectors import can_see_patients

    visit = _visit_row(visit_id) if _id(visit_id) else None
    if visit is None or not can_see_patients(viewer, visit.patient.center_id):
        raise NotVisible(params={"visit_id": visit_id})
    return visit


def _visit_row(visit_id: int) -> Any:
    """The visit ``visit_id`` with its patient and the patient's center, or None: the rows of
    ``Visit.objects.select_related("patient__center").filter(pk=visit_id)`` in one statement written
    out (``qadam.api.rows``), as every submission runs it."""
    from qadam.assessments.models import Visit

    connection = connections[router.db_for_read(Visit)]
    sql, readers = _visit_statement(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [visit_id])
        row = cursor.fetchone()
    if row is None:
        return None
    visit_reader, patient_reader, center_reader = readers
    visit = visit_reader.instance(connection, row)
    patient = patient_reader.instance(connection, row, visit_reader.width)
    patient.center = center_reader.instance(connection, row, visit_reader.width + patient_reader.width)
    visit.patient = patient
    return visit


_VISIT_STATEMENTS: dict[str, tuple[str, tuple[RowReader, RowReader, RowReader]]] = {}


def _visit_statement(connection: Any) -> tuple[str, tuple[RowReader, RowReader, RowReader]]:
    statement = _VISIT_STATEMENTS.get(connection.vendor)
    if statement is None:
        from qadam.assessments.models import Visit
        from qadam.centers.models import Center
        from qadam.patients.models import Patient

        readers = (RowReader(Visit, "v"), RowReader(Patient, "p"), RowReader(Center, "c"))
        q = connection.ops.quote_name
        columns = ", ".join(reader.columns(connection) for reader in readers)
        sql = (
            f"SELECT {columns} FROM {q(Visit._meta.db_table)} v "
            f"INNER JOIN {q(Patient._meta.db_table)} p "
            f"ON p.{q(Patient._meta.pk.column)} = v.{q(Visit._meta.get_field('patient').column)} "
            f"INNER JOIN {q(Center._meta.db_table)} c "
            f"ON c.{q(Center._meta.pk.column)} = p.{q(Patient._meta.get_field('center').column)} "
            f"WHERE v.{q(Visit._meta.pk.column)} = %s"
        )
        statement = _VISIT_STATEMENTS[connection.vendor] = (sql, readers)
    return statement


def _id(value: Any) -> bool:
    return isinstance(value, int) and 0 < value < 2**63


# -- a patient's timeline ------------------------------------------------------------------------------


SUMMARY_FIELDS = (
    "id", "visit_id", "instrument", "status", "assessed_on", "total", "band", "scoring_version", "row_version"
)  # fmt: skip


class TimelineVisits:
    """A patient's visits, newest first, read a page at a time (for ``qadam.api.pagination.paginate``).

    Given the ``window`` (offset, limit) that will be asked for, ``len()`` reads that page of visits
    and the number of all of them in one query (``COUNT(*) OVER ()``); without it, ``len()`` counts
    (one query) and a slice reads the visits (one more). The page's assessments take one query more,
    each visit carrying its own, in the order they were started, in ``visit.timeline_assessments``
    (rows of ``SUMMARY_FIELDS`` and ``result_complete``, for ``qadam.api.shapes.assessment_row_out``).
    A page costs the same few queries however long the history, and only that page's rows are read.
    Visit notes are blanked for viewers from other centers, as in
    ``qadam.patients.selectors.patient_timeline``.
    """

    def __init__(self, patient: Any, *, hide_notes: bool, window: tuple[int, int] | None = None):
        from qadam.assessments.models import Visit

        self.patient = patient
        self.hide_notes = hide_notes
        self.visits = Visit.objects.filter(patient=patient).select_related("center", "created_by")
        self.window = window
        self._count: int | None = None
        self._page: list[Any] | None = None

    def __len__(self) -> int:
        if self._count is None and self.window is not None:
            offset, limit = self.window
            page = list(self.visits.annotate(visits_in_all=Window(Count("id")))[offset : offset + limit])
            if page:
                self._count, self._page = page[0].visits_in_all, page
            elif offset == 0:
                self._count, self._page = 0, []
        if self._count is None:  # no window, or a page past the end
            self._count = self.visits.count()
        return self._count

    def __getitem__(self, window: slice) -> list[Any]:
        if not isinstance(window, slice) or window.step not in (None, 1):
            raise TypeError("A timeline is read by slices of consecutive visits.")
        if self._page is not None and self.window == (window.start, window.stop - window.start):
            visits = self._page
        else:
            visits = list(self.visits[window])
        return self._with_assessments(visits)

    def _with_assessments(self, visits: list[Any]) -> list[Any]:
        from qadam.assessments.models import Assessment
        from qadam.patients.selectors import REDACTED

        by_visit: dict[int, list[dict[str, Any]]] = {visit.pk: [] for visit in visits}
        if by_visit:
            # Plain rows of the fields a summary shows; of the stored result only whether it is complete
            # (read by the database), so neither the responses nor the result are decoded.
            rows = (
                Assessment.objects.filter(visit_id__in=list(by_visit))
                .order_by("id")
                .values(*SUMMARY_FIELDS, result_complete=KeyTransform("complete", "result"))
            )
            for row in rows:
                by_visit[row["visit_id"]].append(row)
        for visit in visits:
            visit.patient = self.patient
            visit.timeline_assessments = by_visit[visit.pk]
            if self.hide_notes:
                visit.note = REDACTED
        return visits


def patient_timeline_visits(*, viewer: Any, patient: Any, window: tuple[int, int] | None = None) -> TimelineVisits:
    """The visits of ``patient`` with their assessments, to be read a page at a time (``window``: the
    offset and limit of the page that will be read, to read it with the count); ``NotVisible`` unless
    the viewer may see the patient."""
    from qadam.centers.selectors import can_see_patients
    from qadam.patients.selectors import identity_visible

    # The rule of ``patients_visible_to``, decided from the viewer's roles on the loaded patient.
    if not can_see_patients(viewer, patient.center_id):
        raise NotVisible(params={"registry_id": patient.registry_id})
    return TimelineVisits(patient, hide_notes=not identity_visible(viewer=viewer, patient=patient), window=window)


def patient_with_identity(*, viewer: Any, registry_id: str) -> tuple[Any, Any]:
    """Return the patient with ``registry_id`` (with its center) and its identity when the viewer may
    see it (else None), read in one query; ``NotVisible`` unless the viewer may see the patient.

    The rules are ``qadam.patients.selectors``' (``patient_get``: the patients of the viewer's
    centers, or every patient for a registry manager; ``identity_visible``: identities only within
    the viewer's own centers), decided on the loaded row from the viewer's roles.
    """
    from django.core.exceptions import ObjectDoesNotExist

    from qadam.centers.selectors import can_see_patients
    from qadam.patients.models import Patient
    from qadam.patients.selectors import identity_visible

    registry_id = (registry_id or "").strip().upper()
    rows = list(Patient.objects.select_related("center", "identity").filter(registry_id=registry_id).order_by())
    if not rows or not can_see_patients(viewer, rows[0].center_id):
        raise NotVisible(params={"registry_id": registry_id})
    patient = rows[0]
    identity = None
    if identity_visible(viewer=viewer, patient=patient):
        try:
            identity = patient.identity
        except ObjectDoesNotExist:
            identity = None
    return patient, identity
