"""The indicator catalogue seed (pcmd/reporting/seed/catalogue.json) is consistent.

No database: the file is read as JSON and checked against the format the reporting app loads
(data elements, disaggregations, indicators, the periodic report form, validation rules).
"""

import json
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pcmd.analytics import sources
from pcmd.core.text import fold
from pcmd.plans.models import Area

SEED = Path(__file__).resolve().parent.parent / "seed" / "catalogue.json"

# The plans' areas, so a target and its indicator share one list.
AREAS = set(Area.values)
VALUE_TYPES = {"integer", "decimal", "boolean", "text"}
NUMERIC = {"integer", "decimal"}
AGGREGATIONS = {"sum", "average", "last", "max"}
KINDS = {"formula", "unit_share", "registry"}
UNITS = {"percent", "count", "per_month", "vnd", "people"}
DIRECTIONS = {"higher", "lower"}
OPS = {">=", ">", "=", "<=", "<"}
LEVELS = {"province", "district", "commune"}
SEVERITIES = {"error", "warning"}

UPPER = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
LOWER = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
TERM = re.compile(r"^(?P<element>[A-Z][A-Z0-9_]*)(\.(?P<cell>[a-z0-9_]+(-[a-z0-9_]+)*))?$")
MONTHS = "@months"

KEYS = {
    "catalogue": {
        "disaggregations",
        "data_elements",
        "indicators",
        "forms",
        "validation_rules",
    },
    "disaggregation": {"code", "name_vi", "name_en", "options"},
    "option": {"code", "name_vi", "name_en"},
    "element": {
        "code",
        "name_vi",
        "name_en",
        "value_type",
        "aggregation",
        "disaggregations",
        "area",
        "description_vi",
        "description_en",
    },
    "indicator": {
        "code",
        "name_vi",
        "name_en",
        "kind",
        "area",
        "unit",
        "decimals",
        "direction",
        "numerator",
        "denominator",
        "factor",
        "condition",
        "registry_source",
        "keywords_vi",
    },
    "condition": {"element", "op", "value", "level"},
    "form": {
        "code",
        "name_vi",
        "name_en",
        "period_type",
        "reporter_level",
        "due_rule",
        "cutoff",
        "sections",
        "narratives",
    },
    "section": {"title_vi", "title_en", "elements"},
    "form_element": {"code", "required"},
    "narrative": {"code", "label_vi", "label_en", "required"},
    "rule": {"code", "left", "op", "right", "message_vi", "message_en", "severity"},
}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    duplicated = [k for k, n in Counter(keys).items() if n > 1]
    assert not duplicated, f"duplicate JSON keys: {duplicated}"
    return dict(pairs)


@cache
def catalogue() -> dict[str, Any]:
    with SEED.open(encoding="utf-8") as fh:
        return json.load(fh, object_pairs_hook=_no_duplicate_keys)


def elements() -> dict[str, dict[str, Any]]:
    return {e["code"]: e for e in catalogue()["data_elements"]}


def disaggregations() -> dict[str, dict[str, Any]]:
    return {d["code"]: d for d in catalogue()["disaggregations"]}


def indicators() -> list[dict[str, Any]]:
    return catalogue()["indicators"]


def check_term(term: str) -> str:
    """Checks one formula term (an element total or one cell of it); returns the element code."""
    m = TERM.match(term)
    assert m, f"bad formula term {term!r}"
    code = m["element"]
    element = elements().get(code)
    assert element, f"formula term {term!r}: no data element {code}"
    assert element["value_type"] in NUMERIC, f"formula term {term!r} is not numeric"
    if m["cell"]:
        options = m["cell"].split("-")
        dims = element["disaggregations"]
        assert len(options) == len(dims), f"{term!r}: one option per disaggregation {dims}"
        for option, dim in zip(options, dims, strict=True):
            known = {o["code"] for o in disaggregations()[dim]["options"]}
            assert option in known, f"{term!r}: {option!r} is not an option of {dim}"
    return code


def parse_expression(expression: str) -> list[str]:
    """'A + B.x - C' -> its terms, each checked; the separators are ' + ' and ' - '."""
    assert expression == expression.strip() and expression, f"bad expression {expression!r}"
    return [check_term(t) for t in re.split(r" [+-] ", expression)]


