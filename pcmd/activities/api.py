"""API of the activities app."""

from ninja import Router

router = Router(tags=["activities"])
