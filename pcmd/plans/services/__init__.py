"""Writing plans: from an extraction, by hand on the review page, issuing, deriving.

Every write here is audited; views, the API, the command and the background task call
these functions and nothing else writes plans.
"""

from pcmd.plans.services.base import require_plan_manage
from pcmd.plans.services.cascade import plan_derive
from pcmd.plans.services.drafts import plan_create, plan_create_from_extraction
from pcmd.plans.services.editing import (
    EDITABLE,
    PLAN_EDITABLE,
    plan_accept_all,
    plan_delete,
    plan_issue,
    plan_item_create,
    plan_item_delete,
    plan_item_update,
    plan_update,
)

__all__ = [
    "EDITABLE",
    "PLAN_EDITABLE",
    "plan_accept_all",
    "plan_create",
    "plan_create_from_extraction",
    "plan_delete",
    "plan_derive",
    "plan_issue",
    "plan_item_create",
    "plan_item_delete",
    "plan_item_update",
    "plan_update",
    "require_plan_manage",
]
