"""Admin of connected accounts, subsidiaries and connections."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from . import oauth_connect
from .choices import AccountStatus
from .forms import ConnectedAccountForm
from .models import ConnectedAccount, Connection, Subsidiary
from .object_field import configure_app_object_field
from .providers.registry import NETSUITE, PROVIDERS
from .services import store_check, verify_account


def provider_credential_names(provider: str) -> tuple[str, ...]:
    """The credential fields a person types for ``provider`` (none for an app that signs in with OAuth)."""
    info = PROVIDERS.get(provider)
    return tuple(c.name for c in info.credential_fields) if info else ()


def typed_provider(key: str | None) -> str:
    """The provider a new account form is for: ``key`` when it is a provider whose credentials are typed,
    else NetSuite."""
    info = PROVIDERS.get(key or "")
    return info.key if info is not None and info.credential_fields and info.oauth is None else NETSUITE


ADDED_ACCOUNT = "added_account"  # the parameter a page that sent someone to add an account gets its pk in


def typed_account_adds(next_url: str = "") -> list[dict[str, str]]:
    """``[{key, label, url}]`` of the apps (beside NetSuite, the plain add) whose credentials are typed: the
    accounts list's "Add a <app> account" buttons. With ``next_url`` (a page of ours, e.g. the wizard's app
    step) the browser returns there once the account is saved, with ``added_account=<pk>``."""
    add = reverse("admin:connections_connectedaccount_add")
    return [
        {
            "key": info.key,
            "label": info.label,
            "url": f"{add}?{urlencode({'provider': info.key, **({'next': next_url} if next_url else {})})}",
        }
        for info in PROVIDERS.values()
        if not info.is_netsuite and typed_provider(info.key) == info.key
    ]


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(admin.ModelAdmin):
    """Accounts: credentials are write-only, and hidden from whoever may not change them."""

    form = ConnectedAccountForm
    list_display = ("label", "provider", "account_id", "status", "verified_at", "concurrency_limit", "updated_at")
    list_filter = ("provider", "status")
    search_fields = ("label", "account_id")
    readonly_fields = (
        "status",
        "status_message",
        "verified_at",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    )
    actions = ("verify_and_fetch",)

    @admin.action(description="Verify and fetch subsidiaries", permissions=["change"])
    def verify_and_fetch(self, request, queryset):
        for account in queryset:
            result = verify_account(account)
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{account}: {result.message}", level)

    def get_urls(self):
        # "Connect a <app> account" and its OAuth callback, for each app that signs in.
        return oauth_connect.sign_in_urls(self) + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "oauth_sign_ins": oauth_connect.sign_ins(),
            "typed_account_adds": typed_account_adds(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        # An account's provider decides its credentials: it is chosen once, never changed.
        return (*self.readonly_fields, "provider") if obj is not None else self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        # A new account is a NetSuite one, or the app named by ``?provider=`` when that app's credentials are
        # typed (the other apps' accounts come from their sign-in); an existing one shows only its own
        # provider's fields: no token boxes or concurrency help on an app's.
        provider = obj.provider if obj is not None else typed_provider(request.GET.get("provider"))
        main = ("provider", "label", "account_id", "api_base_url")
        if provider == NETSUITE:
            main += ("concurrency_limit",)
        fieldsets = [
            (None, {"fields": main}),
            ("Status", {"fields": ("status", "status_message", "verified_at")}),
            ("History", {"fields": ("created_at", "created_by", "updated_at", "updated_by")}),
        ]
        credentials = provider_credential_names(provider)
        may_edit = self.has_change_permission(request, obj) or (obj is None and self.has_add_permission(request))
        if credentials and may_edit:
            fieldsets.insert(
                1,
                (
                    "Credentials (write-only)",
                    {
                        "fields": credentials,
                        "description": "Credentials are stored encrypted and never shown again. "
                        "Type a value only to replace the stored one. They are checked with "
                        f"{PROVIDERS[provider].label} before anything is saved.",
                    },
                ),
            )
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "account_id" in form.base_fields:
            # The account id's help names the provider's own kind of id, not both.
            form.base_fields["account_id"].help_text = obj.provider_info.account_id_help
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        if form.credential_check is not None:
            # The form checked the credentials before saving: record that (status, subsidiaries).
            store_check(obj, form.credential_check)

    def response_add(self, request, obj, post_url_continue=None):
        """Back to the page that sent someone here to add an account (``?next=``, a page of ours only),
        with the new account's pk; else the admin's usual answer."""
        next_url = oauth_connect.safe_next(request, request.GET.get("next"))
        if next_url:
            separator = "&" if "?" in next_url else "?"
            return HttpResponseRedirect(f"{next_url}{separator}{urlencode({ADDED_ACCOUNT: obj.pk})}")
        return super().response_add(request, obj, post_url_continue)


@admin.register(Subsidiary)
class SubsidiaryAdmin(admin.ModelAdmin):
    """Subsidiaries are read from NetSuite ("Verify and fetch subsidiaries"), not typed in."""

    list_display = (
        "name",
        "internal_id",
        "account",
        "parent",
        "country",
        "is_inactive",
        "is_elimination",
        "fetched_at",
    )
    list_filter = ("account", "is_inactive", "is_elimination")
    search_fields = ("name", "internal_id")
    list_select_related = ("account", "parent")
    readonly_fields = (
        "account",
        "internal_id",
        "name",
        "parent",
        "is_inactive",
        "is_elimination",
        "country",
        "fetched_at",
    )

    def has_add_permission(self, request):
        return False


def phone_region_now(connection: Connection | None) -> str:
    """What an empty phone region resolves to for ``connection`` (or for a new one), in words."""
    if connection is None or not connection.subsidiary_id:
        region, _ = Connection().automatic_phone_region()
        if region:
            return f"Automatic now: {region} (the PHONE_DEFAULT_REGION setting), unless the subsidiary has a country."
        return "Automatic now: the subsidiary's country (no PHONE_DEFAULT_REGION setting)."
    region, source = connection.automatic_phone_region()
    if source == "subsidiary":
        return f"Automatic here: {region} (the country of {connection.subsidiary.name})."
    if source == "settings":
        name = connection.subsidiary.name
        return f"Automatic here: {region} (the PHONE_DEFAULT_REGION setting; {name} has no country)."
    return (
        f"Automatic here: none ({connection.subsidiary.name} has no country and PHONE_DEFAULT_REGION is not set), "
        "so only numbers typed with a country code are normalised."
    )


class NetSuiteAccountFilter(admin.RelatedFieldListFilter):
    """*By NetSuite account*: lists NetSuite accounts only (the related model holds both kinds)."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(include_blank=False, limit_choices_to={"provider": NETSUITE})


