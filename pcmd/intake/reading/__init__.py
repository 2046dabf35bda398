"""Reading uploaded plan documents into text: plain text, Word, PDF (text layer or OCR), scans.

from pcmd.intake.reading import read_document, ReadError, ReadResult
"""

from .document import ReadResult, read_document
from .errors import ReadError

__all__ = ["ReadError", "ReadResult", "read_document"]
