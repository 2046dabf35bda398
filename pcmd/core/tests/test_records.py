import datetime as dt
from decimal import Decimal

import pytest
from django.db import models

from pcmd.core.errors import ServiceError
from pcmd.core.records import (
    capitalised,
    choice,
    clean_text,
    day_text,
    number_typed,
    refuse_unknown,
    whole_number,
)
from pcmd.geo.models import AdministrativeUnit


class Colour(models.TextChoices):
    RED = "red", "Đỏ"
    BLUE = "blue", "Xanh"


def test_dates_in_messages_read_dd_mm_yyyy_and_labels_keep_their_capitals():
    assert day_text(dt.date(2025, 7, 1)) == "01/07/2025"
    assert capitalised("ANTT cơ sở") == "ANTT cơ sở"
    assert capitalised("số tiền") == "Số tiền"


@pytest.mark.parametrize(
    ("typed", "read"),
    [("1.500", 1500), ("1 500", 1500), (" 42 ", 42), (7, 7), (Decimal("3"), 3), ("", 0), (None, 0)],
)
def test_whole_numbers_are_read_as_people_type_them(typed, read):
    assert whole_number(typed, "Số người") == read


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "Số người không được âm (-3)."),
        (-3, "Số người không được âm (-3)."),
        (True, "Số người phải là số."),
        (Decimal("2.5"), "Số người phải là số nguyên."),
        (11, "Số người không được lớn hơn 10."),
    ],
)
def test_a_number_that_does_not_fit_is_refused_saying_why(typed, message):
    with pytest.raises(ServiceError) as refused:
        whole_number(typed, "Số người", maximum=10)
    assert refused.value.messages == [message]


def test_nothing_typed_is_no_number_for_the_caller_to_judge():
    assert number_typed("  ", "Số tiền") is None
    assert number_typed(None, "Số tiền") is None


def test_a_choice_outside_the_list_is_refused_naming_the_accepted_values_when_asked():
    assert choice("red", Colour, "Màu") == "red"
    assert choice("", Colour, "Màu", blank=True) == ""
    with pytest.raises(ServiceError) as refused:
        choice("green", Colour, "Màu")
    assert refused.value.messages == ["Màu không hợp lệ: “green”."]
    with pytest.raises(ServiceError) as refused:
        choice("", Colour, "Màu", list_accepted=True)
    assert refused.value.messages == [
        "Màu không hợp lệ: “—”. Chọn một trong: red (Đỏ), blue (Xanh)."
    ]


def test_text_is_stored_trimmed_and_within_its_column():
    assert clean_text(AdministrativeUnit, "name", "  Kỳ Anh ") == "Kỳ Anh"
    with pytest.raises(ServiceError):
        clean_text(AdministrativeUnit, "name", "", required=True)
    with pytest.raises(ServiceError):
        clean_text(AdministrativeUnit, "name", "x" * 1000)


def test_an_unexpected_field_is_a_programming_error():
    refuse_unknown(["name"], ["name", "notes"])
    with pytest.raises(TypeError):
        refuse_unknown(["colour"], ["name"])
