"""Encryption at rest for sensitive personal data (tip-givers, supported people).

Keys live outside the database: `PCMD_ENCRYPTION_KEYS` (comma-separated Fernet keys, the
first encrypts, all decrypt) or else the key file `PCMD_ENCRYPTION_KEY_FILE` (one key per
line, same order), which a one-machine install creates on first use. `pcmd rotate-keys`
puts a new key first and re-encrypts every stored value with it (docs/security.md).
"""

import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models

# Marks stored tokens so that a clear value is never mistaken for ciphertext.
PREFIX = "enc1:"


class DecryptionError(Exception):
    """A stored value no key can open (wrong or lost key)."""


def _read_keys() -> list[bytes]:
    configured = getattr(settings, "PCMD_ENCRYPTION_KEYS", "") or ""
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    if not keys:
        path = Path(settings.PCMD_ENCRYPTION_KEY_FILE)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Created readable by the owner only, before any key is written into it.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(Fernet.generate_key().decode() + "\n")
        keys = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not keys:
        raise ImproperlyConfigured("No encryption key: set PCMD_ENCRYPTION_KEYS.")
    return [k.encode() for k in keys]


@cache
def keyring() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _read_keys()])


def _reset(**kwargs: Any) -> None:
    if kwargs.get("setting") in ("PCMD_ENCRYPTION_KEYS", "PCMD_ENCRYPTION_KEY_FILE"):
        keyring.cache_clear()


setting_changed.connect(_reset)


def encrypt_bytes(data: bytes) -> bytes:
    return keyring().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return keyring().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("no key opens this value") from exc


def encrypt(text: str) -> str:
    return PREFIX + encrypt_bytes(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError("not an encrypted value")
    return decrypt_bytes(stored[len(PREFIX) :].encode()).decode()


def rotate(stored: str) -> str:
    """The value re-encrypted with the first key (unchanged text)."""
    token = keyring().rotate(stored[len(PREFIX) :].encode())
    return PREFIX + token.decode()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; read back in clear. Not searchable, never in the change log
    (audit.services.snapshot redacts every field with `sensitive`)."""

    sensitive = True

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


# Files stored encrypted ("app_label.Model", field name), registered by their apps.
ENCRYPTED_FILE_FIELDS: set[tuple[str, str]] = set()


def register_encrypted_file_field(model: str, field: str) -> None:
    ENCRYPTED_FILE_FIELDS.add((model, field))


def key_file_write(keys: list[str]) -> Path:
    """Replace the key file's keys (first encrypts), atomically and owner-readable only."""
    path = Path(settings.PCMD_ENCRYPTION_KEY_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(k + "\n" for k in keys))
    tmp.replace(path)
    keyring.cache_clear()
    return path


def encrypted_fields() -> Iterable[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields and their names (for key rotation)."""
    from django.apps import apps

    for model in apps.get_models():
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if names:
            yield model, names
