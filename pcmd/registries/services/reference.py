"""Reference data of the registries (decrees, tip categories, holidays), seeded by migrate."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pcmd.registries.models import Holiday, SanctionDecree, TipCategory

SEED = Path(__file__).resolve().parent.parent / "seed" / "reference.json"


def reference_seed(path: Path = SEED) -> int:
    """Create the rows the seed file has and the database lacks; returns how many.

    Rows that exist are left alone: administrators may have edited them."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    for d in data["decrees"]:
        _obj, made = SanctionDecree.objects.get_or_create(
            code=d["code"],
            defaults={
                "title_vi": d["title_vi"],
                "title_en": d["title_en"],
                "valid_from": dt.date.fromisoformat(d["valid_from"]),
                "valid_to": dt.date.fromisoformat(d["valid_to"]) if d["valid_to"] else None,
            },
        )
        created += made
    for c in data["tip_categories"]:
        _cat, made = TipCategory.objects.get_or_create(
            code=c["code"], defaults={k: v for k, v in c.items() if k != "code"}
        )
        created += made
    for h in data["holidays"]:
        _day, made = Holiday.objects.get_or_create(
            date=dt.date.fromisoformat(h["date"]), defaults={"name": h["name"]}
        )
        created += made
    return created
