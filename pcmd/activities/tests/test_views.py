import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.activities import urls
from pcmd.activities.models import (
    CommunicationActivity,
    ParticipantCount,
    PilotModel,
    StaffCount,
    Training,
)
from pcmd.activities.tests.factories import (
    make_activity,
    make_activity_targets,
)
from pcmd.audit.models import Action, ObjectChange

pytestmark = pytest.mark.django_db

LISTS = (
    "activities:training_list",
    "activities:staff_count_list",
    "activities:communication_list",
    "activities:pilot_model_list",
)
# What each page with a parameter names (as the URL security walk declares them).
KWARGS = {
    "training_detail": lambda t: {"pk": t["training"].pk},
    "training_edit": lambda t: {"pk": t["training"].pk},
    "training_delete": lambda t: {"pk": t["training"].pk},
    "participant_add": lambda t: {"pk": t["training"].pk},
    "participant_edit": lambda t: {
        "pk": t["training"].pk,
        "participant_pk": t["training_participant"].pk,
    },
    "participant_remove": lambda t: {
        "pk": t["training"].pk,
        "participant_pk": t["training_participant"].pk,
    },
    "staff_count_edit": lambda t: {"pk": t["staff_count"].pk},
    "staff_count_delete": lambda t: {"pk": t["staff_count"].pk},
    "communication_detail": lambda t: {"pk": t["communication_activity"].pk},
    "communication_edit": lambda t: {"pk": t["communication_activity"].pk},
    "communication_delete": lambda t: {"pk": t["communication_activity"].pk},
    "pilot_model_detail": lambda t: {"pk": t["pilot_model"].pk},
    "pilot_model_edit": lambda t: {"pk": t["pilot_model"].pk},
    "pilot_model_delete": lambda t: {"pk": t["pilot_model"].pk},
}


@pytest.fixture
def officer(client, tree):
    """A commune officer of Xã Kỳ Hoa, signed in."""
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


@pytest.fixture
def records(tree):
    return make_activity_targets(tree["kh"])


def _training_post(unit, **extra):
    data = {
        "unit": unit.pk,
        "title": "Tập huấn kỹ năng tuyên truyền",
        "organiser_name": "UBND xã Kỳ Hoa",
        "start": "10/09/2025",
        "end": "11/09/2025",
        "level": "",
        "n_commune_police_female": "3",
        "n_commune_health_male": "1.200",
        "n_province_other_female": "",
    }
    return data | extra


def test_every_list_opens_and_shows_only_records_in_scope(client, officer, tree, records):
    foreign = make_activity_targets(tree["hp"])
    for name in LISTS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    page = client.get(reverse("activities:training_list")).text
    assert records["training"].title in page and "9" in page
    assert client.get(reverse("activities:pilot_model_list")).text.count("Câu lạc bộ Hoa Sen") == 1
    assert foreign["communication_activity"].pk != records["communication_activity"].pk
    text = client.get(reverse("activities:communication_list")).text
    assert text.count("Nói chuyện chuyên đề tại thôn") == 1


def test_the_lists_filter_and_answer_htmx_with_rows_alone(client, officer, tree):
    make_activity(tree["kh"], "Buổi tại trường", audience="students", form="school_session")
    make_activity(tree["kh"], "Phát thanh năm trước", form="broadcast", date=dt.date(2024, 5, 2))
    url = reverse("activities:communication_list")
    response = client.get(url, {"audience": "students"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.text
    assert "Buổi tại trường" in response.text and "Phát thanh năm trước" not in response.text
    response = client.get(url, {"year": "2024"})
    assert "Phát thanh năm trước" in response.text and "Buổi tại trường" not in response.text
    response = client.get(url, {"start": "01/01/2025", "form": "broadcast"})
    assert "Không có hoạt động nào khớp" in response.text
    assert client.get(url, {"start": "nonsense", "audience": "x"}).status_code == 200
    trainings = client.get(reverse("activities:training_list"), {"year": "2020"})
    assert "Không có lớp tập huấn nào khớp" in trainings.text


def test_the_lists_export_csv_and_an_xlsx_that_opens(client, officer, records):
    for name, heading, expected in (
        ("activities:training_list", "Tổng số học viên", 9),
        ("activities:communication_list", "Số người được tuyên truyền", 50),
        ("activities:pilot_model_list", "Tên mô hình", "Câu lạc bộ Hoa Sen"),
        ("activities:staff_count_list", "Số cán bộ", 12),
    ):
        csv = client.get(reverse(name), {"export": "csv"})
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
        assert heading in csv.content.decode("utf-8-sig")
        xlsx = client.get(reverse(name), {"export": "xlsx"})
        assert xlsx.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        header = next(r for r in rows if heading in r)
        values = rows[rows.index(header) + 1]
        assert values[header.index(heading)] == expected, name
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("activities:training_list"), {"export": "xlsx"}).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if "Tổng số học viên" in r)
    data = rows[rows.index(header) + 1]
    assert data[header.index("Cấp xã – Công an – Nữ")] == 3
    assert data[header.index("Trong đó nữ")] == 7


def test_a_course_is_recorded_from_the_page_with_its_grid(client, officer, tree):
    response = client.post(reverse("activities:training_create"), _training_post(tree["kh"]))
    training = Training.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/trainings/{training.pk}/")
    grid = {(c.level, c.agency_type, c.sex): c.count for c in training.counts.all()}
    assert grid == {("commune", "police", "female"): 3, ("commune", "health", "male"): 1200}
    assert ObjectChange.objects.filter(action=Action.CREATE, user=officer).count() == 3
    detail = client.get(response.url)
    assert detail.status_code == 200 and "1.203" in detail.text


