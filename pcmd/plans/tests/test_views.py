import pytest
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.plans.models import PlanStatus
from pcmd.plans.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_review_shows_the_source_with_every_item_highlighted(client, tree, officer):
    plan = make_plan(tree["kh"])
    page = client.get(reverse("plans:review", args=[plan.pk])).content.decode()
    target = plan.targets.all()[0]
    assert f'data-item="targets-{target.pk}"' in page
    assert f"targets-{target.pk}" in page.split('data-testid="source-text"')[1]
    assert "Hội Liên hiệp Phụ nữ xã" in page and "không có trong danh mục" in page


def test_list_shows_only_plans_in_scope(client, tree, officer):
    mine = make_plan(tree["kh"])
    other = make_plan(tree["ka"], title="Kế hoạch của phường khác")
    page = client.get(reverse("plans:list")).content.decode()
    assert mine.title in page and other.title not in page
    assert client.get(reverse("plans:review", args=[other.pk])).status_code == 404


def test_editing_a_target_through_the_form(client, tree, officer):
    plan = make_plan(tree["kh"])
    target = plan.targets.all()[0]
    url = reverse("plans:item_edit", args=[plan.pk, "targets", target.pk])
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["value"] = "90"
    response = client.post(url, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 90


def test_bad_input_keeps_what_was_typed_and_says_why(client, tree, officer):
    plan = make_plan(tree["kh"])
    target = plan.targets.all()[0]
    url = reverse("plans:item_edit", args=[plan.pk, "targets", target.pk])
    data = {k: ("" if v is None else v) for k, v in client.get(url).context["form"].initial.items()}
    data.update(value="150", population="thôn, tổ dân phố mới")
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "phần trăm" in page and "thôn, tổ dân phố mới" in page


def test_issue_then_the_plan_is_read_only(client, tree, officer):
    plan = make_plan(tree["kh"])
    client.post(reverse("plans:issue", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED
    target = plan.targets.all()[0]
    url = reverse("plans:item_edit", args=[plan.pk, "targets", target.pk])
    assert client.get(url).status_code == 403


def test_export_json_has_the_schema_shape(client, tree, officer):
    plan = make_plan(tree["kh"])
    data = client.get(reverse("plans:export", args=[plan.pk, "json"])).json()
    assert {"targets", "assignments", "reporting", "issuer", "period"} <= set(data)


def test_coordinator_derives_a_commune_plan_and_sees_what_it_lacks(client, tree):
    from pcmd.plans import services

    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    client.force_login(coordinator)
    upper = make_plan(tree["ht"], issuer={"name": "UBND tỉnh Hà Tĩnh", "level": "province"})
    services.plan_issue(actor=coordinator, plan=upper)
    page = client.get(reverse("plans:derive", args=[upper.pk])).content.decode()
    assert "Xã Kỳ Hoa" in page and "Phường Kỳ Anh" in page

    response = client.post(reverse("plans:derive", args=[upper.pk]), {"unit": tree["kh"].pk})
    child = upper.children.get()
    assert response.url == reverse("plans:review", args=[child.pk])
    services.plan_item_delete(actor=coordinator, item=child.targets.all()[0])
    review = client.get(response.url).content.decode()
    assert 'data-testid="gap-missing"' in review and 'data-testid="gap-kept"' in review


def test_deriving_for_a_unit_outside_the_plan_is_refused_with_a_message(client, tree):
    from pcmd.plans import services

    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    client.force_login(coordinator)
    upper = make_plan(tree["ht"])
    services.plan_issue(actor=coordinator, plan=upper)
    response = client.post(reverse("plans:derive", args=[upper.pk]), {"unit": tree["hp"].pk})
    assert response.status_code == 400 and "Chọn một đơn vị cấp dưới" in response.content.decode()


def test_reviewer_accepts_items_one_by_one_or_all_at_once(client, tree, officer):
    plan = make_plan(tree["kh"])
    url = reverse("plans:review", args=[plan.pk])
    assert "Đã rà soát 0/" in client.get(url).content.decode()
    target = plan.targets.all()[0]
    client.post(reverse("plans:item_accept", args=[plan.pk, "targets", target.pk]))
    target.refresh_from_db()
    assert target.accepted
    assert "Đã rà soát 1/" in client.get(url).content.decode()
    client.post(reverse("plans:accept_all", args=[plan.pk]))
    page = client.get(url).content.decode()
    total = page.split('data-testid="review-progress">')[1].split("mục")[0]
    done, of = total.split("Đã rà soát ")[1].strip().split("/")
    assert done == of and int(of) > 5
