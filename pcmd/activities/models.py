"""Prevention work behind the capacity-building and communication numbers: training
courses with their participants, the staff each unit has, communication activities and
pilot models.

Choice codes that the reporting catalogue also uses (levels, agency types, sex, audience
groups) are the catalogue's own option codes, so counts map onto its disaggregations.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pcmd.geo.models import UnitLevel


class Level(models.TextChoices):
    """The catalogue's `level` options (districts only for dates before 01/07/2025)."""

    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


LEVEL_OF_UNIT: dict[int, str] = {
    UnitLevel.PROVINCE: Level.PROVINCE,
    UnitLevel.DISTRICT: Level.DISTRICT,
    UnitLevel.COMMUNE: Level.COMMUNE,
}
# Province above district above commune: a unit keeps records of its own level and below.
LEVEL_RANK: dict[str, int] = {Level.PROVINCE: 1, Level.DISTRICT: 2, Level.COMMUNE: 3}


class AgencyGroup(models.TextChoices):
    """The catalogue's `agency_type` options: the agencies of the interagency teams."""

    POLICE = "police", _("Công an")
    LABOUR_SOCIAL_AFFAIRS = "labour_social_affairs", _("Lao động - Thương binh và Xã hội")
    CULTURE = "culture", _("Văn hóa, Thể thao và Du lịch")
    HEALTH = "health", _("Y tế")
    OTHER = "other", _("Cơ quan khác")


# orgs.AgencyType codes → the group a participant of that agency is counted in.
AGENCY_GROUP_OF_TYPE: dict[str, str] = {
    "police": AgencyGroup.POLICE,
    "social_affairs": AgencyGroup.LABOUR_SOCIAL_AFFAIRS,
    "culture": AgencyGroup.CULTURE,
    "culture_society": AgencyGroup.CULTURE,
    "health": AgencyGroup.HEALTH,
}


class Sex(models.TextChoices):
    FEMALE = "female", _("Nữ")
    MALE = "male", _("Nam")


# --- training courses ------------------------------------------------------------------


