"""Only users who may add connections (administrators) use the wizard; operators get 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import wizard_url

STEPS = ("netsuite", "subsidiary", "contact-type", "app", "review", "preview", "start")


def test_operator_gets_403_on_every_wizard_page(client, operator_user):
    client.force_login(operator_user)
    assert client.get(wizard_url()).status_code == 403
    for step in STEPS:
        assert client.get(wizard_url(step)).status_code == 403, step
        assert client.post(wizard_url(step), {"action": "authorize"}).status_code == 403, step
    assert client.post(reverse("admin:connections_connection_wizard_cancel")).status_code == 403


def test_operator_sees_no_wizard_button_and_administrator_does(client, operator_user, administrator_user):
    changelist = reverse("admin:connections_connection_changelist")
    client.force_login(operator_user)
    page = client.get(changelist).content.decode()
    assert "connection-wizard-link" not in page
    client.force_login(administrator_user)
    page = client.get(changelist).content.decode()
    assert "New connection (wizard)" in page and wizard_url() in page


def test_anonymous_is_sent_to_the_login_page(client, db):
    response = client.get(wizard_url("netsuite"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("step", ["review", "preview", "app"])
def test_a_later_step_sends_back_to_the_first_open_one(client, administrator_user, step):
    client.force_login(administrator_user)
    response = client.get(wizard_url(step), follow=True)
    assert response.redirect_chain[-1][0] == wizard_url("netsuite")
    assert "First complete step 1: NetSuite account." in response.content.decode()


def test_unknown_step_is_404(client, administrator_user):
    client.force_login(administrator_user)
    assert client.get(wizard_url("nonsense")).status_code == 404


def test_start_resumes_at_the_first_step(client, administrator_user):
    client.force_login(administrator_user)
    response = client.get(wizard_url())
    assert response.status_code == 302 and response["Location"] == wizard_url("netsuite")
