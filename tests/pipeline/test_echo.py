"""Echo detection (pure, table-driven): our own write read back is not planned again."""

from __future__ import annotations

import pytest

from syncengine import codec
from syncengine.pipeline.echo import EchoCheck, is_echo, mapped, pair_is_echo

FIELDS = ("firstName", "email", "title")
WRITTEN = {"firstName": "Al", "email": "al@x"}
STORED = codec.values_hash(WRITTEN)


@pytest.mark.parametrize(
    ("case", "values", "echo"),
    [
        ("exactly what we wrote: an echo", {"firstName": "Al", "email": "al@x"}, True),
        ("an unmapped field changed too: still an echo", {"firstName": "Al", "email": "al@x", "phone": "1"}, True),
        ("an empty mapped value is no value: still an echo", {"firstName": "Al", "email": "al@x", "title": ""}, True),
        ("a mapped value changed: a change", {"firstName": "Alan", "email": "al@x"}, False),
        ("a mapped value was added: a change", {"firstName": "Al", "email": "al@x", "title": "CFO"}, False),
        ("a mapped value was cleared: a change", {"firstName": "Al"}, False),
    ],
)
def test_a_side_is_an_echo_when_its_mapped_values_hash_as_last_recorded(case, values, echo):
    assert is_echo(EchoCheck(values, FIELDS, STORED)) is echo, case


def test_a_side_never_recorded_is_never_an_echo():
    assert not is_echo(EchoCheck(WRITTEN, FIELDS, None))


@pytest.mark.parametrize(
    ("case", "changed", "other", "echo"),
    [
        ("one side pending, an echo", WRITTEN, None, True),
        ("both sides pending, both echoes", WRITTEN, WRITTEN, True),
        ("both pending, the other changed: planned", WRITTEN, {"firstName": "Alan", "email": "al@x"}, False),
        ("the changed side is no echo: planned", {"firstName": "Alan", "email": "al@x"}, WRITTEN, False),
    ],
)
def test_a_pair_is_an_echo_only_when_every_pending_side_is_one(case, changed, other, echo):
    other_check = EchoCheck(other, FIELDS, STORED) if other is not None else None
    assert pair_is_echo(EchoCheck(changed, FIELDS, STORED), other_check) is echo, case


def test_mapped_values_leave_out_unmapped_and_empty_fields():
    assert mapped({"firstName": "Al", "title": None, "phone": "1"}, FIELDS) == {"firstName": "Al"}
