""" "Connect a <app> account" in the admin: the OAuth 2.0 web-server flow, for every app that signs in.

Start: the person names the account (and, for demos and tests, a sandbox base
URL); we remember a random ``state`` in their session and send them to the
app's consent page (:attr:`OAuthConnect.authorization_url`). Callback: the
``state`` must match; the app's :attr:`OAuthConnect.finish` trades the code
for tokens and says which account granted them; the tokens are stored
encrypted; that account's id (an email) becomes the account id.

Another page (the connection wizard) may start the flow with ``?next=<a
local URL>``: after a successful sign-in the browser returns there, with
``<slug>_account=<pk>`` added to its query string; after a failure it comes
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
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from changelog.actor import acting_as

from .choices import AccountStatus
from .models import ConnectedAccount
from .providers.errors import ProviderError
from .providers.registry import ProviderInfo, oauth_providers
from .validators import validate_api_base_url


def session_key(info: ProviderInfo) -> str:
    """Where the pending sign-in waits in the session (``<slug>_oauth_pending``)."""
    return f"{info.oauth.slug}_oauth_pending"


def connect_url_name(info: ProviderInfo) -> str:
    return f"connections_{info.oauth.slug}_connect"


def callback_url_name(info: ProviderInfo) -> str:
    return f"connections_{info.oauth.slug}_callback"


def return_parameter(info: ProviderInfo) -> str:
    """The query parameter the page that started the sign-in gets the new account's pk in."""
    return f"{info.oauth.slug}_account"


def connect_form(info: ProviderInfo) -> type[forms.Form]:
    """The start form: a label, and an API base URL override (for sandboxes)."""

    class ConnectForm(forms.Form):
        label = forms.CharField(
            max_length=200, required=False, help_text="A name ops staff recognise; defaults to the account's email."
        )
        api_base_url = forms.URLField(
            label="API base URL override",
            required=False,
            assume_scheme="https",
            validators=[validate_api_base_url],
            help_text=info.oauth.base_url_help,
        )

    return ConnectForm


def safe_next(request, value: str | None) -> str:
    """``value`` if it is a local URL of this site (never an open redirect), else ""."""
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return ""


def _connect_url(info: ProviderInfo, next_url: str = "") -> str:
    url = reverse(f"admin:{connect_url_name(info)}")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _callback_url(info: ProviderInfo, request) -> str:
    return request.build_absolute_uri(reverse(f"admin:{callback_url_name(info)}"))


def connect_view(info: ProviderInfo, model_admin, request):
    """Show the form, then redirect to the app's consent page."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    oauth = info.oauth
    client_id, client_secret = oauth.client()
    form = connect_form(info)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not (client_id and client_secret):
            form.add_error(None, f"{' and '.join(oauth.client_settings)} are not set; see the README.")
        else:
            state = secrets.token_urlsafe(24)
            request.session[session_key(info)] = {
                "state": state,
                "label": form.cleaned_data["label"],
                "api_base_url": form.cleaned_data["api_base_url"],
                "next": safe_next(request, request.GET.get("next")),
            }
            base_url = form.cleaned_data["api_base_url"] or None
            return HttpResponseRedirect(
                oauth.authorization_url(base_url, client_id, _callback_url(info, request), state)
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Connect a {oauth.brand} account",
        "brand": oauth.brand,
        "slug": oauth.slug,
        "form": form,
        "opts": model_admin.model._meta,
        "callback_url": _callback_url(info, request),
    }
    return TemplateResponse(request, oauth.template, context)


def callback_view(info: ProviderInfo, model_admin, request):
    """Check ``state``, finish the sign-in, store the account with its tokens encrypted."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    oauth = info.oauth
    pending = request.session.pop(session_key(info), None)
    next_url = safe_next(request, (pending or {}).get("next"))
    connect_url = _connect_url(info, next_url)
    if not pending or not secrets.compare_digest(pending["state"], request.GET.get("state", "")):
        messages.error(
            request, f"The {oauth.brand} sign-in did not match this session (state mismatch); please start again."
        )
        return HttpResponseRedirect(connect_url)
    if request.GET.get("error"):
        messages.error(request, f"{oauth.brand} did not grant access ({request.GET['error']}).")
        return HttpResponseRedirect(connect_url)
    client_id, client_secret = oauth.client()
    try:
        grant = oauth.finish(
            pending["api_base_url"] or None,
            client_id,
            client_secret,
            request.GET.get("code", ""),
            _callback_url(info, request),
        )
    except ProviderError as exc:
        messages.error(request, f"Connecting the {oauth.brand} account failed: {exc}")
        return HttpResponseRedirect(connect_url)
    email = grant.account_id
    if not email:
        messages.error(request, f"{oauth.brand} did not tell which account was connected (no email); please try again.")
        return HttpResponseRedirect(connect_url)
    # Nothing is written before the account validates: a refused callback leaves no half-made row.
    account = ConnectedAccount.objects.filter(provider=info.key, account_id__iexact=email).first()
    created = account is None
    if created:
        account = ConnectedAccount(
            provider=info.key, account_id=email, label=pending["label"] or email, created_by=request.user
        )
    account.api_base_url = pending["api_base_url"]
    account.set_credentials(grant.credentials)
    account.updated_by = request.user
    try:
        account.full_clean()
    except ValidationError as exc:
        messages.error(request, f"The account could not be saved: {'; '.join(exc.messages)}")
        return HttpResponseRedirect(connect_url)
    # Started from the connection wizard (it alone passes ``next``): the change history says so.
    with acting_as(request.user, via="wizard" if next_url else "admin"):
        account.save()
    account.mark_status(AccountStatus.VERIFIED, f"Connected through {oauth.brand} sign-in.")
    verb = "connected" if created else "re-authorized"
    messages.success(request, f"{oauth.brand} account {email} {verb}.")
    if next_url:
        separator = "&" if "?" in next_url else "?"
        return HttpResponseRedirect(f"{next_url}{separator}{urlencode({return_parameter(info): account.pk})}")
    return HttpResponseRedirect(reverse("admin:connections_connectedaccount_change", args=[account.pk]))


def sign_in_urls(model_admin) -> list:
    """The connect and callback URLs of every app that signs in with OAuth, for the accounts admin."""
    urls = []
    for info in oauth_providers():
        urls += [
            path(
                f"{info.oauth.slug}/connect/",
                model_admin.admin_site.admin_view(lambda request, info=info: connect_view(info, model_admin, request)),
                name=connect_url_name(info),
            ),
            path(
                f"{info.oauth.slug}/callback/",
                model_admin.admin_site.admin_view(lambda request, info=info: callback_view(info, model_admin, request)),
                name=callback_url_name(info),
            ),
        ]
    return urls


def sign_ins(next_url: str = "") -> list[dict[str, str]]:
    """``[{slug, brand, url}]`` of every app that signs in, for the accounts list's buttons; with
    ``next_url`` (a page of ours, e.g. the wizard's app step) the browser returns there afterwards."""
    return [
        {"slug": info.oauth.slug, "brand": info.oauth.brand, "url": _connect_url(info, next_url)}
        for info in oauth_providers()
    ]


def returned_account(query) -> str:
    """The pk of the account a sign-in just connected, from the query string of the page it returned
    to (``<slug>_account=<pk>``), or ""."""
    for info in oauth_providers():
        value = query.get(return_parameter(info), "")
        if value:
            return value
    return ""
