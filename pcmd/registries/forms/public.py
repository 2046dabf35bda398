"""Forms of the public tip page: the tip, the receipt code look-up, information added later.

They only clean input; services.public checks the place, the files, the challenge and the
rate limits, and saves.
"""

import datetime as dt
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pcmd.core.forms import date_field
from pcmd.geo.models import AdministrativeUnit
from pcmd.registries.forms.tips import MultipleFileField, time_field
from pcmd.registries.models import TipCategory
from pcmd.registries.services.attachments import MAX_FILES, max_bytes, megabytes
from pcmd.registries.services.public import (
    CONTENT_MAX,
    PublicTip,
    public_communes,
    public_provinces,
)


class ProvinceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class FilesField(MultipleFileField):
    """The files of one submission: at most MAX_FILES (size and type: services)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = super().clean(data, initial)
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Chỉ gửi được tối đa %(n)s tệp mỗi lần (bạn đã chọn %(m)s tệp)."),
                params={"n": MAX_FILES, "m": len(files)},
            )
        return files


def files_help() -> str:
    """What may be attached, with the limits in force."""
    return gettext(
        "Ảnh chụp (JPEG, PNG, WebP) hoặc tài liệu PDF, tối đa %(n)s tệp, mỗi tệp không quá "
        "%(mb)s MB. Thông tin ẩn trong ảnh (vị trí, thiết bị chụp) được xóa khỏi bản cán bộ "
        "sử dụng."
    ) % {"n": MAX_FILES, "mb": megabytes(max_bytes())}


def files_field() -> FilesField:
    field = FilesField(required=False, label=_("Tệp đính kèm"))
    field.widget.attrs.update(
        {"accept": "image/jpeg,image/png,image/webp,application/pdf", "multiple": True}
    )
    return field


class ChallengeMixin(forms.Form):
    """The challenge's answer, its signed token and a honeypot field people never see."""

    challenge = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
    )
    answer = forms.IntegerField(
        label=_("Câu trả lời (viết bằng chữ số)"),
        min_value=-100,
        max_value=100,
        error_messages={
            "required": _("Vui lòng trả lời câu hỏi kiểm tra."),
            "invalid": _("Hãy viết câu trả lời bằng chữ số, ví dụ 12."),
            "min_value": _("Câu trả lời chưa đúng."),
            "max_value": _("Câu trả lời chưa đúng."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
    )
    # Hidden from people (the template hides its block); programs that fill every field
    # fill this one too.
    website = forms.CharField(
        required=False,
        label=_("Để trống ô này"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self) -> str:
        value: str = self.cleaned_data.get("website", "")
        if value.strip():
            raise forms.ValidationError(
                _("Không gửi được: ô “Để trống ô này” phải để trống. Vui lòng xóa nội dung ô đó.")
            )
        return ""


class PublicTipForm(ChallengeMixin):
    """A citizen's tip: what, where, optionally when, online ads, files, and a name and
    contact only if they want to give them."""

    content = forms.CharField(
        label=_("Sự việc bạn muốn báo"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Điều gì đã xảy ra hoặc bạn đã thấy gì, ở đâu, khi nào, những ai liên quan."),
        error_messages={"required": _("Vui lòng cho biết sự việc bạn muốn báo.")},
    )
    province = ProvinceField(
        queryset=AdministrativeUnit.objects.none(),
        label=_("Tỉnh, thành phố"),
        empty_label=_("— Chọn tỉnh, thành phố —"),
        error_messages={
            "required": _("Vui lòng chọn tỉnh, thành phố nơi xảy ra sự việc."),
            "invalid_choice": _("Tỉnh, thành phố không có trong danh sách."),
        },
    )
    commune = ProvinceField(
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        label=_("Xã, phường, đặc khu (nếu biết)"),
        empty_label=_("— Không rõ —"),
        error_messages={
            "invalid_choice": _("Xã, phường không thuộc tỉnh, thành phố đã chọn."),
        },
    )
    place = forms.CharField(
        label=_("Tên, địa chỉ cơ sở hoặc nơi xảy ra (nếu có)"),
        required=False,
        max_length=300,
    )
    category = forms.ModelChoiceField(
        queryset=TipCategory.objects.none(),
        required=False,
        label=_("Loại tin báo"),
        empty_label=_("— Không rõ —"),
        error_messages={"invalid_choice": _("Loại tin báo không có trong danh sách.")},
    )
    seen_on = date_field(_("Ngày phát hiện (nếu nhớ)"), required=False)
    seen_time = time_field(_("Giờ (nếu nhớ)"))
    platform = forms.CharField(
        label=_("Nền tảng mạng (Facebook, Zalo, Telegram, trang web…)"),
        required=False,
        max_length=100,
    )
    link = forms.URLField(
        label=_("Đường dẫn đến bài đăng, trang quảng cáo"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        error_messages={"invalid": _("Đường dẫn không hợp lệ, ví dụ: https://example.com/…")},
    )
    attachments = files_field()
    reporter_name = forms.CharField(label=_("Họ và tên"), required=False, max_length=200)
    reporter_contact = forms.CharField(
        label=_("Số điện thoại hoặc địa chỉ liên hệ"), required=False, max_length=200
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province_field = self.fields["province"]
        assert isinstance(province_field, forms.ModelChoiceField)
        province_field.queryset = public_provinces()
        # Picking a province loads its communes (htmx); without JavaScript the place
        # field below takes the commune's name.
        province_field.widget.attrs.update(
            {
                "hx-get": reverse("public:communes"),
                "hx-trigger": "change",
                "hx-target": "#commune-field",
                "hx-swap": "outerHTML",
            }
        )
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ModelChoiceField)
        category_field.queryset = TipCategory.objects.filter(active=True)
        commune_field = self.fields["commune"]
        assert isinstance(commune_field, forms.ModelChoiceField)
        self.fields["attachments"].help_text = files_help()
        commune_field.queryset = public_communes(
            self.data.get("province") if self.is_bound else None
        )

    def clean_seen_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("seen_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Ngày phát hiện không thể sau hôm nay."))
        if day and day < dt.date(2000, 1, 1):
            raise forms.ValidationError(_("Ngày phát hiện không hợp lệ."))
        return day

    def sent(self) -> PublicTip:
        """The cleaned fields as services.public.tip_submit takes them."""
        data = self.cleaned_data
        seen_at = None
        if data.get("seen_on"):
            seen_at = timezone.make_aware(
                dt.datetime.combine(data["seen_on"], data.get("seen_time") or dt.time.min)
            )
        return PublicTip(
            content=data["content"],
            province=data["province"],
            commune=data.get("commune"),
            category=data.get("category"),
            place=data.get("place", ""),
            seen_at=seen_at,
            platform=data.get("platform", ""),
            link=data.get("link", ""),
            reporter_name=data.get("reporter_name", ""),
            reporter_contact=data.get("reporter_contact", ""),
            uploads=list(data.get("attachments") or []),
        )


class ReceiptLookupForm(forms.Form):
    """The receipt code, typed with or without spaces and dashes."""

    code = forms.CharField(
        label=_("Mã tiếp nhận"),
        max_length=80,
        error_messages={"required": _("Vui lòng nhập mã tiếp nhận.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class AddInformationForm(forms.Form):
    """What a citizen adds to a tip already sent."""

    text = forms.CharField(
        label=_("Thông tin bổ sung"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Vui lòng nhập thông tin bổ sung.")},
    )
    attachments = files_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = files_help()
