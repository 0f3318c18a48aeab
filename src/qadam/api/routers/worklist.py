"""The worklist of your centers: ``GET /api/v1/worklist``.

The same list as the web page (``qadam.monitoring.selectors.worklist``): overdue and upcoming
assessments from the monitoring protocols, doses from the therapy schedules, and patients turning
18 who need a handover to adult care, overdue first. Only the centers you belong to are listed.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from qadam.centers.selectors import centers_for
from qadam.core.exceptions import Invalid
from qadam.monitoring import due, selectors
from qadam.monitoring.models import Condition

from ..pagination import PageQuery, paginate
from ..schemas import Page

router = Router(tags=["worklist"])


class WorklistQuery(Schema):
    center: str = Field("", max_length=40, pattern=r"^[a-z0-9_-]*$", description="Only this center (its code)")
    condition: Literal[("", *Condition.values)] = Field("", description="Only this condition")  # type: ignore[valid-type]
    kind: Literal["", "assessment", "dose", "transition"] = Field("", description="Only this kind of item")
    state: Literal["", "overdue", "upcoming"] = Field("", description="Only overdue or only upcoming items")
    horizon: int = Field(
        due.DEFAULT_HORIZON_DAYS, ge=0, le=selectors.MAX_HORIZON_DAYS, description="Upcoming within this many days"
    )
    transition_months: int | None = Field(
        None, ge=0, le=60, description="Patients turning 18 within this many months (default: the registry setting)"
    )
    sort: Literal["", "due", "patient", "center"] = Field(
        "", description="Order: overdue first (default), by due date, by registry id or by center name"
    )


class WorkItemOut(Schema):
    registry_id: str
    center: str = Field(description="Center code")
    condition: str
    kind: Literal["assessment", "dose", "transition"]
    code: str = Field(description="Instrument code, drug code or “transition”")
    label: str
    due: datetime.date
    window_start: datetime.date | None
    window_end: datetime.date | None
    state: Literal["overdue", "upcoming"]
    missed: int = Field(description="Due dates missed since the last assessment")
    rule: str = Field(description="Code of the rule behind the date")
    rule_text: str
    source: str


@router.get("", response=Page[WorkItemOut])
def get_worklist(request, filters: WorklistQuery = Query(...), paging: PageQuery = Query(...)):  # noqa: B008
    """Overdue and upcoming assessments, doses and transitions of the patients of your centers."""
    if filters.center and not centers_for(request.auth).filter(code=filters.center).exists():
        raise Invalid.field(
            "center",
            "center_not_yours",
            _("“%(value)s” is not one of your centers."),
            {"value": filters.center},
        )
    result = selectors.worklist(
        viewer=request.auth,
        today=timezone.localdate(),
        filters=selectors.WorklistFilters(
            center=filters.center,
            condition=filters.condition,
            kind=filters.kind,
            state=filters.state,
            horizon_days=filters.horizon,
            transition_months=filters.transition_months,
            sort=filters.sort,
        ),
    )
    return paginate(request, result.items, paging, lambda rows: [row.as_dict() for row in rows])
