import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, settings

from pcmd.geo.tests.factories import make_reform_tree
from pcmd.orgs.matching import agency_matcher_reset

# The suite runs on a 2-core machine, sometimes beside other work: generating inputs may be
# slow there, which says nothing about the code under test.
settings.register_profile("pcmd", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pcmd")


@pytest.fixture
def tree(db):
    """A small two-period unit tree (see make_reform_tree)."""
    return make_reform_tree()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_agency_matcher():
    """The matcher caches aliases in memory; a rolled-back test must not leave its own there."""
    agency_matcher_reset()
    yield
    agency_matcher_reset()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a temporary folder, not the repository's data/."""
    settings.MEDIA_ROOT = tmp_path / "media"


# One key for the whole run, never a developer's key file (pcmd.core.crypto).
TEST_ENCRYPTION_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _test_encryption_key(settings):
    settings.PCMD_ENCRYPTION_KEYS = TEST_ENCRYPTION_KEY


@pytest.fixture(autouse=True)
def _fresh_engine():
    """The roll-up engine keeps figures in memory; each test starts from its own database."""
    from pcmd.analytics.engine import engine

    engine().invalidate()
    yield
    engine().invalidate()
