"""Reads of tips, always scoped by the tip's unit; none of them returns the identity of a
named tip-giver (services.tips.tip_identity is the one logged way to read it)."""

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from pcmd.core.scoping import get_scoped_or_404, restrict
from pcmd.core.text import fold
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency
from pcmd.registries.models import Tip, TipAttachment, TipCategory, TipMessage, TipStatus

# How the list may be ordered: newest first (the default), overdue first, nearest deadline.
SORTS = ("", "overdue", "deadline")


def _overdue_q(today: dt.date) -> Q:
    """Open and past its deadline."""
    return ~Q(status=TipStatus.CLOSED) & Q(deadline__lt=today)


def _day_start(day: dt.date) -> dt.datetime:
    """The first moment of a local calendar day (receipts are stored as moments)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def tip_list(
    *,
    user: Any,
    status: str = "",
    channel: str = "",
    category: TipCategory | str | None = None,
    unit: AdministrativeUnit | int | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    overdue: bool = False,
    agency: Agency | int | None = None,
    q: str = "",
    sort: str = "",
    today: dt.date | None = None,
) -> QuerySet[Tip]:
    """Tips in the user's scope, filtered; each carries `overdue_now` (open and past its
    deadline) and `closed_late`. `unit` includes the units below it."""
    today = today or timezone.localdate()
    tips = restrict(
        Tip.objects.select_related("unit", "category", "assigned_agency", "business"), user
    ).defer("reporter_name", "reporter_contact", "content")
    if status:
        tips = tips.filter(status=status)
    if channel:
        tips = tips.filter(channel=channel)
    if isinstance(category, TipCategory):
        tips = tips.filter(category=category)
    elif category:
        tips = tips.filter(category__code=category)
    if unit:
        unit_obj = (
            unit
            if isinstance(unit, AdministrativeUnit)
            else AdministrativeUnit.objects.filter(pk=unit).first()
        )
        tips = tips.filter(unit__path__startswith=unit_obj.path) if unit_obj else tips.none()
    if received_from:
        tips = tips.filter(received_at__gte=_day_start(received_from))
    if received_to:
        tips = tips.filter(received_at__lt=_day_start(received_to + dt.timedelta(days=1)))
    if overdue:
        tips = tips.filter(_overdue_q(today))
    if agency:
        tips = tips.filter(assigned_agency=agency)
    if q:
        # Folded in Python so that "nha nghi" finds "Nhà nghỉ" on every database.
        wanted = fold(q)
        ids = [pk for pk, subject in tips.values_list("pk", "subject") if wanted in fold(subject)]
        tips = tips.filter(pk__in=ids)
    tips = tips.annotate(
        overdue_now=Case(
            When(_overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        closed_late=Case(
            When(status=TipStatus.CLOSED, closed_on__gt=F("deadline"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if sort == "overdue":
        return tips.order_by("-overdue_now", "deadline", "-received_at", "-id")
    if sort == "deadline":
        return tips.order_by(F("closed_on").desc(nulls_first=True), "deadline", "-id")
    return tips.order_by("-received_at", "-id")


def tip_get(*, user: Any, pk: Any) -> Tip:
    """One tip in scope, or 404."""
    qs = Tip.objects.select_related(
        "unit", "category", "assigned_agency", "assigned_agency__unit", "business", "created_by"
    )
    return get_scoped_or_404(qs, user, pk=pk)


def tip_messages(tip: Tip) -> QuerySet[TipMessage]:
    """A tip's messages (the citizen's and officers' notes) in the order written; the caller
    already holds the tip, so they are in scope."""
    return TipMessage.objects.filter(tip=tip).select_related("created_by").order_by("created", "id")


def tip_attachments(tip: Tip) -> QuerySet[TipAttachment]:
    return TipAttachment.objects.filter(tip=tip).order_by("created", "id")


def tip_agencies(tip: Tip, user: Any) -> QuerySet[Agency]:
    """Agencies the tip may be assigned to: active ones of its unit and of the units above
    and below it, within the user's scope."""
    unit = tip.unit
    related = Q(unit_id__in=[*unit.ancestor_ids, unit.pk]) | Q(unit__path__startswith=unit.path)
    agencies = Agency.objects.filter(related, active=True).select_related("unit")
    return restrict(agencies, user).order_by("unit__path", "name")


def overdue_tips(*, user: Any, limit: int = 10, today: dt.date | None = None) -> dict[str, Any]:
    """The open tips past their deadline in the user's scope, oldest deadline first, for a
    dashboard panel: {"count": n, "tips": [first `limit` tips]}."""
    today = today or timezone.localdate()
    tips = (
        restrict(Tip.objects.select_related("unit", "category", "assigned_agency"), user)
        .defer("reporter_name", "reporter_contact", "content")
        .filter(_overdue_q(today))
        .order_by("deadline", "received_at", "id")
    )
    return {"count": tips.count(), "tips": list(tips[:limit]), "today": today}
