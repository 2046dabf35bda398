"""The one exception reading raises: a code for the caller and a message for the user."""

from typing import Literal

ReadErrorCode = Literal[
    "empty",  # nothing but whitespace
    "unsupported",  # unknown extension, or content that is not what the extension says
    "too_large",  # PCMD_IMPORT_MAX_BYTES, or a zip that would unpack to far more
    "too_many_pages",  # PCMD_IMPORT_MAX_PAGES
    "encrypted",  # needs a password
    "corrupt",  # the reader cannot open it
    "legacy_encoding",  # 8-bit text whose encoding cannot be told
    "not_text",  # a .txt that is binary
    "ocr_failed",  # OCR gave an error or no text at all
    "timeout",  # an external reader ran past its time limit
    "tool_missing",  # a reader is not installed on the server (a 5xx, not the user's fault)
]


class ReadError(Exception):
    """A document that cannot be read: `message` is translated and meant for the user."""

    def __init__(self, code: ReadErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ReadErrorCode = code
        self.message = message
