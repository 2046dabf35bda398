"""Processing deadlines of tips: calendar or working days, skipping weekends and holidays."""

import datetime as dt
from collections.abc import Iterable

from pcmd.registries.models import Holiday, TipCategory


def add_working_days(start: dt.date, days: int, holidays: Iterable[dt.date]) -> dt.date:
    """The date `days` working days after `start` (Saturday, Sunday and holidays skipped)."""
    off = set(holidays)
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day


def deadline_for(category: TipCategory, received: dt.date) -> dt.date:
    """The day by which a tip of this category received on `received` must be processed."""
    if not category.working_days:
        return received + dt.timedelta(days=category.deadline_days)
    # A generous window of holidays: deadlines are weeks, not years.
    horizon = received + dt.timedelta(days=category.deadline_days * 3 + 30)
    holidays = Holiday.objects.filter(date__gt=received, date__lte=horizon).values_list(
        "date", flat=True
    )
    return add_working_days(received, category.deadline_days, holidays)
