"""The wizard's name step: the suggested name is one no connection bears, and a taken name is refused under
the name field (connection names are unique)."""

from __future__ import annotations

from connections.models import Connection

from .conftest import walk_to_review, wizard_url


def _taken(chosen: dict, name: str) -> Connection:
    return Connection.objects.create(
        name=name,
        netsuite_account_id=chosen["netsuite"],
        subsidiary_id=chosen["subsidiary"],
        contact_type="contacts",
        app_account_id=chosen["google"],
    )


def test_the_suggested_name_is_numbered_when_another_connection_bears_it(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    chosen = walk_to_review(client, sandboxes)
    suggested = client.get(wizard_url("review")).context["form"].initial["name"]
    _taken(chosen, suggested)

    page = client.get(wizard_url("review"))

    assert page.context["form"].initial["name"] == f"{suggested} (2)"
    response = client.post(wizard_url("review"), {"r-name": f"{suggested} (2)", "r-interval_minutes": "15"})
    assert response.status_code == 302 and response["Location"] == wizard_url("preview")


def test_a_taken_name_is_refused_under_the_name_field_and_nothing_is_made(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    chosen = walk_to_review(client, sandboxes)
    _taken(chosen, "Sales ⇄ Google")

    page = client.post(wizard_url("review"), {"r-name": "SALES ⇄ google", "r-interval_minutes": "15"})

    assert page.status_code == 200
    errors = page.context["form"].errors
    assert list(errors) == ["name"], errors
    assert "Another connection is already called “SALES ⇄ google”" in errors["name"][0]
    assert Connection.objects.count() == 1
