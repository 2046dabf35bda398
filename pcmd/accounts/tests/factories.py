import datetime as dt

import factory

from pcmd.accounts.models import Membership, User
from pcmd.geo.models import AdministrativeUnit

PASSWORD = "correct horse battery 42"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    # Hashed at build time, so no second save after creation.
    password = factory.django.Password(PASSWORD)


def member(
    unit: AdministrativeUnit, role: str, *, username: str | None = None, **kw: object
) -> User:
    """A user with one current membership of `role` in `unit`."""
    user = UserFactory.create(**({"username": username} if username else {}), **kw)
    Membership.objects.create(user=user, unit=unit, role=role, valid_from=dt.date(2020, 1, 1))
    return user
