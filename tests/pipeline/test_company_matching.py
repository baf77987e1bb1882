"""The pure company matching: a company's keys (domain from the website or a business email, normalised
name) and the stage-by-stage pairing, where an ambiguous match is a duplicate and never a guess."""

from __future__ import annotations

import pytest

from syncengine.choices import Outcome
from syncengine.pipeline.company_keys import domain_key, name_key
from syncengine.pipeline.company_pairing import DOMAIN, NAME, Stage, pair_company
from syncengine.pipeline.exclusions import Candidate


@pytest.mark.parametrize(
    ("website", "email", "expected"),
    [
        ("https://www.Acme.com/about?x=1", "", "acme.com"),
        ("acme.com", "", "acme.com"),
        ("http://shop.acme.co.uk:8080", "", "shop.acme.co.uk"),
        ("", "Ops@Globex.com ", "globex.com"),
        ("", "someone@gmail.com", ""),  # free mail says nothing about a company
        ("not a url", "info@initech.com", "initech.com"),  # no host in the website: the email's
        ("", "no-at-sign", ""),
        ("", "", ""),
    ],
)
def test_a_companys_domain_comes_from_its_website_else_a_business_email(website, email, expected):
    assert domain_key(website, email) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ACME, Inc.", "acme"),
        ("Acme Inc", "acme"),
        ("Société Générale S.A.", "societe generale s a"),
        ("Globex Corporation", "globex"),
        ("Marks & Spencer plc", "marks and spencer"),
        ("  The   Limited ", "the"),
        ("Ltd", "ltd"),  # a name that is only a legal form keeps it
        ("", ""),
    ],
)
def test_a_company_name_is_normalised_without_case_punctuation_accents_or_legal_form(name, expected):
    assert name_key(name) == expected


def free(*ids: str) -> list[Candidate]:
    return [Candidate(i) for i in ids]


def linked(*ids: str) -> list[Candidate]:
    return [Candidate(i, linked=True) for i in ids]


@pytest.mark.parametrize(
    ("stages", "expected_other", "expected_outcome", "words"),
    [
        # The domain decides first.
        (
            [Stage(DOMAIN, "acme.com", free("1"), free("h1")), Stage(NAME, "acme", free("1"), free("h2"))],
            "h1",
            None,
            "",
        ),
        # No company with the domain on the other side: the name decides.
        ([Stage(DOMAIN, "acme.com", free("1"), ()), Stage(NAME, "acme", free("1"), free("h2"))], "h2", None, ""),
        # The only one with the domain is linked to another: the name is tried next.
        ([Stage(DOMAIN, "acme.com", free("1"), linked("h1")), Stage(NAME, "acme", free("1"), ())], None, None, ""),
        # Two on the other side: ambiguous, never the older one.
        ([Stage(NAME, "acme", free("1"), free("h1", "h2"))], None, Outcome.DUPLICATE, "2 HubSpot companies"),
        # One on the other side, but a rival on this side: ambiguous too.
        ([Stage(DOMAIN, "acme.com", free("1", "7"), free("h1"))], None, Outcome.DUPLICATE, "companies 1, 7"),
        # A linked rival on this side is no rival.
        ([Stage(DOMAIN, "acme.com", [*free("1"), *linked("7")], free("h1"))], "h1", None, ""),
        # No key at all.
        (
            [Stage(DOMAIN, "", free("1"), ()), Stage(NAME, "", free("1"), ())],
            None,
            Outcome.EXCLUDED_NO_MATCH_KEY,
            "domain or company name",
        ),
        # Nothing matches: created on the other side.
        ([Stage(DOMAIN, "acme.com", free("1"), ())], None, None, ""),
    ],
)
def test_companies_pair_stage_by_stage_and_an_ambiguous_match_is_a_duplicate(
    stages, expected_other, expected_outcome, words
):
    pairing = pair_company("1", stages, "NetSuite", "HubSpot")
    assert pairing.other_id == expected_other
    assert (pairing.excluded.outcome if pairing.excluded else None) == expected_outcome
    if words:
        assert words in pairing.excluded.message


def test_a_company_claimed_by_an_earlier_record_of_the_chunk_is_not_matched_again():
    stage = Stage(DOMAIN, "acme.com", free("1"), free("h1"))
    assert pair_company("1", [stage], "NetSuite", "HubSpot", claimed={"h1"}).other_id is None
