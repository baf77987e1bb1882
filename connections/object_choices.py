"""The containers an account offers a connection (an app whose every connection syncs one of them, see
:class:`~connections.providers.registry.ObjectChoice`), asked of the app live, for the wizard and the admin.

Never raises for what the app answers: a refusal or an outage comes back as a problem worded for ops staff,
so a form can say it and keep everything else the person chose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .clients import client_for
from .crypto import DecryptionError
from .models import ConnectedAccount
from .providers.errors import ProviderError


@dataclass(frozen=True)
class ObjectOffer:
    """What ``account`` offers: ``(object type, name)`` pairs as the app lists them now, or the ``problem``
    that kept the app from listing them ("" when none). ``label`` and ``help`` say what one is ("List")."""

    account_pk: int
    label: str
    help: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    problem: str = ""

    @property
    def noun(self) -> str:
        """How a sentence names one (the label in lower case), from the app's registration."""
        return self.label.lower()

    def name_of(self, object_type: str) -> str:
        """The container's name as the app gave it ("" when it is not in the list)."""
        return dict(self.choices).get(object_type, "")


def offers_objects(account: ConnectedAccount | None) -> bool:
    """Whether a connection with ``account`` must name one of the account's containers."""
    return account is not None and account.provider_info.object_choice is not None


def object_offer(account: ConnectedAccount, *, interactive: bool = True) -> ObjectOffer:
    """Ask the app which containers ``account`` has (one short attempt when a person waits: ``interactive``).

    Only for an account whose app registered an ``object_choice`` (:func:`offers_objects`)."""
    info = account.provider_info
    choice = info.object_choice
    offer = {"account_pk": account.pk, "label": choice.label, "help": choice.help}
    try:
        client = client_for(account, interactive=interactive)
    except (DecryptionError, ProviderError) as exc:
        return ObjectOffer(**offer, problem=_problem(info.label, choice.label, exc))
    try:
        choices = list(choice.choices(client))
    except ProviderError as exc:
        return ObjectOffer(**offer, problem=_problem(info.label, choice.label, exc))
    finally:
        close = getattr(client, "close", None)  # release the HTTP pool (not every provider has one)
        if close is not None:
            close()
    if not choices:
        noun = choice.label.lower()
        return ObjectOffer(
            **offer,
            problem=f"The {info.label} account “{account.label}” has no {noun} yet: create one in {info.label}, "
            "then come back to this page.",
        )
    return ObjectOffer(**offer, choices=choices)


def _problem(app: str, label: str, exc: Exception) -> str:
    return (
        f"{app} could not list the account's {label.lower()}s: {str(exc).strip().rstrip('.')}. "
        "Nothing was lost: try again, or choose another account."
    )
