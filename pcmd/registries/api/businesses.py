"""API: businesses."""

from ninja import Router

router = Router(tags=["businesses"])
