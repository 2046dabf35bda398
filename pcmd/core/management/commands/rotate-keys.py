"""`pcmd rotate-keys`: re-encrypt every encrypted value and file with the first key."""

from typing import Any

from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from pcmd.core import crypto


class Command(BaseCommand):
    help = (
        "Rotate the encryption keys of personal data. With the key file: --new-key puts a "
        "new key first, every value is re-encrypted with it, --drop-old then removes the "
        "old keys. With PCMD_ENCRYPTION_KEYS: put the new key first in the variable (keep "
        "the old ones after it), run this command, then remove the old keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="add a new first key")
        parser.add_argument(
            "--drop-old", action="store_true", help="keep only the first key afterwards"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from_env = bool(settings.PCMD_ENCRYPTION_KEYS)
        if from_env and (options["new_key"] or options["drop_old"]):
            raise CommandError(
                "Khóa lấy từ biến PCMD_ENCRYPTION_KEYS: hãy đặt khóa mới lên đầu biến đó "
                "rồi chạy lại lệnh này không kèm --new-key/--drop-old."
            )
        keys = [k.decode() for k in crypto._read_keys()]
        if options["new_key"]:
            keys = [Fernet.generate_key().decode(), *keys]
            crypto.key_file_write(keys)
        values = files = 0
        with transaction.atomic():
            for model, names in crypto.encrypted_fields():
                for obj in model._default_manager.only("pk", *names).iterator():
                    # Saving the clear value encrypts it again with the first key.
                    changes = {n: getattr(obj, n) for n in names if getattr(obj, n)}
                    if changes:
                        model._default_manager.filter(pk=obj.pk).update(**changes)
                        values += len(changes)
            for label, name in sorted(crypto.ENCRYPTED_FILE_FIELDS):
                model = apps.get_model(label)
                for obj in model._default_manager.exclude(**{name: ""}).iterator():
                    stored = getattr(obj, name)
                    with stored.open("rb") as handle:
                        token = handle.read()
                    rotated = crypto.keyring().rotate(token)
                    with stored.storage.open(stored.name, "wb") as handle:
                        handle.write(rotated)
                    files += 1
        if options["drop_old"]:
            crypto.key_file_write(keys[:1])
        self.stdout.write(
            f"Đã mã hóa lại {values} giá trị và {files} tệp bằng khóa đầu tiên"
            + ("; đã bỏ các khóa cũ." if options["drop_old"] else ".")
        )