class AppAccountFilter(admin.RelatedFieldListFilter):
    """*By app account*: lists the other apps' accounts only (Google today), never NetSuite's."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(include_blank=False, limit_choices_to=~Q(provider=NETSUITE))


def usable_accounts(request, field_name: str):
    """Accounts a connection may be given: verified ones, plus the one it already has (so an
    account that failed later does not make its connection's page impossible to save)."""
    usable = Q(status=AccountStatus.VERIFIED)
    object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
    if object_id:
        current = Connection.objects.filter(pk=object_id).values_list(f"{field_name}_id", flat=True).first()
        if current:
            usable |= Q(pk=current)
    return ConnectedAccount.objects.filter(usable)


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    """Connections, with pause / resume for whoever may run them."""

    change_form_template = "admin/connections/connection/change_form.html"
    list_display = (
        "name",
        "netsuite_account",
        "subsidiary",
        "contact_type",
        "app_account",
        "state",
        "interval_minutes",
    )
    list_filter = (
        "paused",
        "contact_type",
        ("netsuite_account", NetSuiteAccountFilter),
        ("app_account", AppAccountFilter),
    )
    search_fields = ("name",)
    list_select_related = ("netsuite_account", "subsidiary", "app_account")
    filter_horizontal = ("owners",)
    readonly_fields = ("created_at", "updated_at", "created_by")
    actions = ("pause_connections", "resume_connections")

    @admin.display(description="state", boolean=False)
    def state(self, obj: Connection) -> str:
        return "paused" if obj.paused else "active"

    def has_run_permission(self, request) -> bool:
        return request.user.has_perm("connections.run_connection")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "netsuite_account":
            kwargs["queryset"] = usable_accounts(request, db_field.name).filter(provider=NETSUITE)
        elif db_field.name == "app_account":
            kwargs["queryset"] = usable_accounts(request, db_field.name).exclude(provider=NETSUITE)
        elif db_field.name == "subsidiary":
            kwargs["queryset"] = Subsidiary.objects.filter(is_inactive=False, is_elimination=False).select_related(
                "account"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        objects = form.base_fields.get("app_object_type")
        if objects is not None:  # what the connection's app has, listed live where it must be asked (the model checks)
            configure_app_object_field(objects, obj)
        field = form.base_fields.get("phone_region")
        if field is not None:
            # Say what "automatic" means for this connection right now, so nobody has to guess.
            field.help_text = f"{Connection._meta.get_field('phone_region').help_text} {phone_region_now(obj)}"
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # --- pause / resume --------------------------------------------------------
    def _set_paused(self, request, queryset, paused: bool) -> None:
        count = 0
        for connection in queryset:
            connection.paused = paused
            connection.paused_reason = f"Paused by {request.user.get_username()}" if paused else ""
            connection.save(update_fields=["paused", "paused_reason", "updated_at"])
            count += 1
        verb = "paused" if paused else "resumed"
        self.message_user(request, f"{count} connection(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Pause the selected connections", permissions=["run"])
    def pause_connections(self, request, queryset):
        self._set_paused(request, queryset, True)

    @admin.action(description="Resume the selected connections", permissions=["run"])
    def resume_connections(self, request, queryset):
        self._set_paused(request, queryset, False)

    def get_urls(self):
        urls = super().get_urls()
        own = [
            path(
                "<int:pk>/pause/",
                self.admin_site.admin_view(require_POST(self.pause_view)),
                name="connections_connection_pause",
            ),
            path(
                "<int:pk>/resume/",
                self.admin_site.admin_view(require_POST(self.resume_view)),
                name="connections_connection_resume",
            ),
        ]
        return own + urls

    def _object_action(self, request, pk: int, paused: bool):
        if not self.has_run_permission(request):
            raise PermissionDenied
        connection = get_object_or_404(Connection, pk=pk)
        self._set_paused(request, Connection.objects.filter(pk=connection.pk), paused)
        return HttpResponseRedirect(reverse("admin:connections_connection_change", args=[pk]))

    def pause_view(self, request, pk: int):
        return self._object_action(request, pk, True)

    def resume_view(self, request, pk: int):
        return self._object_action(request, pk, False)

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_run"] = self.has_run_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)
