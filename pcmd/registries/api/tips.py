"""API: tips."""

from ninja import Router

router = Router(tags=["tips"])
