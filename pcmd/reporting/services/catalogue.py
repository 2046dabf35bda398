"""The indicator catalogue: seeding it, and linking plan targets to indicators."""

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pcmd.audit.models import Action
from pcmd.audit.services import change_record, snapshot
from pcmd.core.errors import ServiceError
from pcmd.core.text import fold
from pcmd.plans.models import Target
from pcmd.reporting.models import (
    DataElement,
    Disaggregation,
    DisaggregationOption,
    ElementDisaggregation,
    Form,
    FormElement,
    FormSection,
    Indicator,
    ValidationRule,
)

SEED = Path(__file__).resolve().parent.parent / "seed" / "catalogue.json"


@transaction.atomic
def catalogue_seed(path: Path = SEED) -> int:
    """Create the catalogue rows the seed file has and the database lacks; returns how many.

    Rows that exist are left alone: administrators may have edited them.
    """
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    for d in data["disaggregations"]:
        disagg, made = Disaggregation.objects.get_or_create(
            code=d["code"], defaults={"name_vi": d["name_vi"], "name_en": d["name_en"]}
        )
        created += made
        for order, o in enumerate(d["options"]):
            _opt, made = DisaggregationOption.objects.get_or_create(
                disaggregation=disagg,
                code=o["code"],
                defaults={"name_vi": o["name_vi"], "name_en": o["name_en"], "order": order},
            )
            created += made
    elements: dict[str, DataElement] = {e.code: e for e in DataElement.objects.all()}
    for e in data["data_elements"]:
        if e["code"] in elements:
            continue
        element = DataElement.objects.create(
            code=e["code"],
            name_vi=e["name_vi"],
            name_en=e["name_en"],
            description_vi=e.get("description_vi", ""),
            description_en=e.get("description_en", ""),
            value_type=e["value_type"],
            aggregation=e["aggregation"],
            area=e["area"],
        )
        for order, code in enumerate(e.get("disaggregations", [])):
            ElementDisaggregation.objects.create(
                element=element, disaggregation=Disaggregation.objects.get(code=code), order=order
            )
        elements[element.code] = element
        created += 1
    existing = set(Indicator.objects.values_list("code", flat=True))
    for i in data["indicators"]:
        if i["code"] in existing:
            continue
        condition = i.get("condition") or {}
        Indicator.objects.create(
            code=i["code"],
            name_vi=i["name_vi"],
            name_en=i["name_en"],
            kind=i["kind"],
            area=i["area"],
            unit=i["unit"],
            decimals=i.get("decimals", 0),
            direction=i.get("direction", "higher"),
            numerator=i.get("numerator") or "",
            denominator=i.get("denominator") or "",
            factor=i.get("factor") or 1,
            condition_element=elements.get(condition.get("element", "")),
            condition_op=condition.get("op", ""),
            condition_value=condition.get("value"),
            condition_level={"province": 1, "district": 2, "commune": 3}.get(
                condition.get("level", "")
            ),
            registry_source=i.get("registry_source") or "",
            keywords=i.get("keywords_vi") or [],
        )
        created += 1
    for f in data["forms"]:
        if Form.objects.filter(code=f["code"]).exists():
            continue
        form = Form.objects.create(
            code=f["code"],
            name_vi=f["name_vi"],
            name_en=f["name_en"],
            period_type=f["period_type"],
            reporter_level={"province": 1, "district": 2, "commune": 3}.get(f["reporter_level"]),
            due_rule=f["due_rule"],
            cutoff=f.get("cutoff", "calendar"),
            narratives=f.get("narratives", []),
        )
        order = 0
        for s_order, s in enumerate(f["sections"]):
            section = FormSection.objects.create(
                form=form, order=s_order, title_vi=s["title_vi"], title_en=s["title_en"]
            )
            for item in s["elements"]:
                FormElement.objects.create(
                    form=form,
                    section=section,
                    element=elements[item["code"]],
                    order=order,
                    required=item.get("required", False),
                )
                order += 1
        created += 1
    existing = set(ValidationRule.objects.values_list("code", flat=True))
    for r in data["validation_rules"]:
        if r["code"] in existing:
            continue
        ValidationRule.objects.create(
            code=r["code"],
            left=r["left"],
            op=r["op"],
            right=r["right"],
            message_vi=r["message_vi"],
            message_en=r["message_en"],
            severity=r.get("severity", "error"),
        )
        created += 1
    return created


def indicator_match(text: str) -> Indicator | None:
    """The one indicator whose keywords occur in a target's sentence, or None.

    Ambiguous sentences (two indicators match) are left for a person to link: a wrong
    automatic link would judge a unit against the wrong figure.
    """
    folded = fold(text)
    found: list[tuple[int, Indicator]] = []
    for indicator in Indicator.objects.filter(active=True).exclude(kind="registry"):
        hits = [k for k in indicator.keywords if fold(k) and fold(k) in folded]
        if hits:
            found.append((max(len(fold(k)) for k in hits), indicator))
    if not found:
        return None
    found.sort(key=lambda pair: -pair[0])
    # The longest matching phrase wins only when it is strictly the longest.
    if len(found) > 1 and found[0][0] == found[1][0]:
        return None
    return found[0][1]


@transaction.atomic
def target_link_indicator(*, actor: Any, target: Target, code: str) -> Target:
    """Link a plan target to an indicator by hand ("" unlinks)."""
    from pcmd.plans.services.base import require_plan_manage

    require_plan_manage(actor, target.plan.unit)
    if code and not Indicator.objects.filter(code=code).exists():
        raise ServiceError(_("Không có chỉ tiêu thống kê mã %(c)s.") % {"c": code})
    before = snapshot(target)
    target.indicator_code = code
    target.save(update_fields=["indicator_code"])
    change_record(actor=actor, action=Action.UPDATE, obj=target, before=before)
    return target
