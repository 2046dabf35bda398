"""Forms reported by agencies (for example each commune's police): opening, pages, API,
completeness."""

import pytest
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.analytics import selectors as analytics
from pcmd.core.errors import ServiceError
from pcmd.geo.models import UnitLevel
from pcmd.orgs.tests.factories import agency_type, make_agency
from pcmd.reporting import selectors
from pcmd.reporting.models import DataElement, Form, FormElement, FormSection, Report, ReportState
from pcmd.reporting.periods import parse_period
from pcmd.reporting.services import reports as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_form():
    form = Form.objects.create(
        code="POLICE_SANCTIONS",
        name_vi="Biểu báo cáo xử lý vi phạm của Công an cấp xã",
        name_en="Commune police sanctions report",
        period_type=Form.objects.get(code="PCMD_PERIODIC").period_type,
        reporter_level=UnitLevel.COMMUNE,
        reporter_agency_type=agency_type("police"),
        due_rule="end+5",
    )
    section = FormSection.objects.create(form=form, title_vi="Xử lý vi phạm", order=1)
    FormElement.objects.create(
        form=form,
        section=section,
        element=DataElement.objects.get(code="FINES_VND"),
        order=1,
    )
    return form


@pytest.fixture
def police(tree):
    return make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")


@pytest.fixture
def officer(tree):
    return member(tree["kh"], Role.COMMUNE_OFFICER)


def test_an_agency_form_is_opened_for_an_agency_of_its_type(tree, officer, police_form, police):
    report = services.report_open(
        actor=officer, form=police_form, unit=tree["kh"], period="2026S1", agency=police
    )
    assert report.agency == police and report.reporter == "Công an xã Kỳ Hoa"
    again = services.report_open(
        actor=officer, form=police_form, unit=tree["kh"], period="2026S1", agency=police
    )
    assert again.pk == report.pk


def test_an_agency_form_without_an_agency_is_refused_with_the_type_named(
    tree, officer, police_form
):
    with pytest.raises(ServiceError, match="hãy chọn cơ quan"):
        services.report_open(actor=officer, form=police_form, unit=tree["kh"], period="2026S1")


def test_an_agency_of_another_type_or_unit_is_refused(tree, officer, police_form):
    health = make_agency(tree["kh"], "Trạm Y tế xã Kỳ Hoa", type_code="health")
    with pytest.raises(ServiceError, match="không phải"):
        services.report_open(
            actor=officer, form=police_form, unit=tree["kh"], period="2026S1", agency=health
        )
    elsewhere = make_agency(tree["ht"], "Công an tỉnh Hà Tĩnh", type_code="police")
    with pytest.raises(ServiceError, match="không phải"):
        services.report_open(
            actor=officer, form=police_form, unit=tree["kh"], period="2026S1", agency=elsewhere
        )
    assert not Report.objects.filter(form=police_form).exists()


def test_a_unit_form_is_not_opened_for_an_agency(tree, officer, police):
    with pytest.raises(ServiceError, match="do đơn vị báo cáo"):
        services.report_open(
            actor=officer,
            form=Form.objects.get(code="PCMD_PERIODIC"),
            unit=tree["kh"],
            period="2026S1",
            agency=police,
        )


def test_the_page_offers_the_agency_and_opens_its_report(
    client, tree, officer, police_form, police
):
    client.force_login(officer)
    page = client.get(reverse("reporting:list")).content.decode()
    assert "Cơ quan báo cáo" in page and "Công an xã Kỳ Hoa" in page
    refused = client.post(
        reverse("reporting:open"),
        {"form": police_form.pk, "unit": tree["kh"].pk, "period": "2026S1"},
    )
    assert refused.status_code == 400 and "hãy chọn cơ quan" in refused.content.decode()
    opened = client.post(
        reverse("reporting:open"),
        {"form": police_form.pk, "unit": tree["kh"].pk, "period": "2026S1", "agency": police.pk},
    )
    report = Report.objects.get(form=police_form, agency=police)
    assert opened.status_code == 302 and opened.url == f"/reports/{report.pk}/"
    detail = client.get(opened.url).content.decode()
    assert "Công an xã Kỳ Hoa" in detail and 'name="v:FINES_VND"' in detail


def test_without_agency_forms_the_page_asks_for_no_agency(client, tree, officer):
    client.force_login(officer)
    page = client.get(reverse("reporting:list")).content.decode()
    assert "Cơ quan báo cáo" not in page


def test_the_api_opens_an_agency_report_and_names_the_agency(
    client, tree, officer, police_form, police
):
    client.force_login(officer)
    url = "/api/reports"
    body = {"form": police_form.code, "unit_id": tree["kh"].pk, "period": "2026S1"}
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 422 and "hãy chọn cơ quan" in refused.json()["detail"]
    other = make_agency(tree["ht"], "Công an tỉnh Hà Tĩnh", type_code="police")
    assert (
        client.post(url, {**body, "agency_id": other.pk}, content_type="application/json")
    ).status_code == 404
    made = client.post(url, {**body, "agency_id": police.pk}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["agency_id"] == police.pk
    assert made.json()["agency_name"] == "Công an xã Kỳ Hoa"
    listed = client.get(f"{url}?form={police_form.code}").json()["items"]
    assert [r["agency_name"] for r in listed] == ["Công an xã Kỳ Hoa"]
    forms = {f["code"]: f for f in client.get("/api/forms").json()}
    assert forms["POLICE_SANCTIONS"]["reporter_agency_type"] == "police"


def test_completeness_expects_the_form_from_units_that_have_such_an_agency(
    tree, officer, police_form, police
):
    period = parse_period("2026S1")
    missing = analytics.missing_units(tree["ht"], police_form, period)
    assert [m.unit for m in missing] == [tree["kh"]]
    report = services.report_open(
        actor=officer, form=police_form, unit=tree["kh"], period="2026S1", agency=police
    )
    services.report_save(
        actor=officer,
        report=report,
        revision=selectors.report_current_version(report).revision,
        values={"FINES_VND": "1500000"},
    )
    report = services.report_submit(actor=officer, report=report)
    assert report.state == ReportState.SUBMITTED
    assert analytics.missing_units(tree["ht"], police_form, period) == []
    total, _rows = analytics.completeness(tree["ht"], police_form, period)
    assert (total.expected, total.received) == (1, 1)
