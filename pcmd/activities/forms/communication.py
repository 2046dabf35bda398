"""Forms of the communication-activity and pilot-model pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pcmd.activities import selectors
from pcmd.activities.forms import ALL, FilterForm, count_input, unit_field, year_field
from pcmd.activities.models import (
    ActivityFormat,
    Audience,
    CommunicationActivity,
    PilotKind,
    PilotModel,
    PilotStatus,
)
from pcmd.core.forms import date_field

ACTIVITY_TEXT = ("date", "form", "title", "audience", "reach", "media_items", "notes")
PILOT_TEXT = ("name", "kind", "start", "end", "members", "activities", "status", "notes")


class CommunicationFilterForm(FilterForm):
    q = forms.CharField(label=_("Tìm theo nội dung"), required=False, max_length=100)
    unit = unit_field(_("Đơn vị"), required=False)
    form = forms.ChoiceField(
        label=_("Hình thức"), required=False, choices=[("", ALL), *ActivityFormat.choices]
    )
    audience = forms.ChoiceField(
        label=_("Nhóm đối tượng"), required=False, choices=[("", ALL), *Audience.choices]
    )
    year = year_field()
    start = date_field(_("Từ ngày"), required=False)
    end = date_field(_("Đến ngày"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = selectors.units_with_rows(
            user=user, model_qs=CommunicationActivity.objects.all()
        )


class CommunicationActivityForm(forms.Form):
    unit = unit_field(_("Đơn vị"))
    date = date_field(_("Ngày"))
    form = forms.ChoiceField(label=_("Hình thức"), choices=ActivityFormat.choices)
    title = forms.CharField(label=_("Nội dung, tiêu đề"), max_length=300)
    audience = forms.ChoiceField(label=_("Nhóm đối tượng"), choices=Audience.choices)
    reach = count_input(_("Số người được tuyên truyền"))
    media_items = count_input(
        _("Số tin, bài, lượt phát"),
        size=4,
    )
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(
        self, *args: Any, user: Any, activity: CommunicationActivity | None = None, **kwargs: Any
    ) -> None:
        if activity is not None:
            initial = {f: getattr(activity, f) for f in ACTIVITY_TEXT}
            kwargs.setdefault("initial", initial | {"unit": activity.unit_id})
        super().__init__(*args, **kwargs)
        self.fields["media_items"].help_text = _(
            "Số tin, bài đăng tải hoặc lượt phát sóng; 0 với một buổi nói chuyện."
        )
        unit: Any = self.fields["unit"]
        unit.queryset = selectors.manage_units(user)


class PilotModelFilterForm(FilterForm):
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=100)
    unit = unit_field(_("Đơn vị"), required=False)
    kind = forms.ChoiceField(
        label=_("Loại mô hình"), required=False, choices=[("", ALL), *PilotKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", ALL), *PilotStatus.choices]
    )
    year = year_field(_("Hoạt động trong năm"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = selectors.units_with_rows(user=user, model_qs=PilotModel.objects.all())


class PilotModelForm(forms.Form):
    unit = unit_field(_("Đơn vị"))
    name = forms.CharField(label=_("Tên mô hình"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại mô hình"), choices=PilotKind.choices)
    start = date_field(_("Bắt đầu từ ngày"))
    status = forms.ChoiceField(label=_("Tình trạng"), choices=PilotStatus.choices)
    end = date_field(
        _("Kết thúc ngày"), required=False, help_text=_("Chỉ ghi khi mô hình đã kết thúc.")
    )
    members = count_input(_("Số thành viên"))
    activities = forms.CharField(
        label=_("Hoạt động"), required=False, widget=forms.Textarea({"rows": 4})
    )
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(
        self, *args: Any, user: Any, pilot_model: PilotModel | None = None, **kwargs: Any
    ) -> None:
        if pilot_model is not None:
            initial = {f: getattr(pilot_model, f) for f in PILOT_TEXT}
            kwargs.setdefault("initial", initial | {"unit": pilot_model.unit_id})
        kwargs.setdefault("initial", {}).setdefault("status", PilotStatus.ACTIVE)
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.queryset = selectors.manage_units(user)
