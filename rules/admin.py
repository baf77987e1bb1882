"""Admin of rules: each rule edited in one place with its conditions and actions.

Values of lists (Sales Rep, Partner, Initial Lead Source, Google contact
groups, custom selects) are typed by name with suggestions from a datalist
fed by the cached catalogs, and stored as ``{"id", "name"}``. The rules of a
connection are also listed on its page, per direction
(:class:`RulesToAppInline`, :class:`RulesToNetSuiteInline`, composed into
the connection admin by ``ops/connection_admin.py``).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse

from connections.models import Connection

from .choices import RuleDirection
from .forms import SOURCE_DATALIST, TARGET_DATALIST, ActionForm, ConditionForm, DirectionRuleForm, SidesFormSet
from .models import Action, Condition, Rule
from .rule_catalogs import RuleCatalogs, direction_label, record_noun, rule_catalogs, rule_statement
from .summary import rule_summary
from .value_entry import datalist_entries


def _with_parts(queryset):
    return queryset.prefetch_related(
        Prefetch("conditions", queryset=Condition.objects.order_by("pk")),
        Prefetch("actions", queryset=Action.objects.order_by("pk")),
    )


def _requested_catalogs(request) -> tuple[Connection, str, RuleCatalogs] | None:
    """The connection, direction and sides a new rule is added for (``?connection=<id>&direction=<to_app|…>``,
    or the add form's own fields once posted), or None when they are not chosen yet."""
    data = request.POST if request.method == "POST" else request.GET
    connection_id, direction = data.get("connection") or "", data.get("direction") or ""
    if not connection_id.isdigit() or direction not in RuleDirection.values:
        return None
    connection = Connection.objects.select_related("netsuite_account", "app_account").filter(pk=connection_id).first()
    if connection is None:
        return None
    return connection, direction, rule_catalogs(connection, direction)


class _RulePartInline(admin.TabularInline):
    """Conditions or actions of the rule being edited, with the catalogs of the rule's sides
    (of the connection and direction chosen, on the add page)."""

    formset = SidesFormSet
    extra = 1
    reads = False  # conditions read the source record; actions write the target record

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk:
            catalogs = obj.catalogs()
        else:
            chosen = getattr(request, "_rule_chosen", None)
            catalogs = chosen[2] if chosen else None
        if catalogs is not None:
            self.verbose_name_plural = self.title(catalogs)
        return type(formset.__name__, (formset,), {"catalogs": catalogs})

    def title(self, catalogs: RuleCatalogs) -> str:
        return str(self.verbose_name_plural)


class ConditionInline(_RulePartInline):
    """IF: conditions on the fields of the source side (or on the whole record)."""

    model = Condition
    form = ConditionForm
    verbose_name = "condition (IF)"
    verbose_name_plural = "conditions (IF): none means every record"

    def title(self, catalogs: RuleCatalogs) -> str:
        return f"conditions (IF): read {record_noun(catalogs.source)}; none means every record"


class ActionInline(_RulePartInline):
    """THEN: actions on the fields (or contact groups) of the target side."""

    model = Action
    form = ActionForm
    verbose_name = "action (THEN)"
    verbose_name_plural = "actions (THEN): besides syncing the record"

    def title(self, catalogs: RuleCatalogs) -> str:
        return f"actions (THEN): write {record_noun(catalogs.target)}, besides syncing it"


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
        # Conditions and actions need the rule's sides: on the add page, once its connection and
        # direction are chosen (links on the page, or from the connection), the whole rule is one page.
        if obj is None:
            request._rule_chosen = _requested_catalogs(request)
            if request._rule_chosen is None:
                return []
        return super().get_inline_instances(request, obj)

    @admin.display(description="direction", ordering="direction")
    def direction_shown(self, obj: Rule) -> str:
        return direction_label(obj.direction, obj.connection.app_account.get_provider_display())

    @admin.display(description="IF … THEN …")
    def summary(self, obj: Rule) -> str:
        return rule_summary(obj.to_spec())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        chosen = getattr(request, "_rule_chosen", None) if obj is None or not obj.pk else None
        if obj is not None and obj.pk:
            catalogs, direction = obj.catalogs(), obj.direction
        elif chosen is not None:
            _, direction, catalogs = chosen
        else:
            catalogs = None
            context["rule_start_links"] = _start_links()
        if catalogs is not None:
            context["rule_catalogs"] = {
                "source": catalogs.source.description,
                "target": catalogs.target.description,
                "statement": rule_statement(direction, catalogs),
                # Fields the record type lacks are not offered: say why (Partner and Sales Rep on contacts).
                "absent_fields": list(
                    dict.fromkeys(
                        filter(None, (catalogs.source.absent_fields_note, catalogs.target.absent_fields_note))
                    )
                ),
            }
            context["rule_datalists"] = [
                (SOURCE_DATALIST, datalist_entries(catalogs.source.fields.values())),
                (TARGET_DATALIST, datalist_entries(catalogs.target.fields.values())),
            ]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


def _start_links() -> list[tuple[str, str]]:
    """``(label, url)`` to add a rule of each direction of each connection, with its conditions and actions."""
    url = reverse("admin:rules_rule_add")
    links = []
    for connection in Connection.objects.select_related("app_account").order_by("name", "pk"):
        app_label = connection.app_account.get_provider_display()
        for direction in RuleDirection.values:
            links.append(
                (
                    f"{connection.name}: {direction_label(direction, app_label)}",
                    f"{url}?connection={connection.pk}&direction={direction}",
                )
            )
    return links


class _DirectionRulesInline(admin.TabularInline):
    """The rules of one direction of a connection, on its page; conditions and actions behind "Change"."""

    model = Rule
    direction: str = RuleDirection.TO_APP
    fields = ("name", "order", "match", "enabled", "summary")
    readonly_fields = ("summary",)
    show_change_link = True
    extra = 0
    template = "admin/edit_inline/tabular_row_errors.html"  # a row's errors above it, listed at the top of the page

    def get_queryset(self, request):
        return _with_parts(super().get_queryset(request).filter(direction=self.direction))

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type("DirectionRuleForm", (DirectionRuleForm,), {"direction_value": self.direction})
        if obj is not None:
            app_label = obj.app_account.get_provider_display()
            self.verbose_name_plural = f"rules: {direction_label(self.direction, app_label)}"
            if getattr(self, "_catalogs_of", None) != obj.pk:  # Django asks for the formset several times a page
                self._catalogs, self._catalogs_of = rule_catalogs(obj, self.direction), obj.pk
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="IF … THEN …")
    def summary(self, obj: Rule) -> str:
        if not obj.pk:
            return "Save, then use “Change” to add conditions and actions."
        catalogs: RuleCatalogs | None = getattr(self, "_catalogs", None)
        if catalogs is None:
            return rule_summary(obj.to_spec())
        return rule_summary(obj.to_spec(), catalogs.source.fields, catalogs.target.fields)


class RulesToAppInline(_DirectionRulesInline):
    """Rules deciding which NetSuite records go to the app."""

    direction = RuleDirection.TO_APP
    verbose_name = "rule (NetSuite → app)"


class RulesToNetSuiteInline(_DirectionRulesInline):
    """Rules deciding which of the app's records go to NetSuite."""

    direction = RuleDirection.TO_NETSUITE
    verbose_name = "rule (app → NetSuite)"
