"""The connections' status block on the admin index (``{% connections_overview %}``)."""

from __future__ import annotations

from django import template
from django.contrib import admin
from django.urls import reverse

from connections.models import Connection

register = template.Library()

# The index is not a list page: a long tail of connections is one click away, on the list.
OVERVIEW_LIMIT = 25


@register.inclusion_tag("ops/index_connections.html", takes_context=True)
def connections_overview(context) -> dict:
    """Each connection with the list's status, failing count and last run, linking to it.

    It reuses the connections list's annotated queryset and columns, so the index and the list
    never disagree about a connection's status, in a fixed number of queries.
    """
    request = context.get("request")
    model_admin = admin.site._registry.get(Connection)
    if request is None or model_admin is None or not model_admin.has_view_permission(request):
        return {"visible": False}
    connections = list(model_admin.get_queryset(request).order_by("name")[: OVERVIEW_LIMIT + 1])
    rows = [
        {
            "name": connection.name,
            "url": reverse("admin:connections_connection_change", args=[connection.pk]),
            "status": model_admin.sync_status(connection),
            "failing": model_admin.failing_records(connection),
            "last_run_at": connection.last_run_at,
        }
        for connection in connections[:OVERVIEW_LIMIT]
    ]
    return {
        "visible": True,
        "rows": rows,
        "more": len(connections) > OVERVIEW_LIMIT,
        "list_url": reverse("admin:connections_connection_changelist"),
        "wizard_url": reverse("admin:connections_connection_wizard"),
        "can_add": request.user.has_perm("connections.add_connection"),
    }
