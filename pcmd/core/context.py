"""Per-request context (request id) that services read without passing the request around."""

import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("pcmd_request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_request_id(value: str) -> None:
    _request_id.set(value)


def get_request_id() -> str:
    """The current request's id, or '' outside a request (commands, tasks)."""
    return _request_id.get()
