"""The `pcmd` command: Django's manage.py under a friendly name, with a clear database check."""

import os
import sys

# Commands that work without a database (or create it themselves).
_NO_DB_COMMANDS = {
    "help",
    "version",
    "--help",
    "-h",
    "--version",
    "compilemessages",
    "makemessages",
    "collectstatic",
    "check",
    "makemigrations",
    "shell",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")
    from django.core.management import execute_from_command_line

    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command not in _NO_DB_COMMANDS:
        _require_database()
    execute_from_command_line(sys.argv)


def _require_database() -> None:
    """Exit with one sentence, not a traceback, when the database cannot be reached."""
    import django
    from django.db import connection
    from django.db.utils import OperationalError

    django.setup()
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = connection.settings_dict.get("HOST") or connection.settings_dict.get("NAME")
        sys.stderr.write(
            f"pcmd: không kết nối được cơ sở dữ liệu ({where}): {reason}. "
            "Kiểm tra DATABASE_URL và máy chủ cơ sở dữ liệu.\n"
            f"pcmd: cannot reach the database ({where}): {reason}. "
            "Check DATABASE_URL and the database server.\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
