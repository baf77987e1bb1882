"""The wizard's pages: one view per step, all behind ``connections.add_connection``.

Every step validates its form and says what is wrong in plain words; a step
opens only once the steps before it are done (otherwise the wizard sends
the person to the first open one). Choices live in the session
(:class:`~.state.WizardState`), ids only.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from changelog.actor import acting_as
from connections.admin import ADDED_ACCOUNT, typed_account_adds
from connections.models import ConnectedAccount, free_connection_name
from connections.oauth_connect import returned_account, sign_ins
from connections.object_choices import object_offer, offers_objects
from connections.providers.registry import PROVIDERS, app_object_type, company_object_choices, subscription_field
from connections.services import verify_account

from . import kept_secrets, setup
from .flow import (
    COMPANY_CUSTOMERS,
    SLUGS,
    STEPS,
    Choices,
    resolve,
    usable_subsidiaries,
    verified_app_accounts,
    verified_netsuite_accounts,
)
from .forms import (
    CREDENTIAL_NAMES,
    AuthorizeNetSuiteForm,
    ContactTypeForm,
    PickAccountForm,
    PickAppAccountForm,
    ReviewForm,
    SubsidiaryForm,
)
from .netsuite_auth import authorize_netsuite_account
from .overlaps import overlap_warnings
from .review import default_mapping_rows, default_rule_rows
from .state import WizardState

PERMISSION = "connections.add_connection"
TEMPLATES = "ops/wizard/"


def step_url(slug: str) -> str:
    return reverse("admin:connections_connection_wizard_step", args=[slug])


class WizardPage:
    """One request to the wizard: the admin, the state, its resolved choices, and helpers to answer."""

    def __init__(self, model_admin, request, slug: str, state: WizardState, choices: Choices):
        self.model_admin, self.request, self.slug = model_admin, request, slug
        self.state, self.choices = state, choices
        self.index = SLUGS.index(slug)

    @property
    def posted(self) -> bool:
        return self.request.method == "POST"

    @property
    def action(self) -> str:
        return self.request.POST.get("action", "")

    def go(self, slug: str) -> HttpResponseRedirect:
        self.state.save(self.request)
        return HttpResponseRedirect(step_url(slug))

    def steps(self) -> list[dict]:
        done = self.choices.done()
        return [
            {
                "number": i + 1,
                "title": step.title,
                "url": step_url(step.slug) if self.choices.can_open(i) and step.slug != "start" else "",
                "current": i == self.index,
                "done": done[i],
            }
            for i, step in enumerate(STEPS)
        ]

    def render(self, template: str, **context) -> TemplateResponse:
        self.state.save(self.request)
        step = STEPS[self.index]
        admin_site = self.model_admin.admin_site
        context = {
            **admin_site.each_context(self.request),
            "opts": self.model_admin.model._meta,
            "title": f"New connection — step {self.index + 1} of {len(STEPS)}: {step.title}",
            "step": step,
            "steps": self.steps(),
            "choices": self.choices,
            "back_url": step_url(STEPS[self.index - 1].slug) if self.index else "",
            "cancel_url": reverse("admin:connections_connection_wizard_cancel"),
            **context,
        }
        return TemplateResponse(self.request, TEMPLATES + template, context)


# --- step 1: the NetSuite account ---------------------------------------------------------------
def netsuite_step(page: WizardPage):
    accounts = verified_netsuite_accounts()
    pick = PickAccountForm(prefix="pick", queryset=accounts, initial={"account": page.choices.netsuite_account})
    new = AuthorizeNetSuiteForm(prefix="new", kept=kept_secrets.kept(page.request))
    refusal = None
    if page.posted and page.action == "pick":
        pick = PickAccountForm(page.request.POST, prefix="pick", queryset=accounts)
        if pick.is_valid():
            kept_secrets.forget(page.request)
            return _use_netsuite_account(page, pick.cleaned_data["account"])
    elif page.posted and page.action == "authorize":
        new = AuthorizeNetSuiteForm(page.request.POST, prefix="new", kept=kept_secrets.kept(page.request))
        if new.is_valid():
            result = authorize_netsuite_account(new.cleaned_data, page.request.user)
            if result.account is not None:
                kept_secrets.forget(page.request)
                messages.success(page.request, f"{result.account.label}: {result.message}")
                return _use_netsuite_account(page, result.account)
            kept_secrets.keep(page.request, new.typed_credentials())
            refusal = refusal_of(result.message)
            new = AuthorizeNetSuiteForm(page.request.POST, prefix="new", kept=kept_secrets.kept(page.request))
        else:
            # Keep what was typed of the secrets, so a wrong Account ID does not cost four secrets.
            kept_secrets.keep(
                page.request, {**kept_secrets.kept(page.request), **_typed_secrets(page.request.POST, new.prefix)}
            )
            new = AuthorizeNetSuiteForm(page.request.POST, prefix="new", kept=kept_secrets.kept(page.request))
    return page.render(
        "netsuite.html",
        pick=pick,
        new=new,
        refusal=refusal,
        check_timeout=settings.WIZARD_CHECK_TIMEOUT_SECONDS,
        has_accounts=accounts.exists(),
        overlaps=overlap_warnings(accounts, exclude=page.choices.connection),
    )


def refusal_of(message: str) -> dict:
    """A refusal as a short headline and its causes as a list (one sentence of the API's message each)."""
    causes = [part.strip() for part in re.split(r"(?<=[.!?])\s+(?=[A-Z“(])", message) if part.strip()]
    return {"headline": "The account was not saved.", "causes": causes}


def _typed_secrets(post, prefix: str) -> dict[str, str]:
    return {name: (post.get(f"{prefix}-{name}") or "").strip() for name in CREDENTIAL_NAMES}


def _use_netsuite_account(page: WizardPage, account) -> HttpResponseRedirect:
    if page.state.netsuite_account_id != account.pk:
        page.state.netsuite_account_id, page.state.subsidiary_id = account.pk, None
    return page.go("subsidiary")


# --- step 2: the subsidiary -------------------------------------------------------------------------
def subsidiary_step(page: WizardPage):
    account = page.choices.netsuite_account
    if page.posted and page.action == "refresh":
        result = verify_account(account)
        messages.add_message(page.request, messages.SUCCESS if result.ok else messages.ERROR, result.message)
        return page.go("subsidiary")
    usable = usable_subsidiaries(account)
    form = SubsidiaryForm(prefix="s", queryset=usable, initial={"subsidiary": page.choices.subsidiary})
    if page.posted:
        form = SubsidiaryForm(page.request.POST, prefix="s", queryset=usable)
        if form.is_valid():
            page.state.subsidiary_id = form.cleaned_data["subsidiary"].pk
            return page.go("contact-type")
    left_out = account.subsidiaries.exclude(pk__in=usable.values("pk")).order_by("name")
    return page.render("subsidiary.html", form=form, account=account, has_usable=usable.exists(), left_out=left_out)


# --- step 3: the contact type -----------------------------------------------------------------------
def contact_type_step(page: WizardPage):
    form = ContactTypeForm(prefix="c", initial={"contact_type": page.choices.contact_type})
    if page.posted:
        form = ContactTypeForm(page.request.POST, prefix="c")
        if form.is_valid():
            page.state.contact_type = form.cleaned_data["contact_type"]
            return page.go("app")
    return page.render("contact_type.html", form=form)


# --- step 4: the other app's account ----------------------------------------------------------------
def company_objects() -> list[tuple[str, str]]:
    """The apps' company objects a Company Customers connection can sync with, as (object type, label)."""
    return [(object_type, f"the app's {label}") for object_type, label in company_object_choices()]


def _posted_account(accounts, post) -> ConnectedAccount | None:
    """The account the form names, if it is one of ``accounts`` (the form says so otherwise)."""
    value = post.get("app-account", "")
    return accounts.filter(pk=int(value)).first() if value.isdigit() else None


def app_step(page: WizardPage):
    accounts = verified_app_accounts()
    initial = page.choices.app_account
    # Set by an app's sign-in, or by the account form of an app with typed credentials, when it returns here.
    returned = returned_account(page.request.GET) or page.request.GET.get(ADDED_ACCOUNT, "")
    just_connected = accounts.filter(pk=int(returned)).first() if returned.isdigit() else None
    if just_connected is not None:
        initial = just_connected
    objects = company_objects() if page.choices.contact_type == COMPANY_CUSTOMERS else []
    chosen_object = page.choices.app_object_type if initial == page.choices.app_account else ""
    subject = _posted_account(accounts, page.request.POST) if page.posted else initial
    # An app whose connection names one of the account's containers: the app lists them now (a problem
    # is said on the page; the account stays chosen).
    offer = object_offer(subject) if offers_objects(subject) else None
    form = PickAppAccountForm(
        prefix="app",
        queryset=accounts,
        company_objects=objects,
        offer=offer,
        initial={"account": initial, "app_object": chosen_object},
    )
    shown_for = page.request.POST.get("app-object_for", "")
    if page.posted and offer is not None and shown_for != str(subject.pk):
        # The containers were not on the page for this account yet: show them, and ask (no error yet).
        kept = page.choices.app_object_type if subject == page.choices.app_account else ""
        form = PickAppAccountForm(
            prefix="app", queryset=accounts, offer=offer, initial={"account": subject, "app_object": kept}
        )
    elif page.posted:
        form = PickAppAccountForm(
            page.request.POST, prefix="app", queryset=accounts, company_objects=objects, offer=offer
        )
        if form.is_valid():
            page.state.app_account_id = form.cleaned_data["account"].pk
            page.state.app_object_type = form.cleaned_data.get("app_object") or ""
            page.state.app_object_name = offer.name_of(page.state.app_object_type) if offer else ""
            return page.go("review")
    sign_in_buttons = sign_ins(next_url=step_url("app"))
    typed_adds = typed_account_adds(next_url=step_url("app"))
    brands = [sign_in["brand"] for sign_in in sign_in_buttons] + [typed["label"] for typed in typed_adds]
    return page.render(
        "app.html",
        form=form,
        has_accounts=accounts.exists(),
        sign_ins=sign_in_buttons,
        typed_adds=typed_adds,
        app_brand=" or ".join([", ".join(brands[:-1]), brands[-1]] if len(brands) > 2 else brands) or "app",
        just_connected=just_connected,
        object_problem=offer.problem if offer is not None and not form.is_bound else "",
        overlaps=overlap_warnings(accounts, exclude=page.choices.connection),
    )


# --- step 5: review, and make the (paused) connection with its dry run ------------------------------
def _default_name(choices: Choices) -> str:
    """The suggested name, numbered (" (2)"…) when another connection bears it: names are unique."""
    app = choices.app_account.label
    if choices.object_label:  # the container the connection syncs, by its name: "Newsletter (Ops account)"
        app = f"{choices.object_label} ({app})"
    elif choices.app_object_type:
        app = f"{app} {choices.app_account.provider_info.object_type_label(choices.app_object_type)}"
    base = f"{choices.subsidiary.name} {choices.contact_type_label} ⇄ {app}"
    return free_connection_name(base, exclude_pk=choices.connection.pk if choices.connection else None)


def review_step(page: WizardPage):
    choices, state = page.choices, page.state
    provider = choices.app_account.provider
    keeps_status = subscription_field(provider, choices.app_object_type or app_object_type(provider)) is not None
    confirms = PROVIDERS[provider].capabilities.double_opt_in  # the app can add new people as pending
    form = ReviewForm(
        prefix="r",
        subscriptions=keeps_status,
        double_opt_in=confirms,
        initial={
            "name": state.name or _default_name(choices),
            "interval_minutes": state.interval_minutes or 15,
            "subscription_sync": state.subscription_sync,
            "double_opt_in": state.double_opt_in,
        },
    )
    if page.posted:
        form = ReviewForm(page.request.POST, prefix="r", subscriptions=keeps_status, double_opt_in=confirms)
        if form.is_valid():
            state.name, state.interval_minutes = form.cleaned_data["name"], form.cleaned_data["interval_minutes"]
            state.subscription_sync = form.cleaned_data.get("subscription_sync") or "off"
            state.double_opt_in = bool(form.cleaned_data.get("double_opt_in"))
            try:
                connection = setup.save_draft(state, choices, state.name, state.interval_minutes, page.request.user)
            except ValidationError as exc:
                errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
                for field, field_errors in errors.items():
                    # A name another connection bears is said under the name field; the rest above the form.
                    form.add_error("name" if field == "name" else None, field_errors)
            else:
                state.dry_run_id = setup.dry_run(connection).pk
                return page.go("preview")
    app_provider = choices.app_account.provider
    return page.render(
        "review.html",
        form=form,
        app_label=PROVIDERS[app_provider].label,
        object_choice_label=choices.object_label and PROVIDERS[app_provider].object_choice.label,
        mapping_rows=default_mapping_rows(app_provider, choices.contact_type, choices.app_object_type),
        rule_rows=default_rule_rows(app_provider, choices.contact_type, choices.app_object_type),
        overlaps=overlap_warnings([choices.netsuite_account, choices.app_account], exclude=choices.connection),
    )


# --- step 6: the dry-run preview ----------------------------------------------------------------
def _counted(count: int, object_type: str) -> str:
    """``"1 company"``, ``"4 companies"``, ``"2 contacts"``: a count of an app's records of ``object_type``."""
    if count != 1:
        return f"{count} {object_type}"
    return f"1 {object_type[:-3]}y" if object_type.endswith("ies") else f"1 {object_type.removesuffix('s')}"


def preview_step(page: WizardPage):
    connection, run = page.choices.connection, page.choices.dry_run
    if page.posted and page.action == "rerun":
        page.state.dry_run_id = setup.dry_run(connection).pk
        messages.success(page.request, "The dry run ran again.")
        return page.go("preview")
    app_label = PROVIDERS[connection.app_account.provider].label
    read = run.counters.get("read") or {}
    read_app = _counted(read.get("app", 0), connection.app_object)
    if page.choices.object_label:  # the records of one container: "12 records of the list “Newsletter”"
        noun = connection.app_account.provider_info.object_choice.label.lower()
        read_app = f"{_counted(read.get('app', 0), 'records')} of the {noun} “{page.choices.object_label}”"
    return page.render(
        "preview.html",
        connection=connection,
        run=run,
        app_label=app_label,
        columns=[name for name, _ in setup.COLUMNS],
        rows=setup.summary_rows(run, app_label),
        all_outcomes_url=setup.outcomes_url(run),
        read_netsuite=read.get("netsuite", 0),
        read_app=read_app,
        run_failed=run.status in ("failed", "skipped"),
        start_url=step_url("start"),
    )


# --- step 7: start --------------------------------------------------------------------------------------
def start_step(page: WizardPage):
    if not page.posted:
        return page.go("preview")
    connection = page.choices.connection
    run, created = setup.start(connection)
    WizardState.clear(page.request)
    verb = "queued" if created else "already " + run.get_status_display().lower()
    messages.success(
        page.request,
        f"Connection “{connection.name}” started: its first sync (run {run.pk}) is {verb}; "
        f"after that it runs every {connection.interval_minutes} minutes.",
    )
    return HttpResponseRedirect(reverse("admin:connections_connection_change", args=[connection.pk]))


HANDLERS = {
    "netsuite": netsuite_step,
    "subsidiary": subsidiary_step,
    "contact-type": contact_type_step,
    "app": app_step,
    "review": review_step,
    "preview": preview_step,
    "start": start_step,
}


def _check_permission(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def wizard_view(model_admin, request, step: str | None = None):
    """Dispatch to a step (or, without one, resume at the first open step)."""
    _check_permission(request)
    if step is not None and step not in HANDLERS:
        raise Http404("No such step of the connection wizard.")
    state = WizardState.load(request)
    choices = resolve(state)
    for problem in choices.problems:
        messages.error(request, problem)
    first_open = choices.first_open_step()
    if step is None:
        state.save(request)
        return HttpResponseRedirect(step_url(SLUGS[first_open]))
    index = SLUGS.index(step)
    if not choices.can_open(index):
        state.save(request)
        messages.warning(request, f"First complete step {first_open + 1}: {STEPS[first_open].title}.")
        return HttpResponseRedirect(step_url(SLUGS[first_open]))
    with acting_as(request.user, via="wizard"):  # the change history says the wizard made it
        return HANDLERS[step](WizardPage(model_admin, request, step, state, choices))


def cancel_view(model_admin, request):
    """Forget the wizard's choices, and delete its connection if it never started."""
    _check_permission(request)
    state = WizardState.load(request)
    choices = resolve(state)
    with acting_as(request.user, via="wizard"):
        discarded = choices.connection is not None and setup.discard(choices.connection)
    if discarded:
        messages.info(request, f"The connection “{choices.connection.name}” was not started and has been removed.")
    WizardState.clear(request)
    kept_secrets.forget(request)
    messages.info(request, "The connection wizard was cancelled.")
    return HttpResponseRedirect(reverse("admin:connections_connection_changelist"))
