"""The catalogue is data: system administrators edit elements, indicators, forms and rules."""

from django.contrib import admin

from pcmd.core.admin import AuditedAdmin
from pcmd.reporting.models import (
    DataElement,
    Disaggregation,
    DisaggregationOption,
    ElementDisaggregation,
    Form,
    FormElement,
    FormSchedule,
    FormSection,
    Indicator,
    ValidationRule,
)


class OptionInline(admin.TabularInline):
    model = DisaggregationOption
    extra = 0


@admin.register(Disaggregation)
class DisaggregationAdmin(AuditedAdmin):
    list_display = ("code", "name_vi", "name_en")
    inlines = [OptionInline]


class ElementDisaggregationInline(admin.TabularInline):
    model = ElementDisaggregation
    extra = 0


@admin.register(DataElement)
class DataElementAdmin(AuditedAdmin):
    list_display = ("code", "name_vi", "value_type", "aggregation", "area")
    list_filter = ("area", "value_type", "aggregation")
    search_fields = ("code", "name_vi", "name_en")
    inlines = [ElementDisaggregationInline]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("code", "name_vi", "kind", "area", "unit", "direction", "active")
    list_filter = ("kind", "area", "active")
    search_fields = ("code", "name_vi", "name_en")


class SectionInline(admin.TabularInline):
    model = FormSection
    extra = 0


class FormElementInline(admin.TabularInline):
    model = FormElement
    extra = 0
    autocomplete_fields = ("element",)


class ScheduleInline(admin.TabularInline):
    model = FormSchedule
    extra = 0
    raw_id_fields = ("plan",)


@admin.register(Form)
class FormAdmin(AuditedAdmin):
    list_display = ("code", "name_vi", "period_type", "reporter_level", "due_rule", "active")
    inlines = [SectionInline, FormElementInline, ScheduleInline]


@admin.register(ValidationRule)
class ValidationRuleAdmin(AuditedAdmin):
    list_display = ("code", "left", "op", "right", "severity", "active")
    list_filter = ("severity", "active")
