"""The standard NetSuite fields the product syncs, with their canonical ids and types.

Field ids are the REST (camelCase) names shared with mappings and rules; the
SuiteQL column is the same name in lower case. NetSuite's metadata catalog
describes far more fields, and cannot tell an email from a phone number (both
are plain strings), so this table is the authority for the type of a standard
field, and the catalog decides which of them this account and role expose.

``defaultAddress`` (the default entry of the addressBook sublist) is not in
this table: it is a sublist, not a SuiteQL column of customer or contact. The
catalog offers it when the record has an address book, and the client reads
and writes it through the address book tables and the sublist (:mod:`.addresses`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..fields import FieldType


@dataclass(frozen=True)
class StandardField:
    """One standard field: canonical id, default label, type, whether a sync may write it, and whether the
    client links it by name (:attr:`.fields.FieldSpec.linked_by_name`; see :mod:`.company_links`)."""

    id: str
    label: str
    type: FieldType
    writable: bool = True
    linked_by_name: bool = False

    @property
    def column(self) -> str:
        """The SuiteQL column: SuiteQL names are the REST names in lower case."""
        return self.id.lower()


STANDARD_FIELDS: dict[str, StandardField] = {
    f.id: f
    for f in (
        StandardField("salutation", "Mr./Ms...", FieldType.TEXT),
        StandardField("firstName", "First Name", FieldType.TEXT),
        StandardField("middleName", "Middle Name", FieldType.TEXT),
        StandardField("lastName", "Last Name", FieldType.TEXT),
        StandardField("companyName", "Company Name", FieldType.TEXT),
        StandardField("title", "Job Title", FieldType.TEXT),
        StandardField("email", "Email", FieldType.EMAIL),
        StandardField("altEmail", "Alt. Email", FieldType.EMAIL),
        StandardField("phone", "Phone", FieldType.PHONE),
        StandardField("altPhone", "Alt. Phone", FieldType.PHONE),
        StandardField("officePhone", "Office Phone", FieldType.PHONE),
        StandardField("mobilePhone", "Mobile Phone", FieldType.PHONE),
        StandardField("homePhone", "Home Phone", FieldType.PHONE),
        StandardField("fax", "Fax", FieldType.PHONE),
        StandardField("comments", "Comments", FieldType.LONG_TEXT),
        # A customer's website (customers only; UNCERTAIN: not in the reference, see the sandbox's note).
        StandardField("url", "Web Address", FieldType.URL),
        # Customers call it leadSource, contacts contactSource (reference, 4.1 and 4.2):
        # both are the "Initial Lead Source", a campaign.
        StandardField("leadSource", "Initial Lead Source", FieldType.REFERENCE),
        StandardField("contactSource", "Initial Lead Source", FieldType.REFERENCE),
        StandardField("partner", "Partner", FieldType.REFERENCE),
        StandardField("salesRep", "Sales Rep", FieldType.REFERENCE),
        StandardField("entityStatus", "Status", FieldType.REFERENCE),
        StandardField("category", "Category", FieldType.REFERENCE),
        # A contact's company: too many customers to list as options, linked by name when written.
        StandardField("company", "Company", FieldType.REFERENCE, linked_by_name=True),
        StandardField("globalSubscriptionStatus", "Global Subscription Status", FieldType.SELECT),
        StandardField("isInactive", "Inactive", FieldType.BOOLEAN),
        # Read-only for mapping purposes: the client sets subsidiary and
        # externalId itself on create, and NetSuite maintains the dates.
        StandardField("subsidiary", "Primary Subsidiary", FieldType.REFERENCE, writable=False),
        # The record's name in NetSuite's lists: derived from the names (or the company
        # name) unless auto-numbering is off; the sync reads it, and never renames a record.
        StandardField("entityId", "ID", FieldType.TEXT, writable=False),
        StandardField("externalId", "External ID", FieldType.TEXT, writable=False),
        StandardField("dateCreated", "Date Created", FieldType.DATETIME, writable=False),
        StandardField("lastModifiedDate", "Last Modified", FieldType.DATETIME, writable=False),
    )
}

READ_ONLY_FIELDS = frozenset(f.id for f in STANDARD_FIELDS.values() if not f.writable)

# Columns every record query selects, whatever the catalog says: the keyset
# and the change detection depend on them.
REQUIRED_FIELDS = ("externalId", "lastModifiedDate")
