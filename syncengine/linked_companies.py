"""The company connection's links of a chunk's companies, for translating a contact's company between the two
sides (:mod:`syncengine.pipeline.company_refs`): one query per chunk."""

from __future__ import annotations

from django.db.models import Q

from . import codec
from .choices import LinkState
from .models import RecordLink
from .names import display_name
from .pipeline.company_refs import CompanyIds


def load_company_ids(company_connection_id: int, netsuite_ids: set[str], app_ids: set[str]) -> CompanyIds:
    """The linked companies of ``company_connection_id`` among these NetSuite and app ids (one query)."""
    ids = CompanyIds()
    if not netsuite_ids and not app_ids:
        return ids
    links = RecordLink.objects.filter(connection_id=company_connection_id, state=LinkState.LINKED).filter(
        Q(netsuite_id__in=netsuite_ids) | Q(app_id__in=app_ids)
    )
    for netsuite_id, app_id, snapshot in links.values_list("netsuite_id", "app_id", "netsuite_snapshot"):
        if netsuite_id and app_id:
            ids.netsuite_of[app_id] = netsuite_id
            ids.app_of[netsuite_id] = app_id
            ids.netsuite_names[netsuite_id] = display_name(codec.decode_values(snapshot or {}))
    return ids
