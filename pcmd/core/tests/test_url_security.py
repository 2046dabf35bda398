"""Every page and every API operation, walked: sign-in required, and no reads across units.

The walk is driven by the URL configuration and the OpenAPI schema, so a new URL that is
not declared here fails the test until someone states what it exposes.
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pcmd.accounts.models import ApiToken, Membership
from pcmd.accounts.roles import Role
from pcmd.accounts.services import api_token_create
from pcmd.accounts.tests.factories import member
from pcmd.activities.tests.factories import make_activity_targets
from pcmd.api import api
from pcmd.geo.models import REFORM_DATE, AdministrativeUnit, UnitKind
from pcmd.geo.services import unit_create
from pcmd.orgs.tests.factories import make_agency
from pcmd.plans.models import PlanImport
from pcmd.plans.tests.factories import make_plan
from pcmd.programme.tests.factories import make_programme_targets
from pcmd.registries.services.attachments import attachment_add
from pcmd.registries.tests.factories_inspections import make_enforcement_targets
from pcmd.registries.tests.factories_public import jpeg_with_gps, make_public_tip, upload
from pcmd.registries.tests.factories_tips import make_named_tip
from pcmd.reporting.models import Report, ReportEvidence, ReportState
from pcmd.reporting.tests.factories import make_report

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in.
PUBLIC_PAGES = {
    "core:health",
    "accounts:login",
    "set_language",
    "api:openapi-json",
    # The citizens' tip page and its follow-up (no account by design).
    "public:form",
    "public:receipt",
    "public:communes",
    "public:follow_up",
    "public:add",
    "public:follow_up_end",
}
PUBLIC_PAGE_PREFIXES = ("api:openapi-view",)  # the API documentation page

# Django admin has its own sign-in (and is for system administrators only; see test_admin).
SKIPPED_NAMESPACES = ("admin",)

# The objects that belong to the other commune (Xã Kỳ Hoa) that each URL parameter names.
Targets = dict[str, Any]
PAGE_KWARGS: dict[str, Callable[[Targets], dict[str, Any]]] = {
    "accounts:token_revoke": lambda t: {"pk": t["token"].pk},
    "accounts:user_detail": lambda t: {"pk": t["user"].pk},
    "accounts:membership_end": lambda t: {"pk": t["membership"].pk},
    "audit:object_history": lambda t: {
        "app_label": "orgs",
        "model_name": "agency",
        "pk": str(t["agency"].pk),
    },
    "geo:detail": lambda t: {"pk": t["commune"].pk},
    "geo:children": lambda t: {"pk": t["commune"].pk},
    "geo:village_create": lambda t: {"pk": t["commune"].pk},
    "geo:village_change": lambda t: {"pk": t["commune"].pk},
    "geo:village_edit": lambda t: {"pk": t["village"].pk},
    "orgs:detail": lambda t: {"pk": t["agency"].pk},
    "orgs:edit": lambda t: {"pk": t["agency"].pk},
    "orgs:deactivate": lambda t: {"pk": t["agency"].pk},
    "orgs:unit_agencies": lambda t: {"pk": t["commune"].pk},
    "orgs:unit_ensure_standard": lambda t: {"pk": t["commune"].pk},
    "plans:import_status": lambda t: {"pk": t["plan_import"].pk},
    "plans:review": lambda t: {"pk": t["plan"].pk},
    "plans:edit": lambda t: {"pk": t["plan"].pk},
    "plans:issue": lambda t: {"pk": t["plan"].pk},
    "plans:delete": lambda t: {"pk": t["plan"].pk},
    "plans:source": lambda t: {"pk": t["plan"].pk},
    "plans:derive": lambda t: {"pk": t["plan"].pk},
    "plans:accept_all": lambda t: {"pk": t["plan"].pk},
    "plans:item_accept": lambda t: {
        "pk": t["plan"].pk,
        "kind": "targets",
        "item_pk": t["target"].pk,
    },
    "plans:export": lambda t: {"pk": t["plan"].pk, "fmt": "json"},
    "plans:item_new": lambda t: {"pk": t["plan"].pk, "kind": "targets"},
    "plans:item_edit": lambda t: {"pk": t["plan"].pk, "kind": "targets", "item_pk": t["target"].pk},
    "plans:item_delete": lambda t: {
        "pk": t["plan"].pk,
        "kind": "targets",
        "item_pk": t["target"].pk,
    },
    "reporting:detail": lambda t: {"pk": t["report"].pk},
    "reporting:save": lambda t: {"pk": t["report"].pk},
    "reporting:submit": lambda t: {"pk": t["report"].pk},
    "reporting:approve": lambda t: {"pk": t["report"].pk},
    "reporting:return": lambda t: {"pk": t["report"].pk},
    "reporting:reopen": lambda t: {"pk": t["report"].pk},
    "reporting:version": lambda t: {"pk": t["report"].pk, "number": 1},
    "reporting:evidence_upload": lambda t: {"pk": t["report"].pk},
    "reporting:evidence": lambda t: {"pk": t["report"].pk, "evidence_pk": t["evidence"].pk},
    "reporting:export": lambda t: {"pk": t["report"].pk, "fmt": "json"},
    "reporting:import": lambda t: {"pk": t["report"].pk},
    **{
        f"registries:{name}": lambda t: {"pk": t["tip"].pk}
        for name in (
            "tip_detail",
            "tip_edit",
            "tip_assign",
            "tip_verify",
            "tip_close",
            "tip_reopen",
            "tip_note",
            "tip_link_business",
            "tip_attach",
            "tip_identity",
        )
    },
    **{
        f"registries:{name}": lambda t: {"pk": t["business"].pk}
        for name in ("business_detail", "business_edit", "business_status", "business_delete")
    },
    # An import's preview is found by a token kept in the uploader's own session.
    "registries:business_import_preview": lambda t: {"token": "AbCdEfGhIjKlMnOpQrStUvWx"},
    "registries:business_import_confirm": lambda t: {"token": "AbCdEfGhIjKlMnOpQrStUvWx"},
    **{
        f"activities:{name}": lambda t: {"pk": t["training"].pk}
        for name in ("training_detail", "training_edit", "training_delete", "participant_add")
    },
    **{
        f"activities:{name}": lambda t: {
            "pk": t["training"].pk,
            "participant_pk": t["training_participant"].pk,
        }
        for name in ("participant_edit", "participant_remove")
    },
    **{
        f"activities:{name}": lambda t: {"pk": t["staff_count"].pk}
        for name in ("staff_count_edit", "staff_count_delete")
    },
    **{
        f"activities:{name}": lambda t: {"pk": t["communication_activity"].pk}
        for name in ("communication_detail", "communication_edit", "communication_delete")
    },
    **{
        f"activities:{name}": lambda t: {"pk": t["pilot_model"].pk}
        for name in ("pilot_model_detail", "pilot_model_edit", "pilot_model_delete")
    },
    **{
        f"programme:{name}": lambda t: {"pk": t["budget_entry"].pk}
        for name in ("budget_detail", "budget_edit", "budget_delete")
    },
    **{
        f"programme:{name}": lambda t: {"pk": t["commendation"].pk}
        for name in ("commendation_detail", "commendation_edit", "commendation_delete")
    },
    "registries:tip_attachment": lambda t: {"tip_pk": t["tip"].pk, "pk": t["tip_attachment"].pk},
    **{
        f"registries:{name}": lambda t: {"pk": t["team"].pk}
        for name in ("team_detail", "team_edit", "team_close", "team_delete", "team_member_add")
    },
    "registries:team_member_edit": lambda t: {"pk": t["team"].pk, "member_pk": t["team_member"].pk},
    "registries:team_member_remove": lambda t: {
        "pk": t["team"].pk,
        "member_pk": t["team_member"].pk,
    },
    **{
        f"registries:{name}": lambda t: {"pk": t["inspection_plan"].pk}
        for name in ("inspection_plan_detail", "inspection_plan_edit", "inspection_plan_delete")
    },
    **{
        f"registries:{name}": lambda t: {"pk": t["inspection"].pk}
        for name in (
            "inspection_detail",
            "inspection_edit",
            "inspection_delete",
            "inspection_sanction_create",
        )
    },
    **{
        f"registries:{name}": lambda t: {"pk": t["sanction"].pk}
        for name in ("sanction_detail", "sanction_edit", "sanction_delete")
    },
}
# Administrative units are shared reference data: every signed-in user may read them.
# Writing under them (villages) is what is scoped.
REFERENCE_READS = {"geo:detail", "geo:children"}

API_PARAMS: dict[str, Callable[[Targets], str]] = {
    "unit_id": lambda t: str(t["commune"].pk),
    "pk": lambda t: str(t["agency"].pk),
    "level": lambda t: "commune",
    "code": lambda t: t["commune"].code,
    "plan_id": lambda t: str(t["plan"].pk),
    "kind": lambda t: "targets",
    "item_id": lambda t: str(t["target"].pk),
    "import_id": lambda t: str(t["plan_import"].pk),
    "fmt": lambda t: "json",
    "report_id": lambda t: str(t["report"].pk),
    "tip_id": lambda t: str(t["tip"].pk),
    "business_id": lambda t: str(t["business"].pk),
    "budget_entry_id": lambda t: str(t["budget_entry"].pk),
    "training_id": lambda t: str(t["training"].pk),
    "staff_count_id": lambda t: str(t["staff_count"].pk),
    "activity_id": lambda t: str(t["communication_activity"].pk),
    "pilot_model_id": lambda t: str(t["pilot_model"].pk),
    "commendation_id": lambda t: str(t["commendation"].pk),
    "team_id": lambda t: str(t["team"].pk),
    "member_id": lambda t: str(t["team_member"].pk),
    "inspection_plan_id": lambda t: str(t["inspection_plan"].pk),
    "inspection_id": lambda t: str(t["inspection"].pk),
    "sanction_id": lambda t: str(t["sanction"].pk),
}
# Query strings of GET operations that name a unit in their query rather than their path.
API_QUERIES: dict[str, Callable[[Targets], str]] = {
    "/api/dataValueSets": lambda t: f"?period=2025S2&unit_id={t['commune'].pk}",
    "/api/analytics": lambda t: (
        f"?period=2025S2&unit_id={t['commune'].pk}&indicator=IND_TIPS_ON_TIME"
    ),
    "/api/completeness": lambda t: f"?period=2025S2&unit_id={t['commune'].pk}&form=PCMD_PERIODIC",
    "/api/reports": lambda t: f"?unit_id={t['commune'].pk}",
    "/api/tips": lambda t: f"?unit_id={t['commune'].pk}",
    **{
        f"/api/{path}": lambda t: f"?unit_id={t['commune'].pk}"
        for path in (
            "trainings",
            "staff-counts",
            "communication-activities",
            "pilot-models",
            "budget-entries",
            "budget-summary",
            "commendations",
            "businesses",
            "inspection-teams",
            "inspection-plans",
            "inspections",
            "sanctions",
        )
    },
}
# API reads of reference data (units, the agency-type catalogue) open to every signed-in user.
API_REFERENCE_READS = {
    "/api/units",
    "/api/units/roots",
    "/api/units/by-code/{level}/{code}",
    "/api/units/{unit_id}",
    "/api/units/{unit_id}/children",
    "/api/units/{unit_id}/descendants",
    "/api/units/{unit_id}/ancestors",
    "/api/units/{unit_id}/successors",
    "/api/units/{unit_id}/predecessors",
    "/api/agencies/types",
    "/api/agencies/match",
    "/api/agencies",  # GET lists only the caller's own scope (asserted below)
    "/api/plans",  # likewise
    "/api/me",
    "/api/data-elements",  # the indicator catalogue
    "/api/indicators",
    "/api/forms",
    "/api/sanction-decrees",  # the decrees in force: reference data
}


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _patterns(entry, full)
        elif entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _page_names() -> list[tuple[str, URLPattern]]:
    return [
        (name, pattern)
        for name, pattern in _patterns(get_resolver())
        if not name.startswith(SKIPPED_NAMESPACES) and not name.startswith("api:")
    ]


def _api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api")
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


@pytest.fixture
def targets(tree) -> Targets:
    """Records owned by Xã Kỳ Hoa: an agency, a village, a member with a membership and token."""
    commune = tree["kh"]
    user = member(commune, Role.COMMUNE_OFFICER, username="kyhoa")
    api_token_create(actor=user, name="Kỳ Hoa")
    village = unit_create(
        actor=None,
        parent=commune,
        name="Thôn Hòa Bình",
        kind=UnitKind.VILLAGE,
        code="KH-01",
        valid_from=REFORM_DATE,
    )
    plan = make_plan(commune)
    report = make_report(commune, "2025S2", state=ReportState.SUBMITTED)
    evidence = ReportEvidence.objects.create(
        version=report.versions.get(), name="bien-ban.pdf", size=4, file="reports/x.pdf"
    )
    tip = make_named_tip(commune)
    public_tip = make_public_tip(tree["ht"], commune)[0]
    return {
        **make_enforcement_targets(commune),
        **make_programme_targets(commune),
        **make_activity_targets(commune),
        "tip": tip,
        "tip_attachment": attachment_add(
            tip=public_tip, upload=upload("a.jpg", jpeg_with_gps()), from_public=True
        ),
        "report": report,
        "report_revision": report.versions.get().revision,
        "evidence": evidence,
        "plan": plan,
        "target": plan.targets.all()[0],
        "plan_import": PlanImport.objects.create(unit=commune, user=user, filename="kh.txt"),
        "commune": commune,
        "agency": make_agency(commune, "Công an xã Kỳ Hoa", type_code="police"),
        "user": user,
        "membership": Membership.objects.get(user=user),
        "token": ApiToken.objects.get(user=user),
        "village": village,
    }


def _url(name: str, pattern: URLPattern, targets: Targets) -> str:
    params = set(pattern.pattern.converters)
    if not params:
        return reverse(name)
    assert name in PAGE_KWARGS, f"{name} takes {sorted(params)}: declare it in PAGE_KWARGS"
    return reverse(name, kwargs=PAGE_KWARGS[name](targets))


def _api_url(path: str, targets: Targets) -> str:
    url = path
    for param, value in API_PARAMS.items():
        url = url.replace("{" + param + "}", value(targets))
    assert "{" not in url, f"{path}: declare its parameters in API_PARAMS"
    return url


def test_every_page_asks_for_sign_in_except_the_public_ones(client, targets):
    login = reverse("accounts:login")
    checked = 0
    for name, pattern in _page_names():
        if name in PUBLIC_PAGES or name.startswith(PUBLIC_PAGE_PREFIXES):
            continue
        url = _url(name, pattern, targets)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 405), f"{method.__name__} {url}"
            if response.status_code == 302:
                assert response.url.startswith(login), f"{url} redirects to {response.url}"
        checked += 1
    assert checked >= 15


def test_every_api_operation_refuses_callers_without_credentials(client, targets):
    operations = _api_operations()
    assert len(operations) >= 15
    for method, path in operations:
        url = _api_url(path, targets)
        response = client.generic(method, url, data="{}", content_type="application/json")
        assert response.status_code == 401, f"{method} {url}: {response.status_code}"
        assert "detail" in response.json()


@pytest.fixture(params=["officer_of_ky_anh", "coordinator_of_quang_tri"])
def outsider(request, tree, client):
    """Someone with full rights in their own unit, none in Xã Kỳ Hoa."""
    unit, role = {
        "officer_of_ky_anh": (tree["ka"], Role.COMMUNE_OFFICER),
        "coordinator_of_quang_tri": (tree["qt"], Role.PROVINCE_COORDINATOR),
    }[request.param]
    user = member(unit, role)
    client.force_login(user)
    return user


def test_no_page_opens_another_units_records(client, targets, outsider):
    for name, pattern in _page_names():
        if not pattern.pattern.converters or name in REFERENCE_READS:
            continue
        url = _url(name, pattern, targets)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), (
                f"{method.__name__} {url} by {outsider}: {response.status_code}"
            )
    # Nothing was changed by the refused requests.
    targets["agency"].refresh_from_db()
    targets["membership"].refresh_from_db()
    targets["token"].refresh_from_db()
    assert targets["agency"].active and targets["membership"].valid_to is None
    assert not targets["token"].revoked
    targets["plan"].refresh_from_db()
    assert targets["plan"].status == "draft" and targets["plan"].targets.count() == 2
    _report_unchanged(targets)
    assert not AdministrativeUnit.objects.filter(parent=targets["commune"]).exclude(
        pk=targets["village"].pk
    )


def test_no_api_operation_reads_or_writes_another_units_records(client, targets, outsider):
    for method, path in _api_operations():
        url = _api_url(path, targets)
        if method == "GET" and path in API_REFERENCE_READS:
            continue
        if method == "GET" and path in API_QUERIES:
            url += API_QUERIES[path](targets)
        body = {
            "form": "PCMD_PERIODIC",
            "period": "2025S2",
            "revision": 1,
            "comment": "Không đồng ý",
            "name": "Tổ dân phố mới",
            "kind": "annual" if path.startswith("/api/plans") else "to_dan_pho",
            "title": "Kế hoạch",
            "code": "KH-02",
            "valid_from": "2026-01-01",
            "unit_id": targets["commune"].pk,
            "team_id": targets["team"].pk,
            "business_id": targets["business"].pk,
            "inspection_id": targets["inspection"].pk,
            "status": "closed",
        }
        if path == "/api/dataValueSets" and method == "POST":  # a value for the commune
            body = {
                "dataValues": [
                    {
                        "dataElement": "MEDIA_ITEMS",
                        "period": "2026S1",
                        "orgUnit": targets["commune"].code,
                        "value": "9",
                    }
                ]
            }
        if path == "/api/plans/import":  # multipart: a file and the unit it is for
            upload = SimpleUploadedFile("ke-hoach.txt", "Kế hoạch".encode())
            response = client.post(url, {"unit_id": targets["commune"].pk, "file": upload})
        else:
            response = client.generic(
                method, url, json.dumps(body), content_type="application/json"
            )
        assert response.status_code in (403, 404, 422), f"{method} {url}: {response.status_code}"
        if response.status_code == 422:
            # Refused for scope, not merely for a malformed body.
            assert "quyền" in response.json()["detail"], f"{method} {url}: {response.json()}"
    listed = client.get("/api/agencies?limit=100").json()["items"]
    assert targets["agency"].pk not in {a["id"] for a in listed}
    plans = client.get("/api/plans?limit=100").json()["items"]
    assert targets["plan"].pk not in {p["id"] for p in plans}
    reports = client.get("/api/reports?limit=100").json()["items"]
    assert targets["report"].pk not in {r["id"] for r in reports}
    _report_unchanged(targets)
    assert not AdministrativeUnit.objects.filter(parent=targets["commune"]).exclude(
        pk=targets["village"].pk
    )


def _report_unchanged(targets: Targets) -> None:
    report = Report.objects.get(pk=targets["report"].pk)
    assert report.state == ReportState.SUBMITTED and report.versions.count() == 1
    assert report.versions.get().revision == targets["report_revision"]
    assert not Report.objects.filter(unit=targets["commune"], period="2026S1").exists()


def test_a_member_of_the_commune_can_open_what_outsiders_cannot(client, targets):
    """The refusals above come from scope, not from broken URLs."""
    coordinator = member(targets["commune"].parent, Role.PROVINCE_COORDINATOR)
    client.force_login(coordinator)
    for name in (
        "orgs:detail",
        "accounts:user_detail",
        "audit:object_history",
        "plans:review",
        "reporting:detail",
    ):
        url = reverse(name, kwargs=PAGE_KWARGS[name](targets))
        assert client.get(url).status_code == 200, url
    assert client.get(f"/api/agencies/{targets['agency'].pk}").status_code == 200
