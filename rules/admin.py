"""Admin of rules: each rule edited in one place with its conditions and actions.

Values of lists (Sales Rep, Partner, Initial Lead Source, Google contact
groups, custom selects) are typed by name with suggestions from a datalist
fed by the cached catalogs, and stored as ``{"id", "name"}``. The rules of a
connection are also listed on its page, per direction
(:class:`RulesToAppInline`, :class:`RulesToNetSuiteInline`, composed into
the connection admin by ``syncengine/connection_admin.py``).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Prefetch

from .choices import RuleDirection
from .forms import SOURCE_DATALIST, TARGET_DATALIST, ActionForm, ConditionForm, DirectionRuleForm, SidesFormSet
from .models import Action, Condition, Rule
from .sides import RuleSides, direction_label, rule_sides
from .summary import rule_summary
from .value_entry import datalist_entries


def _with_parts(queryset):
    return queryset.prefetch_related(
        Prefetch("conditions", queryset=Condition.objects.order_by("pk")),
        Prefetch("actions", queryset=Action.objects.order_by("pk")),
    )


class _RulePartInline(admin.TabularInline):
    """Conditions or actions of the rule being edited, with the catalogs of the rule's sides."""

    formset = SidesFormSet
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        sides = obj.sides() if obj is not None and obj.pk else None
        return type(formset.__name__, (formset,), {"sides": sides})


class ConditionInline(_RulePartInline):
    """IF: conditions on the fields of the source side (or on the whole record)."""

    model = Condition
    form = ConditionForm
    verbose_name = "condition (IF)"
    verbose_name_plural = "conditions (IF): none means every record"


class ActionInline(_RulePartInline):
    """THEN: actions on the fields (or contact groups) of the target side."""

    model = Action
    form = ActionForm
    verbose_name = "action (THEN)"
    verbose_name_plural = "actions (THEN): besides syncing the record"


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    """A rule with its conditions and actions; its connection and direction are fixed once saved."""

    change_form_template = "admin/rules/rule/change_form.html"
    list_display = ("name", "connection", "direction_shown", "order", "match", "enabled", "summary")
    list_filter = ("connection", "direction", "enabled")
    list_select_related = ("connection__app_account",)
    search_fields = ("name", "connection__name")
    fields = ("connection", "direction", "name", "order", "match", "enabled")
    inlines = (ConditionInline, ActionInline)

    def get_queryset(self, request):
        return _with_parts(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        # Conditions and actions are checked against the catalogs of this connection and direction.
        return ("connection", "direction") if obj is not None else ()

    def get_inline_instances(self, request, obj=None):
        # Conditions and actions need the rule's sides: they are added once the rule is saved.
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description="direction", ordering="direction")
    def direction_shown(self, obj: Rule) -> str:
        return direction_label(obj.direction, obj.connection.app_account.get_provider_display())

    @admin.display(description="IF … THEN …")
    def summary(self, obj: Rule) -> str:
        return rule_summary(obj.to_spec())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            sides = obj.sides()
            context["rule_sides"] = {
                "source": sides.source.description,
                "target": sides.target.description,
                "direction": direction_label(obj.direction, obj.connection.app_account.get_provider_display()),
                # Fields the record type lacks are not offered: say why (Partner and Sales Rep on contacts).
                "absent_fields": list(
                    dict.fromkeys(filter(None, (sides.source.absent_fields_note, sides.target.absent_fields_note)))
                ),
            }
            context["rule_datalists"] = [
                (SOURCE_DATALIST, datalist_entries(sides.source.fields.values())),
                (TARGET_DATALIST, datalist_entries(sides.target.fields.values())),
            ]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class _DirectionRulesInline(admin.TabularInline):
    """The rules of one direction of a connection, on its page; conditions and actions behind "Change"."""

    model = Rule
    direction: str = RuleDirection.TO_APP
    fields = ("name", "order", "match", "enabled", "summary")
    readonly_fields = ("summary",)
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return _with_parts(super().get_queryset(request).filter(direction=self.direction))

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type("DirectionRuleForm", (DirectionRuleForm,), {"direction_value": self.direction})
        if obj is not None:
            app_label = obj.app_account.get_provider_display()
            self.verbose_name_plural = f"rules: {direction_label(self.direction, app_label)}"
            self._sides = rule_sides(obj, self.direction)
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="IF … THEN …")
    def summary(self, obj: Rule) -> str:
        if not obj.pk:
            return "Save, then use “Change” to add conditions and actions."
        sides: RuleSides | None = getattr(self, "_sides", None)
        if sides is None:
            return rule_summary(obj.to_spec())
        return rule_summary(obj.to_spec(), sides.source.fields, sides.target.fields)


class RulesToAppInline(_DirectionRulesInline):
    """Rules deciding which NetSuite records go to the app."""

    direction = RuleDirection.TO_APP
    verbose_name = "rule (NetSuite → app)"


class RulesToNetSuiteInline(_DirectionRulesInline):
    """Rules deciding which of the app's records go to NetSuite."""

    direction = RuleDirection.TO_NETSUITE
    verbose_name = "rule (app → NetSuite)"
