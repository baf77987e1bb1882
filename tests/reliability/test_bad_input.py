"""Bad input from either side: each bad record gets a clear outcome of its own and the run goes on.

Unicode of every kind arrives unchanged; text longer than NetSuite holds is cut to NetSuite's limit with
a warning on the record's outcome; invalid emails and phone numbers fail their record with NetSuite's
own message; HTML and script are stored as text and escaped in the admin; an unknown select value is
reported and the rest of the record is written; a value of the wrong type from an API fails its
record only. The connections here have refreshed field catalogs (the admin's "Refresh field
catalogs"), so that the engine knows NetSuite's length limits and option lists.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from mappings.catalog_cache import refresh_catalog
from mappings.models import FieldMapping
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordLink, RecordOutcome

from ..engine.harness import make_connection, sync
from ..engine.helpers import g_by_email, g_person, ns_by_email, ns_person, seed, writes

pytestmark = pytest.mark.django_db

# Names as people write them: composed and decomposed accents, right-to-left scripts, CJK, emoji
# (a family emoji is five code points joined by zero-width joiners), letters outside the basic plane.
UNICODE_NAMES = [
    ("Zoë", "Brontë"),  # composed ë
    ("Zoe\u0308", "Bronte\u0308"),  # e + combining diaeresis
    ("محمد", "العربي"),  # Arabic, right to left
    ("שלום", "כהן"),  # Hebrew, right to left
    ("\u202eevil", "Override\u202c"),  # explicit bidi override characters
    ("山田", "太郎"),  # CJK
    ("김", "민준"),  # Hangul
    ("Ana 👩‍👩‍👧", "Rocket 🚀"),  # emoji with zero-width joiners
    ("𝒜𝓁𝒾𝒸ℯ", "𐐷𐑌"),  # mathematical script and Deseret (outside the basic plane)
    ("Nguyễn", "Thị Minh Khai"),  # Vietnamese, stacked diacritics
]
SCRIPT_NAME = "<script>alert(1)</script>"
HTML_NAME = '<b>Bold</b> & "quotes" <img src=x onerror=alert(2)>'


@pytest.fixture
def connection(sandboxes, settings):
    return make_connection(sandboxes, settings)


def refresh_catalogs(connection) -> None:
    """What "Refresh field catalogs" does: read both catalogs (after seeding: Google's custom fields are
    the userDefined keys its contacts hold)."""
    refresh_catalog(connection.netsuite_account, connection.contact_type)
    refresh_catalog(connection.app_account, "contacts")


def outcome_of(run, email: str, direction: str) -> RecordOutcome:
    return RecordOutcome.objects.get(run=run, email=email, direction=direction)


def test_unicode_of_every_kind_arrives_unchanged_both_ways(sandboxes, connection):
    seed(
        sandboxes,
        netsuite=[ns_person(first, last, f"ns{i}@example.com") for i, (first, last) in enumerate(UNICODE_NAMES)],
        google=[g_person(first, last, f"g{i}@example.com") for i, (first, last) in enumerate(UNICODE_NAMES)],
    )
    refresh_catalogs(connection)
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    in_google, in_netsuite = g_by_email(sandboxes), ns_by_email(sandboxes)
    for i, (first, last) in enumerate(UNICODE_NAMES):
        name = in_google[f"ns{i}@example.com"][0]["names"][0]
        assert (name["givenName"], name["familyName"]) == (first, last)
        record = in_netsuite[f"g{i}@example.com"][0]
        assert (record["firstName"], record["lastName"]) == (first, last)
    # Read back, every one of them is recognised as our own write: nothing is written again.
    sandboxes.clear_logs()
    again = sync(connection)
    assert again.status == RunStatus.SUCCEEDED
    assert writes(sandboxes.requests()["netsuite"]) == writes(sandboxes.requests()["google"]) == []


def test_text_longer_than_netsuite_holds_is_cut_with_a_warning_and_not_written_again(sandboxes, connection):
    seed(
        sandboxes,
        google=[
            g_person(
                "G" * 50,
                "Fits",
                "long@example.com",
                organizations=[{"title": "T" * 150}],
                biographies=[{"value": "N" * 1500}],
            ),
            g_person("Short", "Name", "short@example.com"),
        ],
    )
    refresh_catalogs(connection)
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    record = ns_by_email(sandboxes)["long@example.com"][0]
    # NetSuite's limits (the sandbox's, from the metadata catalog): first name 32, job title 99, comments 999.
    assert (record["firstName"], record["title"], record["comments"]) == ("G" * 32, "T" * 99, "N" * 999)
    outcome = outcome_of(run, "long@example.com", "to_netsuite")
    assert outcome.outcome == Outcome.CREATED
    for warning in (
        "First Name (firstName): cut from 50 to 32 characters to fit",
        "Job Title (title): cut from 150 to 99 characters to fit",
        "Comments (comments): cut from 1500 to 999 characters to fit",
    ):
        assert warning in outcome.message
    assert outcome_of(run, "short@example.com", "to_netsuite").message == ""
    # Google keeps its longer text; the cut copy coming back is an echo, not a change to write back.
    sandboxes.clear_logs()
    assert sync(connection).status == RunStatus.SUCCEEDED
    assert writes(sandboxes.requests()["netsuite"]) == writes(sandboxes.requests()["google"]) == []
    google = g_by_email(sandboxes)["long@example.com"][0]
    assert google["names"][0]["givenName"] == "G" * 50 and google["biographies"][0]["value"] == "N" * 1500


def test_text_longer_than_netsuite_holds_is_cut_also_before_the_catalogs_are_refreshed(sandboxes, settings):
    connection = make_connection(sandboxes, settings)  # the catalogs as a new connection has them
    seed(sandboxes, google=[g_person("G" * 50, "Fits", "long@example.com")])
    run = sync(connection)
    outcome = outcome_of(run, "long@example.com", "to_netsuite")
    assert (outcome.outcome, run.status) == (Outcome.CREATED, RunStatus.SUCCEEDED), outcome.message
    assert ns_by_email(sandboxes)["long@example.com"][0]["firstName"] == "G" * 32


def test_invalid_emails_and_phone_numbers_fail_their_own_record_with_netsuites_message(sandboxes, connection):
    seed(
        sandboxes,
        netsuite=[ns_person("Good", "Suite", "good@example.com")],
        google=[
            g_person("Bad", "Email", "not-an-email"),
            g_person("Two", "Ats", "two@@example.com"),
            g_person("Bad", "Phone", "phone@example.com", phoneNumbers=[{"value": "call me maybe", "type": "work"}]),
            g_person("Short", "Phone", "short@example.com", phoneNumbers=[{"value": "12345", "type": "mobile"}]),
            g_person("Good", "Google", "good@example.org", phoneNumbers=[{"value": "(415) 555-0100", "type": "work"}]),
        ],
    )
    refresh_catalogs(connection)
    run = sync(connection)
    assert run.status == RunStatus.PARTIALLY_FAILED
    assert run.error == "4 record(s) failed; they are retried on the next run."
    expected = {
        "not-an-email": "not-an-email is not a valid e-mail address.",
        "two@@example.com": "two@@example.com is not a valid e-mail address.",
        "phone@example.com": "Invalid Field Value call me maybe for the following field: phone",
        "short@example.com": "Phone number should have seven digits or more.",
    }
    for email, message in expected.items():
        outcome = outcome_of(run, email, "to_netsuite")
        assert outcome.outcome == Outcome.FAILED
        assert outcome.message.startswith("NetSuite refused the request") and message in outcome.message
    # The others went through, both ways.
    assert ns_by_email(sandboxes)["good@example.org"][0]["phone"] == "+14155550100"
    assert "good@example.com" in g_by_email(sandboxes)
    assert sorted(ns_by_email(sandboxes)) == ["good@example.com", "good@example.org"]


def test_html_and_script_in_names_are_stored_as_text_and_escaped_in_the_admin(sandboxes, connection, admin_client):
    seed(
        sandboxes,
        netsuite=[ns_person(SCRIPT_NAME, "Suite", "script@example.com")],
        google=[g_person(SCRIPT_NAME, HTML_NAME[:32], "html@example.com", organizations=[{"title": HTML_NAME}])],
    )
    refresh_catalogs(connection)
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert g_by_email(sandboxes)["script@example.com"][0]["names"][0]["givenName"] == SCRIPT_NAME
    record = ns_by_email(sandboxes)["html@example.com"][0]
    assert (record["firstName"], record["lastName"], record["title"]) == (SCRIPT_NAME, HTML_NAME[:32], HTML_NAME)

    link = RecordLink.objects.get(connection=connection, match_key="html@example.com")
    outcome = outcome_of(run, "html@example.com", "to_netsuite")
    pages = [
        reverse("admin:syncengine_recordoutcome_changelist") + f"?run__id__exact={run.pk}",
        reverse("admin:syncengine_recordoutcome_change", args=[outcome.pk]),
        reverse("admin:syncengine_recordlink_change", args=[link.pk]),
        reverse("admin:syncengine_recordlink_changelist") + f"?q={link.match_key}",
        reverse("admin:syncengine_syncrun_change", args=[run.pk]),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Bold" not in html, url
    diff_page = admin_client.get(pages[1]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in diff_page
    assert "&lt;img src=x onerror=alert(2)&gt;" in diff_page


def test_an_unknown_select_value_is_reported_and_the_rest_of_the_record_is_written(sandboxes, connection):
    seed(
        sandboxes,
        google=[
            g_person("Tier", "Unknown", "platinum@example.com", userDefined=[{"key": "tier", "value": "Platinum"}]),
            g_person("Tier", "Known", "gold@example.com", userDefined=[{"key": "tier", "value": "gold"}]),
        ],
    )
    refresh_catalogs(connection)
    FieldMapping.objects.create(
        connection=connection, netsuite_field="custentity_loyalty_tier", app_field="userDefined.tier", order=200
    )
    run = sync(connection)
    # The field failed: never a silent success (issue 14); the record is created without it and retried.
    assert run.status == RunStatus.PARTIALLY_FAILED, run.error
    unknown = outcome_of(run, "platinum@example.com", "to_netsuite")
    assert unknown.outcome == Outcome.FIELD_FAILED
    assert unknown.message.startswith("Created without: ")
    assert "'Platinum' is not one of the options of Loyalty Tier (custentity_loyalty_tier)" in unknown.message
    assert "custentity_loyalty_tier" not in unknown.diff
    in_netsuite = ns_by_email(sandboxes)
    assert in_netsuite["platinum@example.com"][0]["lastName"] == "Unknown"
    assert not in_netsuite["platinum@example.com"][0].get("custentity_loyalty_tier")
    assert in_netsuite["gold@example.com"][0]["custentity_loyalty_tier"]["refName"] == "Gold"


def test_a_value_of_the_wrong_type_from_netsuite_fails_that_record_only(sandboxes, connection):
    (good, odd), _ = seed(
        sandboxes,
        netsuite=[ns_person("Good", "Seats", "good@example.com"), ns_person("Odd", "Seats", "odd@example.com")],
    )
    # The sandbox validates what it is given, so the odd value goes straight into its table: an integer
    # custom field holding text, as an account whose field changed type after data was entered might.
    sandboxes.netsuite.store.db.execute("UPDATE t_customer SET custentity_seats = 'many' WHERE id = ?", (odd,))
    refresh_catalogs(connection)
    run = sync(connection)
    assert run.status == RunStatus.PARTIALLY_FAILED, run.error
    failed = RecordOutcome.objects.get(run=run, outcome=Outcome.FAILED)
    assert failed.netsuite_id == str(odd) and "custentity_seats" in failed.message
    assert sorted(g_by_email(sandboxes)) == ["good@example.com"]