class Training(models.Model):
    """A training course (lớp tập huấn, bồi dưỡng) held by a unit, recorded once held."""

    # Who organised it: a province or commune, or a district for the years before 2025-07.
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("đơn vị tổ chức"),
    )
    title = models.CharField(_("tên lớp"), max_length=300)
    organiser_agency = models.ForeignKey(
        "orgs.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan tổ chức"),
    )
    # When the organiser is not an agency of the unit (a project, an association).
    organiser_name = models.CharField(_("đơn vị tổ chức khác"), max_length=300, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    level = models.CharField(_("cấp tổ chức"), max_length=10, choices=Level.choices)
    topics = models.TextField(_("nội dung tập huấn"), blank=True)
    trainers = models.TextField(_("giảng viên, báo cáo viên"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lớp tập huấn")
        verbose_name_plural = pgettext_lazy("plural", "lớp tập huấn")
        ordering = ["-end", "-id"]
        indexes = [models.Index(fields=["unit", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")), name="activities_training_start_le_end"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser(self) -> str:
        agency = self.organiser_agency
        return agency.name if agency is not None else self.organiser_name


class ParticipantCount(models.Model):
    """How many took part, for one level × agency type × sex of a course."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="counts")
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    agency_type = models.CharField(_("cơ quan"), max_length=30, choices=AgencyGroup.choices)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices)
    count = models.PositiveIntegerField(_("số người"), default=0)

    class Meta:
        verbose_name = _("số học viên")
        verbose_name_plural = pgettext_lazy("plural", "số học viên")
        ordering = ["training", "level", "agency_type", "sex"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "level", "agency_type", "sex"],
                name="activities_count_unique_cell",
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="activities_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.training_id} {self.level}/{self.agency_type}/{self.sex}: {self.count}"


class Participant(models.Model):
    """A named participant of a course (staff, not a sensitive record)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "orgs.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan"),
    )
    # Typed when the agency is not in the list.
    agency_name = models.CharField(_("cơ quan (ghi tên)"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị công tác"),
    )

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = pgettext_lazy("plural", "học viên")
        ordering = ["training", "full_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def agency_label(self) -> str:
        return self.agency.name if self.agency_id and self.agency else self.agency_name


class StaffCount(models.Model):
    """How many staff work on prostitution prevention at a level, in a unit, in a year:
    the denominator of "staff trained"."""

    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="staff_counts",
        verbose_name=_("đơn vị"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    count = models.PositiveIntegerField(_("số cán bộ"))
    notes = models.CharField(_("ghi chú"), max_length=300, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("số cán bộ làm công tác phòng, chống mại dâm")
        verbose_name_plural = pgettext_lazy("plural", "số cán bộ làm công tác phòng, chống mại dâm")
        ordering = ["unit__path", "-year", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "level"], name="activities_staff_unit_year_level"
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="activities_staff_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.get_level_display()}: {self.count}"


# --- communication activities ----------------------------------------------------------


class ActivityFormat(models.TextChoices):
    EVENT = "event", _("Hội nghị, nói chuyện chuyên đề, sự kiện")
    BROADCAST = "broadcast", _("Phát thanh, truyền hình")
    ARTICLE = "article", _("Tin, bài trên báo chí, trang thông tin")
    LOUDSPEAKER = "loudspeaker", _("Loa truyền thanh cơ sở")
    SOCIAL_MEDIA = "social_media", _("Bài đăng trên mạng xã hội")
    SCHOOL_SESSION = "school_session", _("Buổi tuyên truyền tại trường học")
    OTHER = "other", _("Hình thức khác")


class Audience(models.TextChoices):
    """The catalogue's `audience` options."""

    STUDENTS = "students", _("Học sinh, sinh viên")
    BUSINESS_WORKERS = (
        "business_workers",
        _("Người lao động tại cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm"),
    )
    INDUSTRIAL_ZONE_WORKERS = "industrial_zone_workers", _("Người lao động trong khu công nghiệp")
    RESIDENTS = "residents", _("Người dân tại cộng đồng")


class CommunicationActivity(models.Model):
    """An awareness activity held or a media item published (recorded once it happened)."""

    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="communication_activities",
        verbose_name=_("đơn vị"),
    )
    date = models.DateField(_("ngày"))
    form = models.CharField(_("hình thức"), max_length=20, choices=ActivityFormat.choices)
    title = models.CharField(_("nội dung, tiêu đề"), max_length=300)
    audience = models.CharField(_("nhóm đối tượng"), max_length=30, choices=Audience.choices)
    reach = models.PositiveIntegerField(_("số người được tuyên truyền"), default=0)
    # Broadcasts, articles, posts... the activity counts as (0 for a meeting).
    media_items = models.PositiveIntegerField(_("số tin, bài, lượt phát"), default=0)
    notes = models.TextField(_("ghi chú"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hoạt động truyền thông")
        verbose_name_plural = pgettext_lazy("plural", "hoạt động truyền thông")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reach__gte=0) & Q(media_items__gte=0),
                name="activities_communication_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.date:%d/%m/%Y}"


# --- pilot models ----------------------------------------------------------------------


class PilotKind(models.TextChoices):
    SUPPORT_SERVICES = "support_services", _("Dịch vụ hỗ trợ")
    WORKERS_RIGHTS = "workers_rights", _("Bảo vệ quyền của người lao động")
    PEER_GROUPS = "peer_groups", _("Nhóm đồng đẳng, nhóm tự lực")
    CLUBS = "clubs", _("Câu lạc bộ")
    OTHER = "other", _("Mô hình khác")


class PilotStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    PAUSED = "paused", _("Tạm dừng")
    ENDED = "ended", _("Đã kết thúc")


class PilotModel(models.Model):
    """A pilot model (mô hình thí điểm) a unit runs: a club, a peer group, a service."""

    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="pilot_models",
        verbose_name=_("đơn vị"),
    )
    name = models.CharField(_("tên mô hình"), max_length=300)
    kind = models.CharField(_("loại mô hình"), max_length=20, choices=PilotKind.choices)
    start = models.DateField(_("bắt đầu từ"))
    # Set exactly when the model has ended (status "ended").
    end = models.DateField(_("kết thúc ngày"), null=True, blank=True)
    members = models.PositiveIntegerField(_("số thành viên"), default=0)
    activities = models.TextField(_("hoạt động"), blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=PilotStatus.choices, default=PilotStatus.ACTIVE
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mô hình thí điểm")
        verbose_name_plural = pgettext_lazy("plural", "mô hình thí điểm")
        ordering = ["unit__path", "-start", "id"]
        indexes = [models.Index(fields=["unit", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__lte=models.F("end")),
                name="activities_pilot_start_le_end",
            ),
            models.CheckConstraint(
                condition=Q(status="ended", end__isnull=False)
                | (~Q(status="ended") & Q(end__isnull=True)),
                name="activities_pilot_ended_has_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def operating_during(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and (self.end is None or self.end >= start)
