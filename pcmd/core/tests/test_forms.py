import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from pcmd.core.forms import UnitChoiceField
from pcmd.geo.models import AdministrativeUnit


def _unit(valid_to: dt.date | None) -> SimpleNamespace:
    return SimpleNamespace(
        name="Xã Kỳ Hoa", parent=SimpleNamespace(name="Tỉnh Hà Tĩnh"), valid_to=valid_to
    )


def test_a_unit_is_shown_under_its_parent_with_the_day_it_ended():
    field = UnitChoiceField(queryset=AdministrativeUnit.objects.none())
    assert field.label_from_instance(_unit(None)) == "Xã Kỳ Hoa (Tỉnh Hà Tĩnh)"
    ended = _unit(dt.date(2025, 6, 30))
    assert field.label_from_instance(ended) == "Xã Kỳ Hoa (Tỉnh Hà Tĩnh) – đến 30/06/2025"


def test_a_coming_end_is_shown_only_when_asked():
    coming = _unit(timezone.localdate() + dt.timedelta(days=30))
    assert " – đến " not in UnitChoiceField(
        queryset=AdministrativeUnit.objects.none()
    ).label_from_instance(coming)
    field = UnitChoiceField(queryset=AdministrativeUnit.objects.none(), future_end=True)
    assert " – đến " in field.label_from_instance(coming)
