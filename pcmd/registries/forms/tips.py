"""Forms of the tip pages: filters, intake and edit, and the handling actions.

They only clean input into the keyword arguments of services.tips; the services check
permissions, validate the facts (dates, categories, scope) and save. The edit form never
shows a stored identity: its name and contact fields are write-only (blank keeps).
"""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pcmd.accounts.roles import Perm
from pcmd.accounts.selectors import units_user_manages
from pcmd.core.forms import date_field
from pcmd.core.scoping import restrict
from pcmd.geo.models import AdministrativeUnit
from pcmd.orgs.models import Agency
from pcmd.registries.models import (
    Business,
    Tip,
    TipCategory,
    TipChannel,
    TipConclusion,
    TipStatus,
)
from pcmd.registries.selectors.businesses import business_list

TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hg%M"]


def time_field(label: Any, *, required: bool = False) -> forms.TimeField:
    """A time of day typed 14:30."""
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=TIME_INPUT_FORMATS,
        error_messages={"invalid": _("Giờ không hợp lệ: nhập theo dạng hh:mm, ví dụ 14:30.")},
        widget=forms.TimeInput(
            format="%H:%M", attrs={"placeholder": "hh:mm", "size": 6, "autocomplete": "off"}
        ),
    )


def _moment(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time or dt.time.min))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (screenshots); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class TipFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm trong tóm tắt"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *TipStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("Kênh"), required=False, choices=[("", _("Tất cả")), *TipChannel.choices]
    )
    category = forms.ChoiceField(label=_("Loại tin"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Địa bàn"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("Tất cả"),
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan xử lý"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=_("Tất cả"),
    )
    received_from = date_field(_("Tiếp nhận từ ngày"), required=False)
    received_to = date_field(_("đến ngày"), required=False)
    overdue = forms.BooleanField(label=_("Chỉ tin quá hạn"), required=False)
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            ("", _("Mới tiếp nhận trước")),
            ("overdue", _("Quá hạn trước")),
            ("deadline", _("Hạn xử lý gần nhất")),
        ],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tips = restrict(Tip.objects.all(), user)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Tất cả")),
            *((c.code, c.name) for c in TipCategory.objects.all()),
        ]
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = AdministrativeUnit.objects.filter(
            pk__in=tips.values("unit_id")
        ).order_by("path")
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = Agency.objects.filter(
            pk__in=tips.exclude(assigned_agency=None).values("assigned_agency_id")
        ).order_by("unit__path", "name")

    def filters(self) -> dict[str, Any]:
        """The filters for selectors.tips.tip_list (only those given)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class TipForm(forms.Form):
    """Intake and edit. Cleans to the keyword arguments of tip_create / tip_update."""

    unit = forms.ModelChoiceField(
        label=_("Địa bàn"), queryset=AdministrativeUnit.objects.none(), empty_label=_("— Chọn —")
    )
    channel = forms.ChoiceField(label=_("Kênh tiếp nhận"), choices=TipChannel.choices)
    received_on = date_field(_("Ngày tiếp nhận"))
    received_time = time_field(_("Giờ tiếp nhận"))
    category = forms.ModelChoiceField(
        label=_("Loại tin"), queryset=TipCategory.objects.none(), empty_label=_("— Chọn —")
    )
    subject = forms.CharField(label=_("Tóm tắt"), max_length=300)
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 6}))
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    business = forms.ModelChoiceField(
        label=_("Cơ sở liên quan"),
        queryset=Business.objects.none(),
        required=False,
        empty_label=_("— Không —"),
    )
    platform = forms.CharField(
        label=_("Nền tảng mạng"),
        max_length=100,
        required=False,
        help_text=_("Với tin quảng cáo, môi giới trên mạng: Facebook, Zalo, Telegram, trang web…"),
    )
    link = forms.CharField(label=_("Đường dẫn"), max_length=1000, required=False)
    seen_on = date_field(_("Ngày phát hiện trên mạng"), required=False)
    seen_time = time_field(_("Giờ phát hiện"))
    anonymous = forms.BooleanField(label=_("Người báo tin giấu tên (ẩn danh)"), required=False)
    reporter_name = forms.CharField(
        label=_("Họ tên người báo tin"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reporter_contact = forms.CharField(
        label=_("Liên hệ của người báo tin"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    uploads = MultipleFileField(
        label=_("Ảnh chụp màn hình, tệp kèm theo"),
        required=False,
        help_text=_("Ảnh JPEG, PNG, WebP hoặc tệp PDF, tối đa 5 tệp."),
    )

    def __init__(self, *args: Any, user: Any, tip: Tip | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tip = tip
        units: QuerySet[AdministrativeUnit] = units_user_manages(user, Perm.TIP_MANAGE)
        categories = TipCategory.objects.filter(active=True)
        if tip is not None:
            # An older tip keeps its unit (perhaps one gone in the 2025 reform) and category.
            units = AdministrativeUnit.objects.filter(
                pk__in=[*units.values_list("pk", flat=True), tip.unit_id]
            )
            categories = TipCategory.objects.filter(
                pk__in=[*categories.values_list("pk", flat=True), tip.category_id]
            )
        self._field("unit").queryset = units.order_by("path")
        self._field("category").queryset = categories.order_by("order", "code")
        self._field("business").queryset = business_list(user=user)
        if units.count() == 1 and not self.is_bound:
            self.initial.setdefault("unit", units.first())
        if tip is None:
            now = timezone.localtime()
            self.initial.setdefault("received_on", now.date())
            self.initial.setdefault("received_time", now.time().replace(second=0, microsecond=0))
            self.initial.setdefault("anonymous", True)
        else:
            self.initial.update(_initial(tip))
            for name in ("reporter_name", "reporter_contact"):
                self.fields[name].help_text = _(
                    "Không hiển thị danh tính đã lưu. Để trống để giữ nguyên."
                )
            del self.fields["uploads"]

    def _field(self, name: str) -> forms.ModelChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        return field

    def service_kwargs(self) -> dict[str, Any]:
        """What the service receives; for an edit, only what changed (identity: if typed)."""
        data = dict(self.cleaned_data)
        fields: dict[str, Any] = {
            "unit": data["unit"],
            "channel": data["channel"],
            "category": data["category"],
            "received_at": _moment(data["received_on"], data.get("received_time")),
            "subject": data["subject"],
            "content": data["content"],
            "place": data["place"],
            "business": data["business"],
            "platform": data["platform"],
            "link": data["link"],
            "seen_at": _moment(data.get("seen_on"), data.get("seen_time")),
            "anonymous": data["anonymous"],
            "reporter_name": data["reporter_name"],
            "reporter_contact": data["reporter_contact"],
        }
        if self.tip is None:
            fields["uploads"] = data.get("uploads") or []
            return fields
        changed = set(self.changed_data)
        keep = {
            "unit",
            "channel",
            "category",
            "subject",
            "content",
            "place",
            "business",
            "platform",
            "link",
            "anonymous",
        } & changed
        out = {k: fields[k] for k in keep}
        if {"received_on", "received_time"} & changed:
            out["received_at"] = fields["received_at"]
        if {"seen_on", "seen_time"} & changed:
            out["seen_at"] = fields["seen_at"]
        for name in ("reporter_name", "reporter_contact"):
            if data[name]:
                out[name] = data[name]
        return out


def _initial(tip: Tip) -> dict[str, Any]:
    received = timezone.localtime(tip.received_at)
    seen = timezone.localtime(tip.seen_at) if tip.seen_at else None
    return {
        "unit": tip.unit_id,
        "channel": tip.channel,
        "received_on": received.date(),
        "received_time": received.time().replace(second=0, microsecond=0),
        "category": tip.category_id,
        "subject": tip.subject,
        "content": tip.content,
        "place": tip.place,
        "business": tip.business_id,
        "platform": tip.platform,
        "link": tip.link,
        "seen_on": seen.date() if seen else None,
        "seen_time": seen.time().replace(second=0, microsecond=0) if seen else None,
        "anonymous": tip.anonymous,
    }


class _ActionForm(forms.Form):
    """A form of the detail page: its own id prefix, since several share one page."""

    id_prefix = "action"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class AssignForm(_ActionForm):
    id_prefix = "assign"

    agency = forms.ModelChoiceField(
        label=_("Cơ quan xử lý"), queryset=Agency.objects.none(), empty_label=_("— Chọn —")
    )
    assigned_on = date_field(_("Ngày giao"), required=False)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        self.initial.setdefault("assigned_on", timezone.localdate())


class VerifyForm(_ActionForm):
    id_prefix = "verify"

    verification = forms.CharField(
        label=_("Kết quả xác minh"), widget=forms.Textarea(attrs={"rows": 3})
    )
    conclusion = forms.ChoiceField(
        label=_("Kết luận (nếu đã có)"),
        required=False,
        choices=[("", _("— Chưa kết luận —")), *TipConclusion.choices],
    )


class CloseForm(_ActionForm):
    id_prefix = "close"

    conclusion = forms.ChoiceField(
        label=_("Kết luận"), choices=[("", _("— Chọn —")), *TipConclusion.choices]
    )
    outcome = forms.CharField(
        label=_("Kết quả xử lý"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    closed_on = date_field(_("Ngày kết thúc"))
    reason = forms.CharField(label=_("Lý do kết thúc"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("closed_on", timezone.localdate())


class ReopenForm(_ActionForm):
    id_prefix = "reopen"

    reason = forms.CharField(label=_("Lý do mở lại"), max_length=500)


class NoteForm(_ActionForm):
    id_prefix = "note"

    text = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(
        label=_("Thông báo cho người báo tin (hiện trên trang tra cứu bằng mã tiếp nhận)"),
        required=False,
    )


class LinkBusinessForm(_ActionForm):
    id_prefix = "business"

    business = forms.ModelChoiceField(
        label=_("Cơ sở liên quan"),
        queryset=Business.objects.none(),
        required=False,
        empty_label=_("— Bỏ liên kết —"),
    )

    def __init__(self, *args: Any, user: Any, tip: Tip, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["business"]
        assert isinstance(field, forms.ModelChoiceField)
        unit = tip.unit
        # Businesses of the tip's unit, or of the unit above it when the tip is a village's.
        field.queryset = (
            business_list(user=user, unit=unit)
            if unit.level < 4
            else business_list(user=user).filter(unit_id=unit.parent_id)
        )
        self.initial.setdefault("business", tip.business_id)


class AttachForm(_ActionForm):
    id_prefix = "attach"

    uploads = MultipleFileField(label=_("Thêm tệp (ảnh chụp màn hình, văn bản)"))


class IdentityForm(_ActionForm):
    id_prefix = "identity"

    reason = forms.CharField(
        label=_("Lý do xem danh tính"),
        max_length=500,
        help_text=_("Việc xem được ghi vào nhật ký truy cập cùng tên bạn và lý do."),
    )
