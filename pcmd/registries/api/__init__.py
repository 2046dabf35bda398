"""The registries' JSON API, one router per area, assembled here."""

from ninja import Router

from pcmd.registries.api import businesses, inspections, tips

router = Router()
router.add_router("", businesses.router)
router.add_router("", inspections.router)
router.add_router("", tips.router)
