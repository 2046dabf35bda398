"""Report values: parsing what people type, packing for the engine, rules and outliers.

A value is keyed "CODE" (no disaggregation) or "CODE.opt1-opt2" (one cell of a
disaggregated element) and stored as a canonical string: "12", "3.5", "true", text.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
from django.utils.translation import gettext as _

from pcmd.core.text import nfc

# Records of (value key id, value), little-endian: what the engine reads.
PACK_DTYPE = [("key", "<i4"), ("value", "<f8")]
MAX_VALUE = Decimal("1e15")

_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_TERM = re.compile(r"\s*([+-])?\s*(@months|[A-Z][A-Z0-9_]*(?:\.[a-z0-9_-]+)?)\s*")
TRUE_WORDS = {"true", "1", "có", "co", "yes", "x"}
FALSE_WORDS = {"false", "0", "không", "khong", "no"}


class InvalidValue(ValueError):
    """A value that cannot be read; the message is for the user."""


def split_key(key: str) -> tuple[str, str]:
    code, _sep, combo = key.partition(".")
    return code, combo


def parse_number(raw: str, *, integer: bool) -> Decimal:
    """A number as people type it: "1.234" or "1 234" (grouped), "3,5" or "3.5" (decimal).

    Raises InvalidValue with a message in the user's language.
    """
    text = nfc(raw).replace("\u00a0", " ")
    if _GROUPED.match(text):
        text = re.sub(r"[.,\s]", "", text)
    elif "," in text and "." in text:
        # Whichever comes last is the decimal mark: "1.234,5" and "1,234.5".
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        text = text.replace(grouping, "").replace(decimal_mark, ".")
    else:
        text = text.replace(",", ".").replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidValue(_("“%(v)s” không phải là số.") % {"v": raw}) from exc
    if not number.is_finite():
        raise InvalidValue(_("“%(v)s” không phải là số.") % {"v": raw})
    if number < 0:
        raise InvalidValue(_("Số liệu không được âm (%(v)s).") % {"v": raw})
    if number >= MAX_VALUE:
        raise InvalidValue(_("Số quá lớn (%(v)s).") % {"v": raw})
    if integer and number != number.to_integral_value():
        raise InvalidValue(_("Chỉ nhập số nguyên (%(v)s).") % {"v": raw})
    return number


def canonical(raw: object, value_type: str) -> str:
    """The stored form of a typed value, or "" for blank; raises InvalidValue."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raw = "true" if raw else "false"
    text = nfc(str(raw))
    if text == "":
        return ""
    if value_type == "text":
        return text
    if value_type == "boolean":
        folded = text.lower()
        if folded in TRUE_WORDS:
            return "true"
        if folded in FALSE_WORDS:
            return "false"
        raise InvalidValue(_("Chọn Có hoặc Không (“%(v)s”).") % {"v": raw})
    number = parse_number(text, integer=value_type == "integer")
    if value_type == "integer":
        return str(int(number))
    normalized = number.normalize()
    return format(normalized, "f")


def as_float(value: str) -> float | None:
    """The number of a canonical value (booleans 1/0), None for blank or text."""
    if value in ("", None):
        return None
    if value == "true":
        return 1.0
    if value == "false":
        return 0.0
    try:
        return float(value)
    except ValueError:
        return None


def pack(values: Mapping[str, str], key_ids: Mapping[str, int]) -> bytes:
    """The numeric values as engine records; keys without an id (text) are left out."""
    records = [
        (key_ids[key], number)
        for key, value in values.items()
        if key in key_ids and (number := as_float(value)) is not None
    ]
    return np.array(records, dtype=PACK_DTYPE).tobytes() if records else b""


def pack_many(many: list[Mapping[str, str]], key_ids: Mapping[str, int]) -> list[bytes]:
    """`pack` for many reports at once: one numpy conversion instead of one per value."""
    keys: list[int] = []
    raws: list[object] = []
    counts: list[int] = []
    for values in many:
        before = len(keys)
        for key, value in values.items():
            key_id = key_ids.get(key)
            if key_id is None or value == "":
                continue
            keys.append(key_id)
            raws.append(1.0 if value == "true" else 0.0 if value == "false" else value)
        counts.append(len(keys) - before)
    try:
        numbers = np.array(raws, dtype=np.float64)
    except ValueError:  # a text value among them: take the careful way
        return [pack(values, key_ids) for values in many]
    records = np.empty(len(keys), dtype=PACK_DTYPE)
    records["key"] = keys
    records["value"] = numbers
    data = records.tobytes()
    size = records.dtype.itemsize
    out = []
    offset = 0
    for count in counts:
        out.append(data[offset : offset + count * size])
        offset += count * size
    return out


# --- expressions: "A + B - C.female" over a report's values or the engine's totals ---


@dataclass(frozen=True)
class Term:
    sign: int
    ref: str  # "CODE", "CODE.combo" or "@months"


def parse_expression(expression: str) -> list[Term]:
    """Terms of "A + B - C"; raises InvalidValue naming the expression when malformed."""
    terms: list[Term] = []
    pos = 0
    text = expression.strip()
    while pos < len(text):
        match = _TERM.match(text, pos)
        if not match or (terms and not match.group(1)):
            raise InvalidValue(_("Biểu thức không hợp lệ: “%(e)s”.") % {"e": expression})
        terms.append(Term(-1 if match.group(1) == "-" else 1, match.group(2)))
        pos = match.end()
    return terms


def element_total(values: Mapping[str, str], code: str) -> float | None:
    """The value of an element: its own key, or the sum of its cells; None if all blank."""
    if code in values:
        return as_float(values[code])
    prefix = code + "."
    numbers = [as_float(v) for k, v in values.items() if k.startswith(prefix)]
    present = [n for n in numbers if n is not None]
    return sum(present) if present else None


def evaluate(terms: Iterable[Term], values: Mapping[str, str]) -> float | None:
    """Sum of the terms over one report; None when none of them has a value."""
    total = 0.0
    seen = False
    for term in terms:
        number = (
            as_float(values.get(term.ref, ""))
            if "." in term.ref
            else element_total(values, term.ref)
        )
        if number is not None:
            total += term.sign * number
            seen = True
    return total if seen else None


def compare(left: float, op: str, right: float) -> bool:
    match op:
        case "<=":
            return left <= right + 1e-9
        case "<":
            return left < right
        case ">=":
            return left + 1e-9 >= right
        case ">":
            return left > right
        case "=" | "==":
            return math.isclose(left, right, abs_tol=1e-9)
    raise InvalidValue(_("Phép so sánh không hợp lệ: “%(op)s”.") % {"op": op})


def is_outlier(value: float, history: list[float]) -> bool:
    """Far outside the unit's own history: beyond median ± 3 × (scaled MAD), or ≥ 5×.

    Needs at least three earlier values; small counts (≤ 5) never count as outliers,
    since a commune going from 1 to 4 inspections is ordinary.
    """
    past = sorted(history)
    if len(past) < 3 or value <= 5:
        return False
    mid = len(past) // 2
    median = past[mid] if len(past) % 2 else (past[mid - 1] + past[mid]) / 2
    deviations = sorted(abs(x - median) for x in past)
    dmid = len(deviations) // 2
    mad = deviations[dmid] if len(deviations) % 2 else (deviations[dmid - 1] + deviations[dmid]) / 2
    spread = max(1.4826 * mad, 0.25 * max(median, 1.0))
    return abs(value - median) > 3 * spread and (
        value >= 5 * max(median, 1.0) or value < median / 5
    )
