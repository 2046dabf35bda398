from decimal import Decimal

from django.utils import translation

from pcmd.core.templatetags.pcmd import number


def test_numbers_use_vietnamese_separators_and_drop_stored_zeros():
    with translation.override("vi"):
        assert number(1234567.5) == "1.234.567,5"
        assert number(Decimal("90.00")) == "90"
        assert number(Decimal("1.50")) == "1,5"
        assert number(Decimal("12500.00")) == "12.500"
        assert number(None) == ""
