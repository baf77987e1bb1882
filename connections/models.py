"""Connected accounts, NetSuite subsidiaries and connections."""

from __future__ import annotations

from typing import NamedTuple

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from . import crypto
from .choices import (
    AccountStatus,
    CompanyMatching,
    ConflictPolicy,
    DeletionPolicy,
    NetSuiteContactType,
    SubscriptionSync,
)
from .providers.registry import (
    NETSUITE,
    app_object_type,
    get_provider,
    is_company_object,
    provider_choices,
    subscription_field,
)
from .validators import validate_api_base_url, validate_netsuite_account_id


class ConnectedAccount(models.Model):
    """An account of one provider (a NetSuite account, a Google account) with
    its credentials, verified once and then reused by any number of connections.

    Credentials are one JSON object encrypted with Fernet
    (``FIELD_ENCRYPTION_KEYS``); they are never rendered back, anywhere.
    """

    # The registry's choices, as a callable: a new app adds no migration (Django stores the callable's path).
    provider = models.CharField(max_length=40, choices=provider_choices)
    label = models.CharField(max_length=200, help_text="A name ops staff recognise, e.g. 'ACME production'.")
    account_id = models.CharField(
        "account ID", max_length=254, help_text="NetSuite: 1234567 or 1234567_SB1. Google: the account's email."
    )
    credentials_encrypted = models.TextField(blank=True, default="", editable=False)
    api_base_url = models.URLField(
        "API base URL override",
        blank=True,
        default="",
        validators=[validate_api_base_url],
        help_text="Leave empty for the real API. Set it to a sandbox's address for demos and tests.",
    )
    status = models.CharField(max_length=20, choices=AccountStatus.choices, default=AccountStatus.UNVERIFIED)
    status_message = models.TextField(blank=True, default="")
    verified_at = models.DateTimeField(null=True, blank=True)
    concurrency_limit = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="NetSuite: concurrent requests the account allows (5 on the standard tier, +10 per SuiteCloud Plus).",
    )
    refused_capabilities = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="What the account refused once (e.g. SuiteQL aggregates), and until when it is not asked again.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "account_id"], name="unique_account_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_provider_display()})"

    # --- credentials ---------------------------------------------------------
    def get_credentials(self) -> dict:
        """The decrypted credentials (never log or render them)."""
        return crypto.decrypt_json(self.credentials_encrypted)

    def set_credentials(self, credentials: dict) -> None:
        """Encrypt and store ``credentials`` (call save() afterwards)."""
        self.credentials_encrypted = crypto.encrypt_json({k: v for k, v in credentials.items() if v})

    def update_credentials(self, **changes: str) -> None:
        """Replace some credentials, keeping the others (blank values keep the stored one)."""
        current = self.get_credentials() if self.credentials_encrypted else {}
        current.update({k: v for k, v in changes.items() if v})
        self.set_credentials(current)

    def credential_hint(self, name: str) -> str:
        """A masked hint of a stored credential: its last 4 characters at most."""
        value = self.get_credentials().get(name) if self.credentials_encrypted else None
        if not value:
            return ""
        return "••••" + (value[-4:] if len(value) >= 12 else "")

    @property
    def provider_info(self):
        return get_provider(self.provider)

    @property
    def is_netsuite(self) -> bool:
        return self.provider == NETSUITE

    def mark_status(self, status: str, message: str = "") -> None:
        """Record the outcome of a verification (saved at once)."""
        self.status = status
        self.status_message = message
        if status == AccountStatus.VERIFIED:
            self.verified_at = timezone.now()
        self.save(update_fields=["status", "status_message", "verified_at", "updated_at"])

    def clean(self) -> None:
        if self.provider == NETSUITE and self.account_id:
            validate_netsuite_account_id(self.account_id)
            # NetSuite's own form: upper case with an underscore (the realm).
            self.account_id = self.account_id.strip().upper().replace("-", "_")


