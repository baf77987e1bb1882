"""What the wizard remembers between steps: ids only, kept in the session.

Secrets are never kept here: a NetSuite account is stored (encrypted) only
once its credentials verified, and from then on the wizard holds its id.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

SESSION_KEY = "connection_wizard"


@dataclass
class WizardState:
    """The choices made so far; ``None`` means "not chosen yet"."""

    netsuite_account_id: int | None = None
    subsidiary_id: int | None = None
    contact_type: str | None = None
    app_account_id: int | None = None
    app_object_type: str = ""  # what the connection syncs in the app ("" = its default, contacts)
    app_object_name: str = (
        ""  # the chosen container's name as the app listed it (for an app whose connection names one)
    )
    name: str = ""
    interval_minutes: int | None = None
    subscription_sync: str = "off"  # the unsubscribe policy chosen at the review
    double_opt_in: bool = False  # new people added as pending, for an app that offers it (chosen at the review)
    # The draft connection made at the review step (paused until "Start"), the
    # choices it was made for, and its dry run.
    connection_id: int | None = None
    connection_choices: list | None = None
    dry_run_id: int | None = None

    @classmethod
    def load(cls, request) -> WizardState:
        stored = request.session.get(SESSION_KEY) or {}
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in stored.items() if k in known})

    def save(self, request) -> None:
        request.session[SESSION_KEY] = asdict(self)

    @staticmethod
    def clear(request) -> None:
        request.session.pop(SESSION_KEY, None)

    def choices(self) -> list:
        """The choices a draft connection depends on (a change means a new draft)."""
        return [
            self.netsuite_account_id,
            self.subsidiary_id,
            self.contact_type,
            self.app_account_id,
            self.app_object_type,
        ]

    def draft_is_current(self) -> bool:
        return self.connection_id is not None and self.connection_choices == self.choices()
