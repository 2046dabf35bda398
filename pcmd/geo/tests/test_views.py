import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import Action, ObjectChange
from pcmd.geo.models import AdministrativeUnit, SuccessionKind, UnitKind, UnitSuccession
from pcmd.geo.services import unit_create, unit_update

HX = {"HTTP_HX_REQUEST": "true"}


def _village(commune: AdministrativeUnit, name: str, code: str) -> AdministrativeUnit:
    return unit_create(
        actor=None,
        code=code,
        name=name,
        kind=UnitKind.VILLAGE,
        parent=commune,
        valid_from=dt.date(2025, 7, 1),
    )


@pytest.fixture
def coordinator(client, tree):
    user = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    client.force_login(user)
    return user


@pytest.fixture
def officer(client, tree):
    """A commune officer of Xã Kỳ Hoa (new), logged in."""
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user


def _text(response) -> str:
    return response.content.decode()


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["geo:browser", "geo:search"])
def test_pages_redirect_an_anonymous_visitor_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_unit_page_redirects_an_anonymous_visitor_to_login(client, tree):
    response = client.get(reverse("geo:detail", args=[tree["ht"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- browser: the date selector -------------------------------------------------------------


def test_browser_shows_the_current_provinces_by_default(client, tree, coordinator):
    response = client.get(reverse("geo:browser"))
    assert response.status_code == 200
    html = _text(response)
    assert "Tỉnh Nghệ An" in html and "Tỉnh Quảng Trị" in html
    assert "Tỉnh Quảng Bình" not in html
    assert 'data-testid="unit-search"' in html and 'data-testid="unit-results"' in html
    assert [u.name for u in response.context["roots"]] == [
        "Tỉnh Nghệ An",
        "Tỉnh Hà Tĩnh",
        "Tỉnh Quảng Trị",
    ]


def test_browser_on_2024_12_31_shows_the_pre_reform_provinces(client, tree, coordinator):
    response = client.get(reverse("geo:browser"), {"at": "31/12/2024"})
    html = _text(response)
    assert [u.name for u in response.context["roots"]] == ["Tỉnh Hà Tĩnh", "Tỉnh Quảng Bình"]
    assert "Tỉnh Nghệ An" not in html and "Tỉnh Quảng Trị" not in html
    # Past units carry a badge, and the tree lazy-loads the children on that date.
    assert "Đơn vị cũ" in html
    assert reverse("geo:children", args=[tree["old_ht"].pk]) + "?at=2024-12-31" in html


def test_browser_quick_toggle_links_to_the_day_before_the_reform(client, tree, coordinator):
    html = _text(client.get(reverse("geo:browser")))
    assert "Trước 01/07/2025" in html and "at=30%2F06%2F2025" in html
    response = client.get(reverse("geo:browser"), {"at": "30/06/2025"})
    assert [u.name for u in response.context["roots"]] == ["Tỉnh Hà Tĩnh", "Tỉnh Quảng Bình"]


def test_browser_accepts_an_iso_date_too(client, tree, coordinator):
    response = client.get(reverse("geo:browser"), {"at": "2024-12-31"})
    assert response.context["at"] == dt.date(2024, 12, 31)


def test_browser_explains_a_malformed_date_and_falls_back_to_today(client, tree, coordinator):
    response = client.get(reverse("geo:browser"), {"at": "31/13/2024", "q": "ky anh"})
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in _text(response)
    assert response.context["at"] == dt.date.today()
    # The search text survives the bad date.
    assert [u.name for u in response.context["results"]] == ["Phường Kỳ Anh"]


# --- browser: search ----------------------------------------------------------------------


def test_search_without_diacritics_finds_the_unit_with_its_parent_chain(client, tree, coordinator):
    response = client.get(reverse("geo:browser"), {"q": "ky anh"})
    html = _text(response)
    assert [u.name for u in response.context["results"]] == ["Phường Kỳ Anh"]
    assert "Phường Kỳ Anh — Tỉnh Hà Tĩnh" in html
    assert reverse("geo:detail", args=[tree["ka"].pk]) in html
    assert "từ 01/07/2025" in html


def test_search_on_a_past_date_finds_the_old_units(client, tree, coordinator):
    response = client.get(reverse("geo:browser"), {"q": "KY TRINH", "at": "31/12/2024"})
    assert "Phường Kỳ Trinh — Thị xã Kỳ Anh — Tỉnh Hà Tĩnh" in _text(response)


def test_search_across_all_periods_finds_old_and_new_units(client, tree, coordinator):
    response = client.get(reverse("geo:browser"), {"q": "ky hoa", "all": "on"})
    found = response.context["results"]
    assert {u.pk for u in found} == {tree["kh"].pk, tree["old_kh"].pk}
    assert "đến 30/06/2025" in _text(response)


def test_search_by_htmx_returns_only_the_results_and_keeps_the_address_shareable(
    client, tree, coordinator
):
    response = client.get(reverse("geo:search"), {"q": "hai phu"}, **HX)
    html = _text(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert "Xã Hải Phú — Tỉnh Quảng Trị" in html
    assert response["HX-Replace-Url"] == reverse("geo:browser") + "?q=hai+phu"


def test_search_without_htmx_goes_to_the_browser_page(client, tree, coordinator):
    response = client.get(reverse("geo:search"), {"q": "hai phu"})
    assert response.status_code == 302
    assert response["Location"] == reverse("geo:browser") + "?q=hai+phu"


def test_search_with_nothing_found_says_so(client, tree, coordinator):
    response = client.get(reverse("geo:search"), {"q": "zzz"}, **HX)
    assert "Không tìm thấy đơn vị nào" in _text(response)


# --- browser: lazy children -----------------------------------------------------------------


def test_children_partial_lists_the_children_on_the_date(client, tree, coordinator):
    url = reverse("geo:children", args=[tree["old_ka"].pk])
    html = _text(client.get(url, {"at": "2024-12-31"}, **HX))
    assert "<html" not in html
    assert "Phường Kỳ Trinh" in html and "Xã Kỳ Hoa" in html
    assert _text(client.get(url, **HX)).count("unit-node") == 0


def test_children_partial_marks_expandable_units(client, tree, coordinator):
    html = _text(
        client.get(reverse("geo:children", args=[tree["old_ht"].pk]), {"at": "2024-12-31"}, **HX)
    )
    assert "Thị xã Kỳ Anh" in html
    assert reverse("geo:children", args=[tree["old_ka"].pk]) in html


def test_children_without_htmx_redirect_to_the_unit_page(client, tree, coordinator):
    response = client.get(reverse("geo:children", args=[tree["ht"].pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("geo:detail", args=[tree["ht"].pk])


# --- unit page ------------------------------------------------------------------------------


def test_unit_page_shows_breadcrumbs_properties_and_children(client, tree, coordinator):
    response = client.get(reverse("geo:detail", args=[tree["old_ka"].pk]))
    html = _text(response)
    assert response.status_code == 200
    assert [a.name for a in response.context["ancestors"]] == ["Tỉnh Hà Tĩnh"]
    assert reverse("geo:detail", args=[tree["old_ht"].pk]) in html
    assert "Thị xã" in html and tree["old_ka"].code in html
    # A past unit shows the children of its own time.
    assert {c.name for c in response.context["children"]} == {"Phường Kỳ Trinh", "Xã Kỳ Hoa"}
    assert "Đơn vị cũ" in html


def test_unit_page_of_a_divided_commune_shows_its_successors(client, tree, coordinator):
    response = client.get(reverse("geo:detail", args=[tree["old_kh"].pk]))
    html = _text(response)
    assert {s.successor.name for s in response.context["successions"]} == {
        "Phường Kỳ Anh",
        "Xã Kỳ Hoa",
    }
    assert {u.pk for u in response.context["current_successors"]} == {tree["ka"].pk, tree["kh"].pk}
    assert "nhận một phần" in html
    assert "không còn hiệu lực" in html


def test_unit_page_of_a_merged_ward_shows_its_predecessors(client, tree, coordinator):
    response = client.get(reverse("geo:detail", args=[tree["ka"].pk]))
    assert {s.predecessor.name for s in response.context["predecessions"]} == {
        "Phường Kỳ Trinh",
        "Xã Kỳ Hoa",
    }
    assert {u.pk for u in response.context["all_predecessors"]} == {
        tree["old_kt"].pk,
        tree["old_kh"].pk,
    }


def test_unit_page_links_its_agencies_and_its_history(client, tree, coordinator):
    html = _text(client.get(reverse("geo:detail", args=[tree["ka"].pk])))
    history = reverse("audit:object_history", args=["geo", "administrativeunit", tree["ka"].pk])
    assert history in html
    assert reverse("orgs:unit_agencies", args=[tree["ka"].pk]) in html


def test_unit_page_can_list_children_of_every_period(client, tree, officer):
    old = unit_update(
        actor=None, unit=_village(tree["kh"], "Thôn Cũ", "KH-A"), valid_to=dt.date(2025, 12, 31)
    )
    url = reverse("geo:detail", args=[tree["kh"].pk])
    assert client.get(url).context["children"].count() == 0
    assert [c.pk for c in client.get(url, {"all": "1"}).context["children"]] == [old.pk]


def test_unknown_unit_is_404(client, tree, coordinator):
    assert client.get(reverse("geo:detail", args=[999999])).status_code == 404


# --- villages -------------------------------------------------------------------------------


def test_commune_officer_sees_the_village_actions_on_their_commune(client, tree, officer):
    html = _text(client.get(reverse("geo:detail", args=[tree["kh"].pk])))
    assert reverse("geo:village_create", args=[tree["kh"].pk]) in html
    html = _text(client.get(reverse("geo:detail", args=[tree["ka"].pk])))
    assert reverse("geo:village_create", args=[tree["ka"].pk]) not in html


def test_commune_officer_adds_a_village_with_a_generated_code(client, tree, officer):
    kh = tree["kh"]
    url = reverse("geo:village_create", args=[kh.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"name": " Thôn  Trung ", "kind": UnitKind.VILLAGE, "valid_from": "01/07/2025"},
        follow=True,
    )
    village = AdministrativeUnit.objects.get(parent=kh)
    assert response.redirect_chain[-1][0] == reverse("geo:detail", args=[kh.pk])
    assert (village.code, village.name, village.source) == (f"{kh.code}-01", "Thôn  Trung", "local")
    assert village.valid_from == dt.date(2025, 7, 1)
    assert "Đã thêm Thôn  Trung" in _text(response)
    assert ObjectChange.objects.filter(
        action=Action.CREATE,
        object_id=str(village.pk),
        user=officer,
        content_type=ContentType.objects.get_for_model(AdministrativeUnit),
    ).exists()
    client.post(
        url,
        {"name": "Tổ dân phố 2", "kind": UnitKind.RESIDENTIAL_GROUP, "valid_from": "01/07/2025"},
    )
    assert AdministrativeUnit.objects.get(name="Tổ dân phố 2").code == f"{kh.code}-02"


def test_village_with_a_given_code_keeps_it_and_a_duplicate_is_refused(client, tree, officer):
    url = reverse("geo:village_create", args=[tree["kh"].pk])
    client.post(
        url, {"code": "KH-X", "name": "Thôn X", "kind": UnitKind.HAMLET, "valid_from": "2025-07-01"}
    )
    assert AdministrativeUnit.objects.get(name="Thôn X").code == "KH-X"
    response = client.post(
        url, {"code": "KH-X", "name": "Thôn Y", "kind": UnitKind.HAMLET, "valid_from": "01/07/2025"}
    )
    assert response.status_code == 422
    assert "Mã KH-X đã được dùng" in _text(response)


def test_village_form_explains_bad_input_in_vietnamese(client, tree, officer):
    url = reverse("geo:village_create", args=[tree["kh"].pk])
    response = client.post(url, {"name": "", "kind": "tinh", "valid_from": "1/1/2020"})
    html = _text(response)
    assert response.status_code == 422
    assert "Cần nhập tên thôn, tổ dân phố." in html
    assert "Loại đơn vị không hợp lệ." in html
    assert "Ngày phải nằm trong thời gian hiệu lực của Xã Kỳ Hoa" in html
    response = client.post(url, {"name": "Thôn A", "kind": "thon", "valid_from": "31/02/2026"})
    assert "Ngày không hợp lệ" in _text(response)
    assert not AdministrativeUnit.objects.filter(parent=tree["kh"]).exists()


def test_another_communes_officer_cannot_add_a_village(client, tree):
    client.force_login(member(tree["dc"], Role.COMMUNE_OFFICER))
    url = reverse("geo:village_create", args=[tree["kh"].pk])
    for response in (
        client.get(url),
        client.post(url, {"name": "Thôn A", "kind": "thon", "valid_from": "01/07/2025"}),
    ):
        assert response.status_code == 403
        assert "Bạn không có quyền quản lý thôn, tổ dân phố của Xã Kỳ Hoa." in _text(response)
    assert not AdministrativeUnit.objects.filter(parent=tree["kh"]).exists()


def test_a_viewer_cannot_add_a_village_even_in_their_commune(client, tree):
    client.force_login(member(tree["kh"], Role.VIEWER))
    assert client.get(reverse("geo:village_create", args=[tree["kh"].pk])).status_code == 403


def test_villages_are_added_only_under_a_commune(client, tree, coordinator):
    assert client.get(reverse("geo:village_create", args=[tree["ht"].pk])).status_code == 404


def test_a_rename_on_a_date_creates_a_successor(client, tree, officer):
    old = _village(tree["kh"], "Thôn Đông", "KH-1")
    response = client.post(
        reverse("geo:village_change", args=[tree["kh"].pk]),
        {
            "kind": SuccessionKind.RENAME,
            "villages": [old.pk],
            "effective_date": "01/01/2026",
            "new_name": "Thôn Đông Hòa",
            "note": "Nghị quyết 12/NQ-HĐND",
        },
    )
    new = AdministrativeUnit.objects.get(name="Thôn Đông Hòa")
    assert response.status_code == 302 and response["Location"] == reverse(
        "geo:detail", args=[new.pk]
    )
    old.refresh_from_db()
    assert old.valid_to == dt.date(2025, 12, 31)
    assert (new.code, new.valid_from) == ("KH-1", dt.date(2026, 1, 1))
    link = UnitSuccession.objects.get(predecessor=old)
    assert (link.successor, link.kind, link.note) == (
        new,
        SuccessionKind.RENAME,
        "Nghị quyết 12/NQ-HĐND",
    )


def test_a_merge_of_villages_creates_successions_from_each(client, tree, officer):
    a, b = _village(tree["kh"], "Thôn A", "KH-A"), _village(tree["kh"], "Thôn B", "KH-B")
    url = reverse("geo:village_change", args=[tree["kh"].pk])
    response = client.post(
        url,
        {
            "kind": SuccessionKind.MERGE,
            "villages": [a.pk, b.pk],
            "effective_date": "2026-03-01",
            "new_name": "Thôn A B",
            "new_code": "KH-AB",
        },
        follow=True,
    )
    new = AdministrativeUnit.objects.get(code="KH-AB")
    assert set(
        UnitSuccession.objects.filter(successor=new).values_list("predecessor", flat=True)
    ) == {a.pk, b.pk}
    assert "Đã ghi nhận thay đổi" in _text(response)
    page = client.get(reverse("geo:detail", args=[a.pk]))
    assert [u.pk for u in page.context["current_successors"]] == [new.pk]


def test_a_merge_needs_two_villages_and_a_rename_one(client, tree, officer):
    a, b = _village(tree["kh"], "Thôn A", "KH-A"), _village(tree["kh"], "Thôn B", "KH-B")
    url = reverse("geo:village_change", args=[tree["kh"].pk])
    response = client.post(
        url, {"kind": "merge", "villages": [a.pk], "effective_date": "01/03/2026", "new_name": "X"}
    )
    assert response.status_code == 422
    assert "Sáp nhập: chọn ít nhất hai thôn, tổ dân phố." in _text(response)
    response = client.post(
        url,
        {
            "kind": "rename",
            "villages": [a.pk, b.pk],
            "effective_date": "01/03/2026",
            "new_name": "X",
        },
    )
    assert "Đổi tên: chọn đúng một thôn, tổ dân phố." in _text(response)
    assert not UnitSuccession.objects.filter(predecessor__in=[a, b]).exists()


def test_a_change_dated_before_the_village_began_is_refused_with_the_reason(client, tree, officer):
    a = _village(tree["kh"], "Thôn A", "KH-A")
    response = client.post(
        reverse("geo:village_change", args=[tree["kh"].pk]),
        {
            "kind": "rename",
            "villages": [a.pk],
            "effective_date": "01/07/2025",
            "new_name": "Thôn Á",
        },
    )
    assert response.status_code == 422
    assert "Ngày thay đổi phải sau ngày bắt đầu hiệu lực của Thôn A." in _text(response)


def test_villages_of_another_commune_cannot_be_picked(client, tree, officer):
    other = _village(tree["ka"], "Thôn Khác", "KA-1")
    response = client.post(
        reverse("geo:village_change", args=[tree["kh"].pk]),
        {"kind": "rename", "villages": [other.pk], "effective_date": "01/03/2026", "new_name": "X"},
    )
    assert response.status_code == 422
    assert "Thôn, tổ dân phố đã chọn không hợp lệ." in _text(response)


def test_a_village_name_can_be_corrected_in_place(client, tree, officer):
    v = _village(tree["kh"], "Thon Dong", "KH-1")
    response = client.post(
        reverse("geo:village_edit", args=[v.pk]), {"name": "Thôn Đông"}, follow=True
    )
    v.refresh_from_db()
    assert (v.name, v.name_folded) == ("Thôn Đông", "thon dong")
    assert "Đã sửa tên thành Thôn Đông." in _text(response)
    assert ObjectChange.objects.filter(action=Action.UPDATE, object_id=str(v.pk)).exists()


def test_another_communes_officer_cannot_correct_a_village_name(client, tree):
    v = _village(tree["kh"], "Thôn Đông", "KH-1")
    client.force_login(member(tree["dc"], Role.COMMUNE_OFFICER))
    response = client.post(reverse("geo:village_edit", args=[v.pk]), {"name": "Thôn Tây"})
    assert response.status_code == 403
    v.refresh_from_db()
    assert v.name == "Thôn Đông"


def test_search_ranks_names_with_the_words_in_order_first(client, tree, coordinator):
    unit_create(
        actor=None,
        code="T-AK",
        name="Xã Anh Kỳ",
        kind=UnitKind.COMMUNE,
        parent=tree["ht"],
        valid_from=dt.date(2025, 7, 1),
    )
    response = client.get(reverse("geo:browser"), {"q": "ky anh"})
    assert [u.name for u in response.context["results"]] == ["Phường Kỳ Anh", "Xã Anh Kỳ"]