class ConcurrencySlot(models.Model):
    """One of an API account's concurrency slots (NetSuite: N requests in flight per account), leased
    while a request is on the wire by whichever worker sends it (``connections.slots``).

    ``account`` is the provider's own account identity (``netsuite:1234567_SB1``), not a foreign key:
    two connected-account rows can never name one NetSuite account, and the leases are taken on a
    connection of their own, outside the caller's transaction. A slot is free when its lease has expired
    (``expires``, seconds since the epoch on the database's clock; 0 when released), so a crashed
    worker's slots come back by themselves. With ``REDIS_URL`` set the leases live in Redis instead.
    """

    account = models.CharField(max_length=300)
    number = models.PositiveSmallIntegerField()
    holder = models.CharField(max_length=200, blank=True, default="", help_text="host:pid:token of the last holder")
    expires = models.FloatField(default=0.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "number"], name="unique_slot_per_account")]

    def __str__(self) -> str:
        return f"{self.account} slot {self.number}"


class ConcurrencySlotWaiter(models.Model):
    """A request waiting for one of an account's concurrency slots: the queue that hands the slots out
    first come, first served across processes (``connections.slots``), so that one connection's workers
    cannot keep an account's slots to themselves while another connection on the account waits.

    ``since`` is when the request first asked and ``seen`` when it last asked (seconds since the epoch,
    database clock): a waiter not seen for ``WAITER_STALE_SECONDS`` (its process died) loses its place.
    """

    account = models.CharField(max_length=300)
    holder = models.CharField(max_length=200, unique=True, help_text="host:pid:token of the waiting request")
    since = models.FloatField()
    seen = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["account", "since"], name="slot_waiter_account_since")]

    def __str__(self) -> str:
        return f"{self.holder} waiting for {self.account}"


class Subsidiary(models.Model):
    """A NetSuite subsidiary of a connected account, as last read from NetSuite."""

    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="subsidiaries")
    internal_id = models.CharField("internal ID", max_length=40)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    is_inactive = models.BooleanField("inactive", default=False)
    is_elimination = models.BooleanField("elimination", default=False)
    country = models.CharField(
        max_length=2,
        blank=True,
        default="",
        help_text="ISO 3166-1 alpha-2, as NetSuite gives it; a connection's automatic phone region.",
    )
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "subsidiaries"
        ordering = ["account", "name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "internal_id"], name="unique_subsidiary_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.internal_id})"

    @property
    def can_sync(self) -> bool:
        return not (self.is_inactive or self.is_elimination)


