"""The wizard's steps, and which of them the remembered choices complete.

Each step's choice is checked again on every request (an account may have
been deleted or have failed a later verification meanwhile): a choice that
no longer holds is dropped, and the wizard sends the person back to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connections.choices import AccountStatus, NetSuiteContactType
from connections.models import ConnectedAccount, Connection, Subsidiary
from connections.object_choices import offers_objects
from connections.providers.registry import NETSUITE
from syncengine.models import SyncRun

from .state import WizardState


@dataclass(frozen=True)
class Step:
    """One page of the wizard: its URL slug and its title."""

    slug: str
    title: str


STEPS: tuple[Step, ...] = (
    Step("netsuite", "NetSuite account"),
    Step("subsidiary", "Subsidiary"),
    Step("contact-type", "Contact type"),
    Step("app", "App account"),
    Step("review", "Review"),
    Step("preview", "Dry run"),
    Step("start", "Start"),
)
SLUGS = tuple(step.slug for step in STEPS)
COMPANY_CUSTOMERS = NetSuiteContactType.COMPANY_CUSTOMERS.value


@dataclass
class Choices:
    """The state's ids resolved to rows; ``None`` where a choice is missing or no longer valid."""

    netsuite_account: ConnectedAccount | None = None
    subsidiary: Subsidiary | None = None
    contact_type: str | None = None
    app_account: ConnectedAccount | None = None
    app_object_type: str = ""  # "" = the app's default object (contacts)
    app_object_name: str = ""  # the chosen container's name, for an app whose connection names one
    connection: Connection | None = None
    dry_run: SyncRun | None = None
    problems: list[str] = field(default_factory=list)  # why earlier choices were dropped, for the person

    def done(self) -> list[bool]:
        """Whether each step (in :data:`STEPS` order) is complete."""
        return [
            self.netsuite_account is not None,
            self.subsidiary is not None,
            self.contact_type is not None,
            self.app_account is not None and not self.object_missing,
            self.connection is not None and self.dry_run is not None,
            self.dry_run is not None,  # a preview shown is enough to start
            False,  # starting ends the wizard
        ]

    def first_open_step(self) -> int:
        """Index of the first step not completed (where the wizard resumes); at most the preview,
        since "Start" is a button on it."""
        return min(self.done().index(False), SLUGS.index("preview"))

    def can_open(self, index: int) -> bool:
        """A step opens once every step before it is complete."""
        return all(self.done()[:index])

    @property
    def object_missing(self) -> bool:
        """The app account is chosen, but not yet the container its app makes every connection name."""
        return offers_objects(self.app_account) and not self.app_object_type

    @property
    def object_label(self) -> str:
        """How people name the chosen container ("" for an app without): its name, else the app's label of it."""
        if not self.app_object_type or not offers_objects(self.app_account):
            return ""
        info = self.app_account.provider_info
        return self.app_object_name or info.object_type_label(self.app_object_type)

    @property
    def contact_type_label(self) -> str:
        return NetSuiteContactType(self.contact_type).label if self.contact_type else ""


def verified_netsuite_accounts():
    """The NetSuite accounts a connection can use: verified ones."""
    return ConnectedAccount.objects.filter(provider=NETSUITE, status=AccountStatus.VERIFIED)


def verified_app_accounts():
    """The other apps' accounts a connection can use: verified ones."""
    return ConnectedAccount.objects.exclude(provider=NETSUITE).filter(status=AccountStatus.VERIFIED)


def usable_subsidiaries(account: ConnectedAccount):
    """Subsidiaries customers and contacts may belong to (not inactive, not elimination)."""
    return account.subsidiaries.filter(is_inactive=False, is_elimination=False).select_related("parent")


def _unusable_account(account_id: int | None, what: str) -> str:
    """Why a remembered account can no longer be used, in words ("" when none was chosen)."""
    if account_id is None:
        return ""
    account = ConnectedAccount.objects.filter(pk=account_id).first()
    if account is None:
        return f"The {what} chosen before was deleted meanwhile. Choose another one."
    reason = (account.status_message or account.get_status_display()).strip().rstrip(".")
    return f"The {what} “{account.label}” can no longer be used: {reason}. Authorize it again, or choose another one."


def resolve(state: WizardState) -> Choices:
    """Load the state's choices, dropping (from ``state`` too) any that no longer hold, and saying why."""
    choices = Choices()
    choices.netsuite_account = verified_netsuite_accounts().filter(pk=state.netsuite_account_id).first()
    if choices.netsuite_account is None:
        choices.problems.append(_unusable_account(state.netsuite_account_id, "NetSuite account"))
        state.netsuite_account_id = None
    else:
        choices.subsidiary = usable_subsidiaries(choices.netsuite_account).filter(pk=state.subsidiary_id).first()
        if choices.subsidiary is None and state.subsidiary_id is not None:
            choices.problems.append(
                "The subsidiary chosen before is no longer listed as active by NetSuite. Choose another one."
            )
    if choices.subsidiary is None:
        state.subsidiary_id = None
    if state.contact_type in NetSuiteContactType.values:
        choices.contact_type = state.contact_type
    else:
        state.contact_type = None
    choices.app_account = verified_app_accounts().filter(pk=state.app_account_id).first()
    if choices.app_account is None:
        choices.problems.append(_unusable_account(state.app_account_id, "app account"))
        state.app_account_id = None
    elif offers_objects(choices.app_account):
        # One of the account's containers, as the app step listed them (the run checks it exists).
        info = choices.app_account.provider_info
        if state.app_object_type and not info.object_type_problem(state.app_object_type):
            choices.app_object_type, choices.app_object_name = state.app_object_type, state.app_object_name
    elif state.app_object_type in choices.app_account.provider_info.company_object_types:
        choices.app_object_type = state.app_object_type if choices.contact_type == COMPANY_CUSTOMERS else ""
    state.app_object_type, state.app_object_name = choices.app_object_type, choices.app_object_name
    if state.connection_id is not None:
        choices.connection = Connection.objects.filter(pk=state.connection_id).first()
        if choices.connection is None:
            state.connection_id = state.connection_choices = state.dry_run_id = None
    if choices.connection is not None and state.draft_is_current() and state.dry_run_id is not None:
        choices.dry_run = SyncRun.objects.filter(pk=state.dry_run_id, connection=choices.connection).first()
    if not all(choices.done()[:4]) or not state.draft_is_current():
        choices.dry_run = None
    choices.problems = [problem for problem in choices.problems if problem]
    return choices
