"""Running the external readers: no shell, absolute timeouts, the missing package named."""

import contextlib
import logging
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import ReadError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tool:
    command: str
    package: str  # the Debian package that installs it


PDFINFO = Tool("pdfinfo", "poppler-utils")
PDFIMAGES = Tool("pdfimages", "poppler-utils")
PDFTOTEXT = Tool("pdftotext", "poppler-utils")
PDFTOPPM = Tool("pdftoppm", "poppler-utils")
TESSERACT = Tool("tesseract", "tesseract-ocr")
SOFFICE = Tool("soffice", "libreoffice-writer-nogui")


def tool_missing(command: str, package: str) -> ReadError:
    return ReadError(
        "tool_missing",
        _(
            "Máy chủ chưa cài chương trình “%(command)s” để đọc loại tệp này. Quản trị viên "
            "cần cài gói %(package)s (sudo apt-get install %(package)s)."
        )
        % {"command": command, "package": package},
    )


def run(
    tool: Tool, args: list[str], *, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run `tool` with `args`; ReadError("timeout") when it takes longer than `timeout` s.

    Paths in `args` must be absolute, so that a file name cannot pass for an option.
    """
    executable = shutil.which(tool.command)
    if executable is None:
        raise tool_missing(tool.command, tool.package)
    # A session of its own, so that a timeout ends the helpers it forks too (LibreOffice).
    with subprocess.Popen(  # noqa: S603 - fixed executable, argument list, no shell
        [executable, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):  # the session ended meanwhile
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            logger.warning("%s ran past %s s and was stopped", tool.command, timeout)
            raise ReadError(
                "timeout",
                _("Đọc tệp quá %(seconds)d giây nên đã dừng. Hãy thử với tệp nhỏ hơn.")
                % {"seconds": timeout},
            ) from None
    if process.returncode != 0:
        logger.info("%s exited with %s: %s", tool.command, process.returncode, stderr[-2000:])
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
