"""Reading typed values, packing them for the engine, expressions and outliers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcmd.reporting.values import (
    PACK_DTYPE,
    InvalidValue,
    canonical,
    evaluate,
    is_outlier,
    pack,
    pack_many,
    parse_expression,
)


@pytest.mark.parametrize(
    ("raw", "kind", "stored"),
    [
        ("1.234", "integer", "1234"),
        ("1 234", "integer", "1234"),
        ("12", "integer", "12"),
        ("3,5", "decimal", "3.5"),
        ("3.5", "decimal", "3.5"),
        ("1.234.567,5", "decimal", "1234567.5"),
        ("1,234,567.5", "decimal", "1234567.5"),
        ("Có", "boolean", "true"),
        ("không", "boolean", "false"),
        ("  ", "integer", ""),
        ("Ghi chú", "text", "Ghi chú"),
    ],
)
def test_values_are_read_as_people_type_them(raw, kind, stored):
    assert canonical(raw, kind) == stored


@pytest.mark.parametrize(
    ("raw", "kind", "message"),
    [
        ("-1", "integer", "không được âm"),
        ("1,5", "integer", "số nguyên"),
        ("mười", "integer", "không phải là số"),
        ("NaN", "decimal", "không phải là số"),
        ("1e20", "decimal", "quá lớn"),
        ("có lẽ", "boolean", "Có hoặc Không"),
    ],
)
def test_bad_values_are_refused_with_a_message(raw, kind, message):
    with pytest.raises(InvalidValue, match=message):
        canonical(raw, kind)


@given(st.dictionaries(st.sampled_from(["A", "B", "C.x", "C.y"]), st.integers(0, 10**9)))
def test_packing_keeps_every_number(values):
    ids = {"A": 1, "B": 2, "C.x": 3, "C.y": 4}
    records = np.frombuffer(pack({k: str(v) for k, v in values.items()}, ids), dtype=PACK_DTYPE)
    assert {int(k): float(v) for k, v in zip(records["key"], records["value"], strict=True)} == {
        ids[k]: float(v) for k, v in values.items()
    }


def test_expressions_add_and_subtract_elements_and_cells():
    values = {"A": "5", "B.x": "2", "B.y": "3", "C": "1"}
    assert evaluate(parse_expression("A + B - C"), values) == 9
    assert evaluate(parse_expression("B.y"), values) == 3
    assert evaluate(parse_expression("D"), values) is None
    with pytest.raises(InvalidValue):
        parse_expression("A * B")


def test_a_value_far_outside_the_units_history_is_an_outlier():
    assert is_outlier(200, [10, 12, 9, 11])
    assert not is_outlier(14, [10, 12, 9, 11])
    assert not is_outlier(4, [0, 1, 0])  # small counts are never outliers
    assert not is_outlier(200, [10, 12])  # too little history to judge


@given(st.lists(st.integers(0, 1000), min_size=3, max_size=8))
def test_a_value_equal_to_the_median_is_never_an_outlier(history):
    median = sorted(history)[len(history) // 2]
    assert not is_outlier(float(median), [float(h) for h in history])


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["A", "B", "C.x"]),
            st.one_of(st.integers(0, 10**9).map(str), st.sampled_from(["true", "false", ""])),
        ),
        max_size=20,
    )
)
def test_packing_many_reports_at_once_equals_packing_each(many):
    ids = {"A": 1, "B": 2, "C.x": 3}
    assert pack_many(many, ids) == [pack(values, ids) for values in many]
