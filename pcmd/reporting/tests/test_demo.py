"""The demo data obey the standard form: every required cell, every rule, canonical values."""

import pytest

from pcmd.reporting.demo import generate
from pcmd.reporting.models import FormElement, Severity, ValidationRule
from pcmd.reporting.periods import parse_period
from pcmd.reporting.selectors import form_layout
from pcmd.reporting.tests.factories import standard_form
from pcmd.reporting.values import canonical, compare, evaluate, parse_expression

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period", ["2021S1", "2025S2"])
def test_generated_reports_would_pass_the_forms_checks(period):
    units = [(i, "phuong" if i % 3 else "xa") for i in range(1, 301)]
    layout = {row.key: row.value_type for row in form_layout(standard_form())}
    required = set(
        FormElement.objects.filter(form=standard_form(), required=True).values_list(
            "element__code", flat=True
        )
    )
    rules = list(ValidationRule.objects.filter(severity=Severity.ERROR))
    reports = list(generate(parse_period(period), units))
    assert len(reports) == 300
    for _unit, values, narratives in reports:
        assert set(values) <= set(layout)
        assert all(canonical(v, layout[k]) == v for k, v in values.items())
        present = {k.split(".")[0] for k in values}
        assert required <= present
        for rule in rules:
            left = evaluate(parse_expression(rule.left), values)
            right = evaluate(parse_expression(rule.right), values)
            assert left is None or right is None or compare(left, rule.op, right), rule.code
        assert narratives["results"]
