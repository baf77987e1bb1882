"""Pairing of companies (pure): which company of the other side a company no link holds goes with.

Companies have no unique key as people have their email. They are paired by their domain, then by their
normalised name (:mod:`.company_keys`; which of the two, ``Connection.company_matching``), one stage after
the other: the first stage whose key finds a company not linked yet decides. A stage that finds several
(on the other side, or rivals on the record's own side) decides nothing by itself: the match is
ambiguous and logged as a duplicate, never guessed. No match at all: the company is created on the
other side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from syncengine.choices import Outcome

from .exclusions import Candidate, Exclusion, natural
from .pairing import Pairing

DOMAIN, NAME = "domain", "name"

# Which stages each ``Connection.company_matching`` choice runs, in order.
STAGES = {"domain_then_name": (DOMAIN, NAME), "domain": (DOMAIN,), "name": (NAME,)}

_WHAT = {DOMAIN: "domain", NAME: "company name"}


@dataclass(frozen=True)
class Stage:
    """One match stage of a record: its ``kind`` (domain or name), its key ('' when the record has none),
    and the live records of each side with that key (``same_side`` includes the record itself)."""

    kind: str
    key: str
    same_side: Sequence[Candidate] = ()
    other_side: Sequence[Candidate] = ()


def no_match_key(stages: Iterable[str]) -> Exclusion:
    """Why a company with none of the keys of ``stages`` is not synced."""
    wanted = " or ".join(_WHAT[s] for s in stages)
    return Exclusion(
        Outcome.EXCLUDED_NO_MATCH_KEY,
        f"The company has no {wanted} to match it by, so it is not synced (to avoid duplicates).",
    )


def _ids(candidates: Iterable[Candidate]) -> str:
    return ", ".join(sorted((c.record_id for c in candidates), key=natural))


def pair_company(
    record_id: str, stages: Sequence[Stage], side_label: str, other_label: str, claimed: set[str] = frozenset()
) -> Pairing:
    """Pair a company no link holds, stage by stage (see the module docstring).

    ``side_label``/``other_label``: "NetSuite" and the app's label, for the messages; ``claimed``: other-side
    ids already matched by earlier records of the chunk.
    """
    keyed = [s for s in stages if s.key]
    if not keyed:
        return Pairing(excluded=no_match_key(s.kind for s in stages))
    for stage in keyed:
        free = [c for c in stage.other_side if not c.linked and c.record_id not in claimed]
        what = f"the {_WHAT[stage.kind]} “{stage.key}”"
        if len(free) > 1:
            return Pairing(
                excluded=Exclusion(
                    Outcome.DUPLICATE,
                    f"Ambiguous: {len(free)} {other_label} companies have {what} ({_ids(free)}); not guessed. "
                    "Make the key unique, or link the right one by hand.",
                )
            )
        if len(free) == 1:
            rivals = [c for c in stage.same_side if c.record_id != record_id and not c.linked]
            if rivals:
                return Pairing(
                    excluded=Exclusion(
                        Outcome.DUPLICATE,
                        f"Ambiguous: {side_label} companies {_ids([*rivals, Candidate(record_id)])} all have "
                        f"{what}, as {other_label} company {free[0].record_id} does; not guessed.",
                    )
                )
            return Pairing(other_id=free[0].record_id)
    return Pairing()