def is_phone_region(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 country whose numbering plan ``phonenumbers`` knows."""
    return code in phonenumbers.SUPPORTED_REGIONS


class PhoneRegion(NamedTuple):
    """The region a connection reads phone numbers in, and where it came from (for the admin's help text)."""

    region: str | None  # None: none known, only numbers written with their country code are read
    source: str  # "connection", "subsidiary", "settings" or "none"


class Connection(models.Model):
    """A two-way sync between one NetSuite subsidiary's records of one contact
    type and one account of another app (first: Google Contacts)."""

    name = models.CharField(
        max_length=200, help_text="Unique: shown in lists, filters, runs and notifications (case does not count)."
    )
    netsuite_account = models.ForeignKey(
        ConnectedAccount,
        on_delete=models.PROTECT,
        related_name="netsuite_connections",
        verbose_name="NetSuite account",
    )
    subsidiary = models.ForeignKey(Subsidiary, on_delete=models.PROTECT, related_name="connections")
    contact_type = models.CharField("NetSuite contact type", max_length=30, choices=NetSuiteContactType.choices)
    app_account = models.ForeignKey(
        ConnectedAccount, on_delete=models.PROTECT, related_name="app_connections", verbose_name="app account"
    )
    app_scope = models.CharField(
        "app scope",
        max_length=200,
        blank=True,
        default="",
        help_text="Google Contacts: a contact group to limit the sync to (empty: all contacts).",
    )
    app_object_type = models.CharField(
        "app object",
        max_length=40,
        blank=True,
        default="",
        help_text="What the connection syncs in the app (contacts, or companies for Company Customers). "
        "Empty: the app's default (contacts).",
    )
    company_matching = models.CharField(
        max_length=20,
        choices=CompanyMatching.choices,
        default=CompanyMatching.DOMAIN_THEN_NAME,
        help_text="Companies only: how companies without a link are paired across the two sides. "
        "Several companies with one key are logged as duplicates, never guessed.",
    )
    subscription_sync = models.CharField(
        "unsubscribes",
        max_length=20,
        choices=SubscriptionSync.choices,
        default=SubscriptionSync.OFF,
        help_text="Which way email unsubscribes flow (for apps with a subscription status). An unsubscribe always "
        "wins; nobody who opted out is re-subscribed; NetSuite is set to Soft Opt-Out, never Confirmed Opt-Out.",
    )
    double_opt_in = models.BooleanField(
        "double opt-in",
        default=False,
        help_text="For apps that offer it (Mailchimp): a person the sync adds to the app is asked by the app to "
        "confirm the subscription first (pending), rather than added as subscribed.",
    )
    paused = models.BooleanField(default=False, help_text="A paused connection is not scheduled.")
    paused_reason = models.CharField(max_length=500, blank=True, default="")
    interval_minutes = models.PositiveIntegerField(
        "interval (minutes)", default=15, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    conflict_policy = models.CharField(
        max_length=20, choices=ConflictPolicy.choices, default=ConflictPolicy.MOST_RECENT
    )
    netsuite_deletions = models.CharField(
        "when deleted in NetSuite",
        max_length=10,
        choices=DeletionPolicy.choices,
        default=DeletionPolicy.IGNORE,
        help_text="What happens to the linked contact in the other app when a record is deleted in NetSuite.",
    )
    app_deletions = models.CharField(
        "when deleted in the app",
        max_length=10,
        choices=DeletionPolicy.choices,
        default=DeletionPolicy.IGNORE,
        help_text="What happens to the linked NetSuite record when a contact is deleted in the other app.",
    )
    deletion_safety_percent = models.PositiveSmallIntegerField(
        "deletion safety valve (%)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A run that would delete or mark more than this share of the linked records touches none "
        "and waits for an operator's confirmation.",
    )
    phone_region = models.CharField(
        "phone region",
        max_length=2,
        blank=True,
        default="",
        help_text="The country (ISO 3166-1 alpha-2, e.g. BE) whose numbering plan applies to phone numbers typed "
        "without a country code. Empty: automatic (the subsidiary's country, else the PHONE_DEFAULT_REGION setting).",
    )
    create_missing_groups = models.BooleanField(
        "create missing contact groups",
        default=True,
        help_text="When a value names a contact group that does not exist in the app, create the group. "
        "Off: the record is not written to the app and the run ends partially failed, naming the value.",
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="owned_connections", help_text="Notified on trouble."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        permissions = [("run_connection", "Can run, pause and resume connections")]
        constraints = [
            # Two connections with one name look identical in runs, filters and dropdowns. clean() says
            # so on the name field first; the index holds against races and writes that skip clean().
            models.UniqueConstraint(
                Lower("name"),
                name="unique_connection_name",
                violation_error_message="Another connection already has this name. Choose another name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def resolved_phone_region(self) -> PhoneRegion:
        """The region phone numbers are read in: this connection's setting, else its subsidiary's
        country, else ``settings.PHONE_DEFAULT_REGION``; never an implicit US."""
        if self.phone_region:
            return PhoneRegion(self.phone_region, "connection")
        return self.automatic_phone_region()

    def automatic_phone_region(self) -> PhoneRegion:
        """What an empty phone region resolves to (shown beside the setting)."""
        country = self.subsidiary.country.upper() if self.subsidiary_id else ""
        if is_phone_region(country):
            return PhoneRegion(country, "subsidiary")
        fallback = (getattr(settings, "PHONE_DEFAULT_REGION", "") or "").upper()
        if is_phone_region(fallback):
            return PhoneRegion(fallback, "settings")
        return PhoneRegion(None, "none")

    @property
    def app_object(self) -> str:
        """The object type the connection syncs in the app: its own choice, else the app's default."""
        return self.app_object_type or app_object_type(self.app_account.provider)

    @property
    def syncs_companies(self) -> bool:
        """Companies on both sides (NetSuite Company Customers ⇄ the app's companies): paired by domain and
        name (``company_matching``) rather than by email."""
        return bool(self.app_object_type) and is_company_object(self.app_account.provider, self.app_object_type)

    def _object_type_errors(self, info) -> dict[str, str]:
        problem = info.object_type_problem(self.app_object_type)
        if problem:
            return {"app_object_type": problem}
        if not self.app_object_type:
            return {}
        if (
            self.app_object_type in info.company_object_types
            and self.contact_type != NetSuiteContactType.COMPANY_CUSTOMERS
        ):
            return {
                "app_object_type": f"{info.label}'s {self.app_object_type} are companies: they sync with NetSuite "
                "Company Customers only. Choose Company Customers as the NetSuite contact type, or the app's contacts."
            }
        return {}

    def deletion_mark_errors(self) -> dict[str, str]:
        """The deletion policies set to "mark" toward a side whose app cannot mark a record deleted (its
        capabilities' ``deletion_mark`` is empty: HubSpot has no inactive flag, group or tag the sync could
        use), by field name. Checked on save, at import and when a run loads the connection."""
        errors = {}
        sides = (
            ("netsuite_deletions", self.app_account if self.app_account_id else None),
            ("app_deletions", self.netsuite_account if self.netsuite_account_id else None),
        )
        for field_name, target in sides:
            if getattr(self, field_name) != DeletionPolicy.MARK or target is None:
                continue
            info = get_provider(target.provider)
            if not info.capabilities.deletion_mark:
                errors[field_name] = (
                    f"{info.label} has no way to mark a record deleted (no inactive flag, group or tag the sync "
                    f"can set): choose “{DeletionPolicy.IGNORE.label}” or “{DeletionPolicy.DELETE.label}”."
                )
        return errors

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.phone_region = (self.phone_region or "").strip().upper()
        if self.phone_region and not is_phone_region(self.phone_region):
            errors["phone_region"] = (
                f"{self.phone_region!r} is not a country code with a known numbering plan: "
                "use two letters (ISO 3166-1 alpha-2) such as BE, JP or GB, or leave it empty for automatic."
            )
        if self.name and Connection.objects.exclude(pk=self.pk).filter(name__iexact=self.name).exists():
            errors["name"] = (
                f"Another connection is already called “{self.name}” (names are unique, whatever the case). "
                f"Choose another name, e.g. “{free_connection_name(self.name, exclude_pk=self.pk)}”."
            )
        ns = self.netsuite_account if self.netsuite_account_id else None
        app = self.app_account if self.app_account_id else None
        if ns and ns.provider != NETSUITE:
            errors["netsuite_account"] = f"{ns} is a {ns.get_provider_display()} account, not a NetSuite account."
        if app and app.provider == NETSUITE:
            errors["app_account"] = (
                f"{app} is a NetSuite account. Choose the account of the app to sync with (e.g. Google Contacts)."
            )
        if app and app.provider != NETSUITE:
            errors.update(self._object_type_errors(get_provider(app.provider)))
            if (
                self.subscription_sync != SubscriptionSync.OFF
                and subscription_field(app.provider, self.app_object) is None
            ):
                errors["subscription_sync"] = (
                    f"{get_provider(app.provider).label}'s {self.app_object} keep no email subscription status: "
                    "there are no unsubscribes to sync with them. Choose Off."
                )
            if self.double_opt_in and not get_provider(app.provider).capabilities.double_opt_in:
                errors["double_opt_in"] = (
                    f"{get_provider(app.provider).label} has no double opt-in the sync can ask for: untick it."
                )
        if ns and app and ns.provider == NETSUITE and app.provider != NETSUITE:
            errors.update(self.deletion_mark_errors())
        if self.subsidiary_id:
            sub = self.subsidiary
            if ns and sub.account_id != ns.pk:
                errors["subsidiary"] = (
                    f"The subsidiary {sub.name} belongs to the NetSuite account {sub.account}, not to {ns}."
                )
            elif sub.is_elimination:
                errors["subsidiary"] = (
                    f"{sub.name} is an elimination subsidiary: NetSuite does not let customers or contacts "
                    "belong to it. Choose another subsidiary."
                )
            elif sub.is_inactive:
                errors["subsidiary"] = f"{sub.name} is inactive in NetSuite. Choose an active subsidiary."
        if errors:
            raise ValidationError(errors)


def numbered_name(base: str, number: int, max_length: int = 200) -> str:
    """``base`` with `` (number)`` after it, shortened to fit ``max_length`` (number 1: ``base`` itself)."""
    if number <= 1:
        return base[:max_length]
    suffix = f" ({number})"
    return base[: max_length - len(suffix)] + suffix


def free_connection_name(base: str, *, exclude_pk: int | None = None) -> str:
    """``base``, or ``base (2)``, ``base (3)``…: the first name no other connection bears (whatever the case)."""
    taken = {
        name.lower()
        for name in Connection.objects.exclude(pk=exclude_pk)
        .filter(name__istartswith=base[:150])
        .values_list("name", flat=True)
    }
    number = 1
    while numbered_name(base, number).lower() in taken:
        number += 1
    return numbered_name(base, number)
