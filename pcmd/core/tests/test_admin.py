import pytest
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import ObjectChange
from pcmd.orgs.tests.factories import make_agency

pytestmark = pytest.mark.django_db


def test_system_administrator_opens_the_admin_and_edits_are_audited(client, tree):
    admin_user = member(tree["ht"], Role.SYSTEM_ADMIN, is_staff=True)
    agency = make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police")
    client.force_login(admin_user)
    assert reverse("admin:index") in client.get(reverse("core:home")).content.decode()
    assert client.get(reverse("admin:index")).status_code == 200
    url = reverse("admin:orgs_agency_change", args=[agency.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="Công an xã Kỳ Hoa (mới)", unit=agency.unit_id)
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data["active"] = "on" if agency.active else ""
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    entry = ObjectChange.objects.filter(object_id=str(agency.pk)).latest("id")
    assert entry.user == admin_user and entry.after is not None
    assert entry.after["name"] == "Công an xã Kỳ Hoa (mới)"


def test_staff_flag_alone_does_not_open_the_admin(client, tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR, is_staff=True)
    client.force_login(coordinator)
    assert reverse("admin:index") not in client.get(reverse("core:home")).content.decode()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
