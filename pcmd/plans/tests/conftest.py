import pytest

from pcmd.accounts.roles import Role
from pcmd.accounts.tests.factories import member


@pytest.fixture
def officer(client, tree):
    """A commune officer of Xã Kỳ Hoa, signed in."""
    user = member(tree["kh"], Role.COMMUNE_OFFICER)
    client.force_login(user)
    return user
