import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member
from pcmd.orgs.tests.factories import make_agency


@pytest.fixture
def agencies(tree):
    """Two agencies of the new Kỳ Hoa commune, one with no type, one of Hải Phú (elsewhere)."""
    return {
        "kh_police": make_agency(tree["kh"], "Công an xã Kỳ Hoa", type_code="police"),
        "kh_health": make_agency(tree["kh"], "Trạm Y tế xã Kỳ Hoa", type_code="health"),
        "kh_other": make_agency(tree["kh"], "Tổ tự quản thôn Hòa Bình"),
        "hp_police": make_agency(tree["hp"], "Công an xã Hải Phú", type_code="police"),
    }


@pytest.fixture
def officer(client, tree):
    """A commune officer of the new Kỳ Hoa commune, signed in."""
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user
