"""Failing records never stay silent: a new kind of failure, or a record failing in two real runs in a row,
emails the connection's owners once per problem, grouped by cause with counts and a link to exactly those
outcomes; a run with the same failures as the one before sends nothing, nor does a dry run."""

from __future__ import annotations

import pytest
from django.core import mail

from syncengine.choices import RunStatus
from syncengine.notifications import failures_to_report

from ..engine.harness import sync
from ..engine.helpers import g_person, seed

OWNER_EMAILS = ["olga@example.com", "omar@example.com"]
SITE = "https://sync.example.com"
SHORT = "Phone number should have seven digits or more."  # NetSuite's refusal of "555 12"


def _causes(body: str) -> list[str]:
    """The email's cause lines ("- <cause>: <count> (<why>)")."""
    return [line for line in body.splitlines() if line.startswith("- ")]


def _links(body: str) -> list[str]:
    return [
        line.strip()[len(SITE) :] for line in body.splitlines() if line.strip().startswith(SITE + "/admin/syncengine")
    ]


def _listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def test_new_kinds_and_second_failures_in_a_row_are_emailed_once_each(admin_client, sandboxes, connection, settings):
    settings.SITE_URL = SITE
    seed(
        sandboxes, google=[g_person("Al", "Bad", "al@example.com", phoneNumbers=[{"value": "555 12", "type": "work"}])]
    )
    seed(sandboxes, google=[g_person("Kim", "Ok", "kim@example.com")])

    def run_and_mails():
        before = len(mail.outbox)
        run = sync(connection)
        assert run.status == RunStatus.PARTIALLY_FAILED, run.error
        return run, mail.outbox[before:]

    # Run 1: Al's number is refused, a kind of failure the connection never had: told at once.
    first, sent = run_and_mails()
    assert len(sent) == 1
    assert sorted(sent[0].to) == OWNER_EMAILS
    assert "1 record failing" in sent[0].subject and connection.name in sent[0].subject
    (cause,) = _causes(sent[0].body)
    assert SHORT in cause and cause.endswith(": 1 record (a new kind of failure)")
    (link,) = _links(sent[0].body)
    assert f"run__id__exact={first.pk}" in link and _listed(admin_client, link) == 1

    # Run 2: the same failure again. The owners know: nothing is sent.
    _, sent = run_and_mails()
    assert sent == []

    # Run 3: Cy fails for the same, known cause: a first failure, left to the next run's retry.
    seed(
        sandboxes, google=[g_person("Cy", "Bad", "cy@example.com", phoneNumbers=[{"value": "555 34", "type": "work"}])]
    )
    _, sent = run_and_mails()
    assert sent == []

    # Run 4: Cy fails a second run in a row: told, once, with the cause's count in the run (Al and Cy).
    fourth, sent = run_and_mails()
    assert len(sent) == 1
    (cause,) = _causes(sent[0].body)
    assert SHORT in cause and cause.endswith(": 2 records (1 of them failing for the second run in a row)")
    (link,) = _links(sent[0].body)
    assert f"run__id__exact={fourth.pk}" in link and _listed(admin_client, link) == 2

    # Run 5: Ed's number is refused for another reason: a new kind, told alone.
    seed(
        sandboxes, google=[g_person("Ed", "Odd", "ed@example.com", phoneNumbers=[{"value": "CALL-ED", "type": "work"}])]
    )
    _, sent = run_and_mails()
    assert len(sent) == 1
    (cause,) = _causes(sent[0].body)
    assert "Invalid Field Value CALL-ED" in cause and cause.endswith(": 1 record (a new kind of failure)")
    assert "3 records failing" in sent[0].subject
    (link,) = _links(sent[0].body)
    assert _listed(admin_client, link) == 1

    # Run 6, and a dry run: the same failures as before, nothing new.
    _, sent = run_and_mails()
    assert sent == []
    assert sync(connection, dry_run=True) and len(mail.outbox) == 3
    for message in mail.outbox:
        for secret in connection.netsuite_account.get_credentials().values():
            assert secret not in message.subject + message.body


A, B = "Invalid email <email>", "Phone number should have seven digits or more."


@pytest.mark.parametrize(
    ("current", "previous", "before", "news"),
    [
        ({"x": A}, {}, {}, {"x": A}),  # a first failure of a new kind
        ({"x": A}, {"x": A}, {}, {}),  # told with the previous run (its cause was new then)
        ({"x": A, "y": A}, {"x": A}, {}, {}),  # y: a first failure of a known kind, left to the retry
        ({"x": A, "y": A}, {"x": A, "y": A}, {"x": A}, {"y": A}),  # y: second run in a row, not told yet
        ({"x": A, "y": A}, {"x": A, "y": A}, {"x": A, "y": A}, {}),  # third run in a row: told already
        ({"x": B}, {"x": A}, {"x": A}, {"x": B}),  # x fails for a new reason
        ({"x": A}, {"y": A}, {"y": A}, {}),  # a known kind, x's first failure
        ({}, {"x": A}, {}, {}),  # nothing fails: nothing to tell
    ],
)
def test_which_failures_are_news(current, previous, before, news):
    def keyed(failures):
        return {("to_netsuite", record): reason for record, reason in failures.items()}

    assert failures_to_report(keyed(current), keyed(previous), keyed(before)) == keyed(news)