def walk_strings(node: Any, path: str = "$") -> list[tuple[str, str]]:
    if isinstance(node, str):
        return [(path, node)]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in walk_strings(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [s for i, v in enumerate(node) for s in walk_strings(v, f"{path}[{i}]")]
    return []


def matching(text: str) -> list[str]:
    """Indicators one of whose keywords occurs in a target's text, compared as the plan matcher
    compares them (folded: lower case, no diacritics)."""
    folded = fold(text)
    return [i["code"] for i in indicators() if any(fold(k) in folded for k in i["keywords_vi"])]


# --- shape -----------------------------------------------------------------------------------


def test_the_file_has_exactly_the_format_keys():
    cat = catalogue()
    assert set(cat) == KEYS["catalogue"]
    for d in cat["disaggregations"]:
        assert set(d) == KEYS["disaggregation"], d["code"]
        for o in d["options"]:
            assert set(o) == KEYS["option"], (d["code"], o)
    for e in cat["data_elements"]:
        assert set(e) == KEYS["element"], e["code"]
    for i in cat["indicators"]:
        assert set(i) == KEYS["indicator"], i["code"]
    for f in cat["forms"]:
        assert set(f) == KEYS["form"], f["code"]
        for s in f["sections"]:
            assert set(s) == KEYS["section"], s["title_en"]
            for fe in s["elements"]:
                assert set(fe) == KEYS["form_element"], fe
        for n in f["narratives"]:
            assert set(n) == KEYS["narrative"], n
    for r in cat["validation_rules"]:
        assert set(r) == KEYS["rule"], r["code"]


def test_exactly_forty_data_elements():
    assert len(catalogue()["data_elements"]) == 40


def test_codes_are_well_formed_and_unique():
    cat = catalogue()
    element_codes = [e["code"] for e in cat["data_elements"]]
    indicator_codes = [i["code"] for i in cat["indicators"]]
    for code in element_codes:
        assert UPPER.match(code) and not code.startswith("IND_"), code
    for code in indicator_codes:
        assert UPPER.match(code) and code.startswith("IND_"), code
    for d in cat["disaggregations"]:
        assert LOWER.match(d["code"]), d["code"]
        option_codes = [o["code"] for o in d["options"]]
        assert all(LOWER.match(c) for c in option_codes), option_codes
        assert len(option_codes) == len(set(option_codes)) >= 2, d["code"]
    for codes in (
        element_codes + indicator_codes,
        [d["code"] for d in cat["disaggregations"]],
        [f["code"] for f in cat["forms"]],
        [r["code"] for r in cat["validation_rules"]],
    ):
        repeated = [c for c, n in Counter(codes).items() if n > 1]
        assert not repeated, repeated
    for r in cat["validation_rules"]:
        assert UPPER.match(r["code"]), r["code"]


def test_every_string_is_nfc_and_trimmed_and_names_are_given():
    for path, s in walk_strings(catalogue()):
        assert unicodedata.is_normalized("NFC", s), path
        assert s == s.strip(), path
        assert "  " not in s, path
    named = [
        *catalogue()["disaggregations"],
        *(o for d in catalogue()["disaggregations"] for o in d["options"]),
        *catalogue()["data_elements"],
        *catalogue()["indicators"],
        *catalogue()["forms"],
    ]
    for item in named:
        assert item["name_vi"] and item["name_en"], item["code"]
    for e in catalogue()["data_elements"]:
        assert e["description_vi"] and e["description_en"], e["code"]


def test_areas_are_valid():
    for item in [*catalogue()["data_elements"], *indicators()]:
        assert item["area"] in AREAS, (item["code"], item["area"])


# --- data elements ---------------------------------------------------------------------------


def test_data_elements_have_valid_types_and_known_disaggregations():
    for e in catalogue()["data_elements"]:
        assert e["value_type"] in VALUE_TYPES, e["code"]
        assert e["aggregation"] in AGGREGATIONS, e["code"]
        dims = e["disaggregations"]
        assert isinstance(dims, list) and len(dims) == len(set(dims)), e["code"]
        for dim in dims:
            assert dim in disaggregations(), (e["code"], dim)
        if e["value_type"] in {"boolean", "text"}:
            assert not dims, f"{e['code']}: only numbers are disaggregated"


def test_every_disaggregation_is_used():
    used = {d for e in catalogue()["data_elements"] for d in e["disaggregations"]}
    assert used == set(disaggregations())


# --- indicators ------------------------------------------------------------------------------


@pytest.mark.parametrize("indicator", indicators(), ids=lambda i: i["code"])
def test_indicator_is_consistent(indicator):
    i = indicator
    assert i["kind"] in KINDS
    assert i["unit"] in UNITS
    assert i["direction"] in DIRECTIONS
    assert isinstance(i["decimals"], int) and 0 <= i["decimals"] <= 4
    assert isinstance(i["factor"], int | float) and not isinstance(i["factor"], bool)
    assert isinstance(i["registry_source"], str)
    if i["kind"] == "formula":
        assert i["condition"] is None and i["registry_source"] == ""
        assert isinstance(i["numerator"], str)
        parse_expression(i["numerator"])
        if i["denominator"] is None:
            assert i["factor"] == 1 and i["unit"] in {"count", "vnd", "people"}
        elif i["denominator"] == MONTHS:
            assert i["factor"] == 1 and i["unit"] == "per_month"
        else:
            parse_expression(i["denominator"])
            assert i["unit"] == "percent" and i["factor"] == 100
        assert MONTHS not in i["numerator"]
    elif i["kind"] == "unit_share":
        assert i["numerator"] is None and i["denominator"] is None
        assert i["registry_source"] == ""
        assert i["factor"] == 100 and i["unit"] == "percent"
        c = i["condition"]
        assert isinstance(c, dict) and set(c) == KEYS["condition"]
        element = elements().get(c["element"])
        assert element, f"condition on unknown element {c['element']}"
        assert element["value_type"] in NUMERIC | {"boolean"}
        assert c["op"] in OPS and c["level"] in LEVELS
        assert isinstance(c["value"], int | float) and not isinstance(c["value"], bool)
        if element["value_type"] == "boolean":
            assert c["value"] == 1 and c["op"] == "="
    else:
        # A registry count, or a share of two registry counts (denominator: a source).
        assert i["numerator"] is None and i["condition"] is None
        assert known_or_pending(i["registry_source"]), i["registry_source"]
        if i["denominator"] is None:
            assert i["factor"] == 1 and i["unit"] != "percent"
        else:
            assert known_or_pending(i["denominator"]), i["denominator"]
            assert i["factor"] == 100 and i["unit"] == "percent"


# Sources of registries still to be built (support cases): named, not yet registered.
PENDING_SOURCES = ("support.",)


def known_or_pending(name: str) -> bool:
    return sources.known(name) or name.startswith(PENDING_SOURCES)


def test_keywords_are_lower_case_phrases_and_given_for_every_computed_indicator():
    for i in indicators():
        words = i["keywords_vi"]
        assert isinstance(words, list), i["code"]
        if i["kind"] != "registry":
            assert words, f"{i['code']} has no keywords"
        assert len(words) == len({fold(w) for w in words}), i["code"]
        for w in words:
            assert w and w == w.lower() and w == w.strip(), (i["code"], w)


def test_no_keyword_contains_a_keyword_of_another_indicator():
    """Otherwise a sentence with the longer phrase would always match two indicators."""
    owners = [(fold(w), i["code"]) for i in indicators() for w in i["keywords_vi"]]
    for word, code in owners:
        for other, other_code in owners:
            if other_code != code:
                assert other not in word, f"{code} {word!r} contains {other_code} {other!r}"


def test_registry_indicators_mirror_the_main_registries():
    sources = {i["registry_source"].split(".")[0] for i in indicators() if i["kind"] == "registry"}
    assert sources >= {"businesses", "inspections", "tips", "support", "trainings"}


# Targets as plans typically word them (written for this test), one clause each.
TARGET_CLAUSES = {
    "Ít nhất 80% số xã tổ chức được ít nhất một hình thức tuyên truyền thường xuyên": (
        "IND_COMMUNES_AWARENESS"
    ),
    "thông tin về phòng, chống mại dâm được đăng tải trên báo chí hằng tháng": (
        "IND_MEDIA_PER_MONTH"
    ),
    "75% người lao động tại các cơ sở kinh doanh dịch vụ được tuyên truyền": (
        "IND_BUSINESS_WORKERS_REACHED"
    ),
    "65% người lao động trong các khu công nghiệp được cung cấp thông tin": (
        "IND_IZ_WORKERS_REACHED"
    ),
    "80% học sinh các trường trung học phổ thông được tuyên truyền": "IND_STUDENTS_REACHED",
    "100% xã xây dựng kế hoạch và tổ chức thực hiện hoạt động phòng, chống mại dâm": (
        "IND_COMMUNES_WITH_PLAN"
    ),
    "60% xã lồng ghép nhiệm vụ phòng, chống mại dâm với chương trình giảm nghèo": (
        "IND_COMMUNES_INTEGRATING"
    ),
    "100% tin báo, tố giác được tiếp nhận, xử lý kịp thời": "IND_TIPS_ON_TIME",
    "hằng năm tổ chức kiểm tra ít nhất 25% số cơ sở kinh doanh dịch vụ": (
        "IND_BUSINESSES_INSPECTED_YEAR"
    ),
    "đến năm 2030, 100% cơ sở kinh doanh dịch vụ được kiểm tra ít nhất một lần": (
        "IND_BUSINESSES_INSPECTED_PHASE"
    ),
    "100% vụ việc vi phạm được xử lý theo quy định của pháp luật": "IND_VIOLATIONS_HANDLED",
    "100% xã có các hoạt động hỗ trợ can thiệp giảm hại": "IND_COMMUNES_SUPPORT_ACTIVITIES",
    "70% người bán dâm có nhu cầu được hỗ trợ hòa nhập cộng đồng": "IND_SEX_WORKERS_REACHED",
    "xây dựng thí điểm 02 mô hình hỗ trợ người bán dâm": "IND_PILOT_MODELS",
    "15% địa bàn cấp xã triển khai mô hình thí điểm": "IND_UNITS_WITH_PILOT_MODEL",
    "80% cán bộ cấp tỉnh được tập huấn": "IND_STAFF_TRAINED_PROVINCE",
    "60% cán bộ cấp xã được tập huấn nghiệp vụ": "IND_STAFF_TRAINED_LOCAL",
    "chuyển hóa mới 03 xã lành mạnh, không có tệ nạn ma túy": "IND_HEALTHY_COMMUNES_NEW",
}


@pytest.mark.parametrize("clause", list(TARGET_CLAUSES))
def test_a_typical_target_clause_matches_exactly_one_indicator(clause):
    assert matching(clause) == [TARGET_CLAUSES[clause]]


# --- the form --------------------------------------------------------------------------------


def test_the_periodic_form():
    (form,) = catalogue()["forms"]
    assert form["code"] == "PCMD_PERIODIC"
    assert form["period_type"] == "six_monthly" and form["reporter_level"] == "commune"
    assert re.match(r"^S1=\d\d/\d\d;S2=\d\d/\d\d$", form["due_rule"])
    assert form["cutoff"]
    narratives = [n["code"] for n in form["narratives"]]
    assert narratives[:3] == ["results", "difficulties", "proposals"]
    assert len(narratives) == len(set(narratives))
    assert all(isinstance(n["required"], bool) and n["label_vi"] for n in form["narratives"])


def test_every_element_is_in_the_form_exactly_once_and_sections_follow_areas():
    (form,) = catalogue()["forms"]
    placed = [fe["code"] for s in form["sections"] for fe in s["elements"]]
    unknown = [c for c in placed if c not in elements()]
    assert not unknown, unknown
    assert Counter(placed) == Counter(list(elements())), "each element must appear once in the form"
    section_areas = []
    for s in form["sections"]:
        assert s["title_vi"] and s["title_en"] and s["elements"]
        areas = {elements()[fe["code"]]["area"] for fe in s["elements"]}
        assert len(areas) == 1, f"section {s['title_en']!r} mixes areas {areas}"
        section_areas.append(areas.pop())
        assert all(isinstance(fe["required"], bool) for fe in s["elements"])
    assert len(section_areas) == len(set(section_areas))
    assert any(fe["required"] for s in form["sections"] for fe in s["elements"])


# --- validation rules ------------------------------------------------------------------------


@pytest.mark.parametrize("rule", catalogue()["validation_rules"], ids=lambda r: r["code"])
def test_validation_rule_is_consistent(rule):
    assert rule["op"] in OPS and rule["severity"] in SEVERITIES
    assert rule["left"] != rule["right"]
    for side in ("left", "right"):
        element = elements().get(rule[side])
        assert element, f"{rule['code']}: no data element {rule[side]}"
        assert element["value_type"] in NUMERIC, f"{rule['code']}: {rule[side]} is not numeric"
    assert rule["message_vi"] and rule["message_en"]
    assert rule["message_vi"] != rule["message_en"]


def test_rules_cover_the_obvious_bounds():
    pairs = {(r["left"], r["op"], r["right"]) for r in catalogue()["validation_rules"]}
    for left, right in [
        ("BUSINESSES_INSPECTED", "AT_RISK_BUSINESSES"),
        ("BUSINESSES_INSPECTED_PHASE", "AT_RISK_BUSINESSES"),
        ("TIPS_PROCESSED_ON_TIME", "TIPS_RECEIVED"),
        ("SEX_WORKERS_REACHED", "SEX_WORKERS_WITH_NEEDS"),
        ("SANCTIONS_DECIDED", "VIOLATIONS_FOUND"),
        ("STAFF_TRAINED", "STAFF_TOTAL"),
        ("BUSINESS_WORKERS_REACHED", "BUSINESS_WORKERS_TOTAL"),
        ("IZ_WORKERS_REACHED", "IZ_WORKERS_TOTAL"),
        ("STUDENTS_REACHED", "STUDENTS_TOTAL"),
    ]:
        assert (left, "<=", right) in pairs, (left, right)
