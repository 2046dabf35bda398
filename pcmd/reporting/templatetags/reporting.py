from django import template

register = template.Library()


@register.filter
def indicator_name(code: str) -> str:
    """The name (in the active language) of the indicator a plan target is tracked by."""
    from pcmd.reporting.models import Indicator

    indicator = Indicator.objects.filter(code=code).first() if code else None
    return indicator.name if indicator else ""
