import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.audit.models import ObjectChange
from pcmd.core.context import set_request_id
from pcmd.geo.models import UnitKind
from pcmd.geo.services import unit_create, unit_update

pytestmark = pytest.mark.django_db


def test_service_writes_record_who_what_and_before_after(tree):
    officer = member(tree["ka"], Role.COMMUNE_OFFICER)
    set_request_id("req-test-0001")
    village = unit_create(
        actor=officer,
        code="KA-01",
        name="Tổ dân phố 1",
        kind=UnitKind.RESIDENTIAL_GROUP,
        parent=tree["ka"],
        valid_from=tree["ka"].valid_from,
    )
    unit_update(actor=officer, unit=village, name="Tổ dân phố Hưng Bình")
    set_request_id("")
    entries = list(ObjectChange.objects.filter(object_id=str(village.pk)).order_by("id"))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].user == officer and entries[1].request_id == "req-test-0001"
    assert entries[1].before is not None and entries[1].after is not None
    assert entries[1].before["name"] == "Tổ dân phố 1"
    assert entries[1].after["name"] == "Tổ dân phố Hưng Bình"
    assert ("name", "Tổ dân phố 1", "Tổ dân phố Hưng Bình") in entries[1].changed_fields()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)
def test_postgresql_refuses_updates_and_deletes_of_the_change_log(tree):
    entry = ObjectChange.objects.first()
    assert entry is not None
    for statement in (
        "UPDATE audit_objectchange SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM audit_objectchange WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])


def test_history_page_shows_changes_to_a_unit(client, tree):
    officer = member(tree["ka"], Role.COMMUNE_OFFICER)
    village = unit_create(
        actor=officer,
        code="KA-02",
        name="Thôn Một",
        kind=UnitKind.VILLAGE,
        parent=tree["ka"],
        valid_from=tree["ka"].valid_from,
    )
    unit_update(actor=officer, unit=village, name="Thôn Hai")
    client.force_login(officer)
    response = client.get(
        reverse("audit:object_history", args=["geo", "administrativeunit", village.pk])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thôn Một" in body and "Thôn Hai" in body


def test_history_of_another_provinces_user_is_hidden(client, tree):
    coordinator = member(tree["ht"], Role.PROVINCE_COORDINATOR)
    outsider = member(tree["qt"], Role.VIEWER)
    client.force_login(coordinator)
    url = reverse("audit:object_history", args=["accounts", "user", outsider.pk])
    assert client.get(url).status_code == 404


def test_viewer_cannot_read_history(client, tree):
    client.force_login(member(tree["ht"], Role.VIEWER))
    url = reverse("audit:object_history", args=["geo", "administrativeunit", tree["ka"].pk])
    assert client.get(url).status_code == 404