def test_a_refused_course_keeps_the_input_and_says_why(client, officer, tree):
    url = reverse("activities:training_create")
    response = client.post(url, _training_post(tree["kh"], n_commune_police_male="-4"))
    assert response.status_code == 400
    assert "không được âm" in response.text and 'value="-4"' in response.text
    assert 'value="Tập huấn kỹ năng tuyên truyền"' in response.text
    response = client.post(url, _training_post(tree["kh"], end="01/09/2025"))
    assert response.status_code == 400 and "phải từ ngày bắt đầu" in response.text
    response = client.post(url, _training_post(tree["kh"], end="01/01/2099"))
    assert response.status_code == 400 and "chỉ ghi nhận lớp tập huấn đã tổ chức" in response.text
    assert not Training.objects.exists() and not ParticipantCount.objects.exists()


def test_a_course_is_edited_its_participants_named_and_it_is_deleted(client, officer, records):
    training = records["training"]
    url = reverse("activities:training_edit", args=[training.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="n_commune_police_female" value="3"' in page.text
    response = client.post(
        url, _training_post(training.unit, title="Lớp đã sửa", n_commune_health_male="")
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.title == "Lớp đã sửa"
    assert sum(c.count for c in training.counts.all()) == 3
    added = client.post(
        reverse("activities:participant_add", args=[training.pk]),
        {"full_name": "Phạm Văn Học", "position": "Công an viên"},
    )
    assert added.status_code == 302 and training.participants.count() == 2
    assert (
        "Phạm Văn Học" in client.get(reverse("activities:training_detail", args=[training.pk])).text
    )
    deleted = client.post(reverse("activities:training_delete", args=[training.pk]))
    assert deleted.status_code == 302 and not Training.objects.exists()


def test_activities_pilot_models_and_staff_counts_are_written_from_the_pages(client, officer, tree):
    response = client.post(
        reverse("activities:communication_create"),
        {
            "unit": tree["kh"].pk,
            "date": "02/10/2025",
            "form": "article",
            "title": "Bài viết trên cổng thông tin xã",
            "audience": "residents",
            "reach": "",
            "media_items": "2",
        },
    )
    assert response.status_code == 302
    assert CommunicationActivity.objects.get().media_items == 2
    refused = client.post(
        reverse("activities:pilot_model_create"),
        {
            "unit": tree["kh"].pk,
            "name": "CLB",
            "kind": "clubs",
            "start": "01/08/2025",
            "status": "ended",
        },
    )
    assert refused.status_code == 400 and "cần nhập ngày kết thúc" in refused.text
    assert 'value="CLB"' in refused.text and not PilotModel.objects.exists()
    unknown = client.post(
        reverse("activities:communication_create"),
        {
            "unit": tree["kh"].pk,
            "date": "02/10/2025",
            "form": "article",
            "title": "X",
            "audience": "tourists",
        },
    )
    assert unknown.status_code == 400 and CommunicationActivity.objects.count() == 1
    staff = client.post(
        reverse("activities:staff_count_create"),
        {"unit": tree["kh"].pk, "year": "2025", "level": "", "count": "14"},
    )
    assert staff.status_code == 302 and StaffCount.objects.get().count == 14
    row = StaffCount.objects.get()
    again = client.post(
        reverse("activities:staff_count_create"),
        {"unit": tree["kh"].pk, "year": "2025", "count": "3"},
    )
    assert again.status_code == 400 and "sửa dòng đó" in again.text
    edited = client.post(
        reverse("activities:staff_count_edit", args=[row.pk]), {"year": "2025", "count": "15"}
    )
    assert edited.status_code == 302 and StaffCount.objects.get().count == 15


def test_a_viewer_reads_but_may_not_write(client, tree, records):
    client.force_login(member(tree["kh"], Role.VIEWER))
    detail = client.get(reverse("activities:training_detail", args=[records["training"].pk]))
    assert detail.status_code == 200
    assert reverse("activities:training_edit", args=[records["training"].pk]) not in detail.text
    assert "training-create" not in client.get(reverse("activities:training_list")).text
    for name in (
        "training_create",
        "communication_create",
        "pilot_model_create",
        "staff_count_create",
    ):
        assert client.get(reverse(f"activities:{name}")).status_code == 403, name
    for name in ("training_edit", "communication_edit", "pilot_model_delete", "staff_count_edit"):
        assert (
            client.post(reverse(f"activities:{name}", kwargs=KWARGS[name](records))).status_code
            == 403
        )


@pytest.mark.parametrize(
    "role_unit", [("ka", Role.COMMUNE_OFFICER), ("qt", Role.PROVINCE_COORDINATOR)]
)
def test_no_page_opens_another_communes_records(client, tree, records, role_unit):
    unit, role = role_unit
    client.force_login(member(tree[unit], role))
    before = ObjectChange.objects.count()
    checked = 0
    for pattern in urls.urlpatterns:
        if not pattern.pattern.converters:
            continue
        name = str(pattern.name)
        url = reverse(f"activities:{name}", kwargs=KWARGS[name](records))
        for method in (client.get, client.post):
            assert method(url).status_code == 404, f"{method.__name__} {url}"
        checked += 1
    assert checked == len(KWARGS)
    assert ObjectChange.objects.count() == before
    # Nor may a form write for that commune.
    response = client.post(reverse("activities:training_create"), _training_post(tree["kh"]))
    assert response.status_code in (400, 403) and Training.objects.count() == 1


def test_every_page_asks_for_sign_in(client, records):
    for pattern in urls.urlpatterns:
        name = str(pattern.name)
        kwargs = KWARGS[name](records) if pattern.pattern.converters else {}
        response = client.get(reverse(f"activities:{name}", kwargs=kwargs))
        assert response.status_code == 302 and "/accounts/login" in response.url
