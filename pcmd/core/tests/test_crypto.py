"""Encryption at rest: values round-trip, are unreadable in the table, rotate to a new key."""

from cryptography.fernet import Fernet
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
