"""PDF from Word files: LibreOffice headless, one private profile per conversion."""

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

LIBREOFFICE_PACKAGE = "libreoffice-writer-nogui"


class DocumentRenderError(RuntimeError):
    """The PDF could not be made."""


class ConverterMissingError(DocumentRenderError):
    """LibreOffice is not installed."""


def soffice_path() -> str:
    """The LibreOffice executable, or `ConverterMissingError` saying what to install."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise ConverterMissingError(
            "LibreOffice (soffice) was not found on PATH; PDF output needs it. "
            f"On Debian or Ubuntu: apt-get install {LIBREOFFICE_PACKAGE}"
        )
    return found


def docx_to_pdf(data: bytes, *, timeout: float = 120.0) -> bytes:
    """Convert a .docx file to PDF with LibreOffice headless.

    Each call has its own LibreOffice profile in its own temporary folder, so conversions
    can run side by side and leave nothing behind.
    """
    soffice = soffice_path()
    with tempfile.TemporaryDirectory(prefix="pcmd-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "document.docx"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        # HOME too: some LibreOffice builds write caches there despite the profile.
        env = {**os.environ, "HOME": str(folder)}
        # Its own process group, so a timeout kills soffice.bin and not only the launcher.
        process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise DocumentRenderError(f"LibreOffice took longer than {timeout:g} s") from None
        pdf = folder / "document.pdf"
        if process.returncode != 0 or not pdf.exists():
            message = stderr.decode(errors="replace").strip()
            raise DocumentRenderError(
                f"LibreOffice could not convert the document (exit {process.returncode}): "
                f"{message or 'no output'}"
            )
        return pdf.read_bytes()
