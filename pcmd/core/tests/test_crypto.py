"""Encryption at rest: values round-trip, are unreadable in the table, rotate to a new key."""

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from pcmd.core import crypto


@given(st.text())
def test_any_text_round_trips(text):
    assert crypto.decrypt(crypto.encrypt(text)) == text


def test_a_stored_value_shows_nothing_of_the_clear_text():
    stored = crypto.encrypt("Nguyễn Thị Lan 0912345678")
    assert stored.startswith(crypto.PREFIX)
    assert "Lan" not in stored and "0912345678" not in stored


def test_rotation_re_encrypts_with_the_new_key_and_the_old_key_can_go(settings):
    old_key = settings.PCMD_ENCRYPTION_KEYS
    stored = crypto.encrypt("0912345678")
    new_key = Fernet.generate_key().decode()
    settings.PCMD_ENCRYPTION_KEYS = f"{new_key},{old_key}"
    rotated = crypto.rotate(stored)
    settings.PCMD_ENCRYPTION_KEYS = new_key
    assert crypto.decrypt(rotated) == "0912345678"
    try:
        crypto.decrypt(stored)
    except crypto.DecryptionError:
        pass
    else:
        raise AssertionError("the old value should need the old key")


def test_without_configured_keys_a_private_key_file_is_created(settings, tmp_path):
    settings.PCMD_ENCRYPTION_KEYS = ""
    settings.PCMD_ENCRYPTION_KEY_FILE = str(tmp_path / "keys" / "encryption.keys")
    stored = crypto.encrypt("x")
    path = tmp_path / "keys" / "encryption.keys"
    assert path.exists() and (path.stat().st_mode & 0o077) == 0
    assert crypto.decrypt(stored) == "x"


@pytest.mark.django_db
def test_rotate_keys_re_encrypts_stored_identities_and_drops_the_old_key(settings, tmp_path, tree):
    from pcmd.registries.models import Tip, TipCategory

    settings.PCMD_ENCRYPTION_KEYS = ""
    settings.PCMD_ENCRYPTION_KEY_FILE = str(tmp_path / "encryption.keys")
    tip = Tip.objects.create(
        unit=tree["kh"],
        channel="hotline",
        received_at=timezone.now(),
        category=TipCategory.objects.get(code="other"),
        subject="Thử",
        content="Thử",
        anonymous=False,
        reporter_name="Trần Văn Bình",
        deadline=dt.date(2026, 12, 31),
    )
    old_key = (tmp_path / "encryption.keys").read_text().split()[0]
    raw_before = _raw_name(tip.pk)
    out = io.StringIO()
    call_command("rotate-keys", "--new-key", "--drop-old", stdout=out)
    keys = (tmp_path / "encryption.keys").read_text().split()
    assert len(keys) == 1 and keys[0] != old_key
    raw_after = _raw_name(tip.pk)
    assert raw_after != raw_before and "Bình" not in raw_after
    assert Tip.objects.get(pk=tip.pk).reporter_name == "Trần Văn Bình"
    assert "1 giá trị" in out.getvalue()


def _raw_name(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name FROM registries_tip WHERE id = %s", [pk])
        return cursor.fetchone()[0]
