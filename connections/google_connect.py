""" "Connect a Google account" in the admin: the OAuth 2.0 web-server flow.

Start: the person names the account (and, for demos and tests, a sandbox base
URL); we remember a random ``state`` in their session and send them to
Google's consent page (contacts scope, offline access). Callback: the
``state`` must match; the code is exchanged for tokens; the refresh token is
stored encrypted; the Google account's email becomes the account id.

Another page (the connection wizard) may start the flow with ``?next=<a
local URL>``: after a successful sign-in the browser returns there, with
``google_account=<pk>`` added to its query string; after a failure it comes
back to the form, which still carries ``next``.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from changelog.actor import acting_as

from .choices import AccountStatus
from .clients import google_oauth_client
from .models import ConnectedAccount
from .providers.errors import ProviderError
from .providers.google_contacts import GoogleContactsClient
from .providers.google_contacts.oauth import GoogleOAuthEndpoints, authorization_url, exchange_code
from .providers.registry import GOOGLE_CONTACTS
from .validators import validate_api_base_url

SESSION_KEY = "google_oauth_pending"


class ConnectGoogleForm(forms.Form):
    label = forms.CharField(
        max_length=200, required=False, help_text="A name ops staff recognise; defaults to the account's email."
    )
    api_base_url = forms.URLField(
        label="API base URL override",
        required=False,
        assume_scheme="https",
        validators=[validate_api_base_url],
        help_text="Leave empty for the real Google. For the local sandbox: http://127.0.0.1:8802",
    )


def _safe_next(request, value: str | None) -> str:
    """``value`` if it is a local URL of this site (never an open redirect), else ""."""
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return ""


def _connect_url(next_url: str = "") -> str:
    url = reverse("admin:connections_google_connect")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _callback_url(request) -> str:
    return request.build_absolute_uri(reverse("admin:connections_google_callback"))


def connect_view(model_admin, request):
    """Show the form, then redirect to Google's consent page."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    client_id, client_secret = google_oauth_client()
    form = ConnectGoogleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not (client_id and client_secret):
            form.add_error(None, "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are not set; see the README.")
        else:
            state = secrets.token_urlsafe(24)
            request.session[SESSION_KEY] = {
                "state": state,
                "label": form.cleaned_data["label"],
                "api_base_url": form.cleaned_data["api_base_url"],
                "next": _safe_next(request, request.GET.get("next")),
            }
            endpoints = GoogleOAuthEndpoints.for_base_url(form.cleaned_data["api_base_url"] or None)
            return HttpResponseRedirect(authorization_url(endpoints, client_id, _callback_url(request), state))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Connect a Google account",
        "form": form,
        "opts": model_admin.model._meta,
        "callback_url": _callback_url(request),
    }
    return TemplateResponse(request, "admin/connections/connectedaccount/connect_google.html", context)


def _verify_grant(tokens: dict, client_id: str, client_secret: str, base_url: str | None) -> dict:
    """Ask Google which account granted ``tokens`` (and that its contacts can be read).

    The account is not stored yet, so a token refreshed during the check is
    kept in ``tokens`` (saved with the account) rather than written to a row.
    """
    client = GoogleContactsClient(
        "", tokens, client_id=client_id, client_secret=client_secret, base_url=base_url, token_updater=tokens.update
    )
    try:
        return client.verify()
    finally:
        client.close()


def callback_view(model_admin, request):
    """Check ``state``, exchange the code, store the account with its refresh token encrypted."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    pending = request.session.pop(SESSION_KEY, None)
    next_url = _safe_next(request, (pending or {}).get("next"))
    connect_url = _connect_url(next_url)
    if not pending or not secrets.compare_digest(pending["state"], request.GET.get("state", "")):
        messages.error(request, "The Google sign-in did not match this session (state mismatch); please start again.")
        return HttpResponseRedirect(connect_url)
    if request.GET.get("error"):
        messages.error(request, f"Google did not grant access ({request.GET['error']}).")
        return HttpResponseRedirect(connect_url)
    client_id, client_secret = google_oauth_client()
    endpoints = GoogleOAuthEndpoints.for_base_url(pending["api_base_url"] or None)
    try:
        tokens = exchange_code(endpoints, client_id, client_secret, request.GET.get("code", ""), _callback_url(request))
        facts = _verify_grant(tokens, client_id, client_secret, pending["api_base_url"] or None)
    except ProviderError as exc:
        messages.error(request, f"Connecting the Google account failed: {exc}")
        return HttpResponseRedirect(connect_url)
    email = facts.get("email") or ""
    if not email:
        messages.error(request, "Google did not tell which account was connected (no email); please try again.")
        return HttpResponseRedirect(connect_url)
    # Nothing is written before the account validates: a refused callback leaves no half-made row.
    account = ConnectedAccount.objects.filter(provider=GOOGLE_CONTACTS, account_id__iexact=email).first()
    created = account is None
    if created:
        account = ConnectedAccount(
            provider=GOOGLE_CONTACTS, account_id=email, label=pending["label"] or email, created_by=request.user
        )
    account.api_base_url = pending["api_base_url"]
    account.set_credentials(tokens)
    account.updated_by = request.user
    try:
        account.full_clean()
    except ValidationError as exc:
        messages.error(request, f"The account could not be saved: {'; '.join(exc.messages)}")
        return HttpResponseRedirect(connect_url)
    # Started from the connection wizard (it alone passes ``next``): the change history says so.
    with acting_as(request.user, via="wizard" if next_url else "admin"):
        account.save()
    account.mark_status(AccountStatus.VERIFIED, "Connected through Google sign-in.")
    verb = "connected" if created else "re-authorized"
    messages.success(request, f"Google account {email} {verb}.")
    if next_url:
        separator = "&" if "?" in next_url else "?"
        return HttpResponseRedirect(f"{next_url}{separator}{urlencode({'google_account': account.pk})}")
    return HttpResponseRedirect(reverse("admin:connections_connectedaccount_change", args=[account.pk]))
