"""The field-type compatibility table: which values may flow from one field type into another, and how.

This is the one place that decides it. :data:`COMPATIBILITY` holds, for each
(source type, target type) pair that may flow, the converter that turns the
value, and for the pairs refused for a reason worth telling, that reason;
every pair not in the table is refused with a generic reason
(:func:`rule_for`). :func:`allowed_directions` reads the table both ways for
a NetSuite field and an app field and says which mapping directions are
allowed and, in words, why the others are not; :func:`convert` converts one
value through it.

Decisions worth knowing (see the tests for the whole table):

- Same type: always allowed. Choices (selects, references, multi selects,
  groups) are matched by *name* when the target's options are known, since
  ids mean nothing across two apps; otherwise passed as they are.
- Text may be cut: any text written into a text or long-text field with a
  ``max_length`` is cut to fit, with a warning on the value. This is why
  long text → text is allowed (long text ⇄ text is two-way): refusing it
  would also have to refuse text → text between fields of different limits,
  e.g. Google's unlimited given name into NetSuite's first name. An email,
  phone number or URL too long for its target is a conversion error instead:
  a cut address is a wrong address.
- Text → select or reference is allowed only when the target's options are
  known (the text must be an option's name, any case; for a reference such
  as an employee, the referenced records' names): a name that matches no
  option, or several, fails that field with the reason. A reference its
  provider links by name (``FieldSpec.linked_by_name``: a NetSuite contact's
  company, among too many customers to list) takes the name as it is; the
  provider links the record of that name when it writes it, or leaves the
  reference unchanged with a warning. So company ⇄ organization is two-way.
- Several choices ⇄ text: every name, joined with ``"; "`` (a ``;`` inside a
  name is escaped as ``\\;``), so the text splits back into the same set.
  Into contact groups, a name with no group is created or refused by the
  connection's setting (see the runner), never dropped silently.
- Two-way needs both one-way directions, *and* neither of them may lose data
  structurally (``lossy``): a multi select → select keeps only the first
  value, so syncing both ways would erase the others on the way back.
- A read-only target closes that direction, whatever the types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from connections.providers.fields import FieldSpec, FieldType

from . import converters as c
from .choices import Direction
from .converters import DEFAULT_OPTIONS, ConversionOptions, ConversionResult, Converter, describe, is_empty

NETSUITE_LABEL = "NetSuite"

# How each type is named in a reason ("... is a phone number and ... is text").
TYPE_WORDS: Mapping[FieldType, str] = MappingProxyType(
    {
        FieldType.TEXT: "text",
        FieldType.LONG_TEXT: "long text",
        FieldType.EMAIL: "an email address",
        FieldType.PHONE: "a phone number",
        FieldType.URL: "a web address (URL)",
        FieldType.DATE: "a date",
        FieldType.DATETIME: "a date and time",
        FieldType.BOOLEAN: "a check box (yes/no)",
        FieldType.INTEGER: "a whole number",
        FieldType.DECIMAL: "a decimal number",
        FieldType.SELECT: "a choice from a list",
        FieldType.MULTI_SELECT: "a multiple choice",
        FieldType.REFERENCE: "a link to another record",
        FieldType.ADDRESS: "an address",
        FieldType.GROUPS: "a set of contact groups",
    }
)

# A condition on the two fields beyond their types: the reason the pair is refused, or None when it is met.
Requirement = Callable[[FieldSpec, FieldSpec], str | None]


@dataclass(frozen=True)
class Compatibility:
    """One entry of the table: may a value of type ``source`` flow into a field of type ``target``?

    Allowed entries carry the ``converter``; refused ones carry ``why``, a
    clause saying why ("free text is not guaranteed to be a number").
    ``requires`` is a further condition on the two fields (the target's
    options must be known); ``lossy`` marks a conversion that drops
    information by design, which keeps the pair out of two-way mappings;
    ``note`` is the caveat shown beside an allowed pair.
    """

    source: FieldType
    target: FieldType
    converter: Converter | None = None
    why: str = ""
    requires: Requirement | None = None
    lossy: bool = False
    note: str = ""

    @property
    def allowed(self) -> bool:
        """True when values of these types may flow this way (``requires`` aside)."""
        return self.converter is not None


class IncompatibleFields(ValueError):
    """A conversion was asked between two fields the compatibility table refuses."""


def _allow(
    source: FieldType,
    target: FieldType,
    converter: Converter,
    note: str = "",
    *,
    lossy: bool = False,
    requires: Requirement | None = None,
) -> Compatibility:
    return Compatibility(source, target, converter=converter, note=note, lossy=lossy, requires=requires)


def _refuse(source: FieldType, target: FieldType, why: str) -> Compatibility:
    return Compatibility(source, target, why=why)


def _target_options_known(source: FieldSpec, target: FieldSpec) -> str | None:
    """Text can become a choice only when there is a known list to match it against."""
    if target.options:
        return None
    return (
        f"the options of {describe(target)} are not known, so text cannot be matched to one of them"
        " (refresh the field catalogs)"
    )


def _referenced_names_known(source: FieldSpec, target: FieldSpec) -> str | None:
    """Text can pick a linked record only by its name among the referenced records' names, or when the
    target's provider links a name to its record itself (``linked_by_name``)."""
    if target.options or target.linked_by_name:
        return None
    return (
        "free text cannot safely pick which record to link to: the names of the records"
        f" {describe(target)} links to are not known (refresh the field catalogs; a record set too large to"
        " list cannot be picked by name)"
    )


T = FieldType
_TEXTS = (T.TEXT, T.LONG_TEXT)
_LISTS = (T.MULTI_SELECT, T.GROUPS)

_SAME_TYPE: Mapping[FieldType, tuple[Converter, str]] = {
    T.TEXT: (c.text_to_text, ""),
    T.LONG_TEXT: (c.text_to_text, ""),
    T.EMAIL: (c.email_to_email, "trimmed, stored as given"),
    T.PHONE: (c.phone_to_phone, "written in E.164 (+16502530000) when recognisable"),
    T.URL: (c.url_to_url, ""),
    T.DATE: (c.date_to_date, ""),
    T.DATETIME: (c.datetime_to_datetime, ""),
    T.BOOLEAN: (c.boolean_to_boolean, ""),
    T.INTEGER: (c.integer_to_integer, ""),
    T.DECIMAL: (c.decimal_to_decimal, ""),
    T.SELECT: (c.option_to_option, "choices are matched by name"),
    T.MULTI_SELECT: (c.options_to_options, "choices are matched by name"),
    T.REFERENCE: (c.option_to_option, "records are matched by name"),
    T.ADDRESS: (c.address_to_address, ""),
    T.GROUPS: (c.options_to_options, "groups are matched by name"),
}

_ENTRIES: tuple[Compatibility, ...] = (
    # Same type: always.
    *(_allow(t, t, converter, note) for t, (converter, note) in _SAME_TYPE.items()),
    # Text and long text.
    _allow(T.TEXT, T.LONG_TEXT, c.text_to_text),
    _allow(T.LONG_TEXT, T.TEXT, c.text_to_text),
    # Validated kinds of text become text; text is never trusted to be one of them.
    *(_allow(s, t, c.string_to_text, "copied as text") for s in (T.EMAIL, T.PHONE, T.URL) for t in _TEXTS),
    *(_refuse(s, T.EMAIL, "free text is not checked to be a valid email address") for s in _TEXTS),
    *(_refuse(s, T.PHONE, "free text is not checked to be a valid phone number") for s in _TEXTS),
    *(_refuse(s, T.URL, "free text is not checked to be a valid web address") for s in _TEXTS),
    # Numbers.
    _allow(T.INTEGER, T.DECIMAL, c.integer_to_decimal),
    _refuse(T.DECIMAL, T.INTEGER, "the digits after the decimal point would be lost"),
    *(_allow(s, t, c.number_to_text, "written out in digits") for s in (T.INTEGER, T.DECIMAL) for t in _TEXTS),
    *(_refuse(s, t, "free text is not guaranteed to be a number") for s in _TEXTS for t in (T.INTEGER, T.DECIMAL)),
    # Check boxes.
    *(_allow(T.BOOLEAN, t, c.boolean_to_text, "written as Yes or No") for t in _TEXTS),
    *(_refuse(s, T.BOOLEAN, "free text is not a yes/no answer") for s in _TEXTS),
    # Dates.
    _allow(T.DATETIME, T.DATE, c.datetime_to_date, "the time of day is dropped (date taken in UTC)", lossy=True),
    _refuse(T.DATE, T.DATETIME, "a time of day would have to be invented"),
    *(_allow(T.DATE, t, c.date_to_text, "written as YYYY-MM-DD") for t in _TEXTS),
    *(_allow(T.DATETIME, t, c.datetime_to_text, "written in ISO 8601, UTC") for t in _TEXTS),
    *(_refuse(s, t, "free text is not guaranteed to be a date") for s in _TEXTS for t in (T.DATE, T.DATETIME)),
    # Choices and links to records: their name becomes text.
    *(_allow(s, t, c.option_to_text, "its name is copied") for s in (T.SELECT, T.REFERENCE) for t in _TEXTS),
    *(
        _allow(
            s,
            T.SELECT,
            c.text_to_option,
            "the text must be the name of one of the options (any case)",
            requires=_target_options_known,
        )
        for s in _TEXTS
    ),
    *(
        _allow(
            s,
            T.REFERENCE,
            c.text_to_option,
            "the text must be the name of exactly one of the linked records (any case)",
            requires=_referenced_names_known,
        )
        for s in _TEXTS
    ),
    _refuse(T.SELECT, T.REFERENCE, "a choice from a list cannot safely pick which record to link to"),
    _refuse(T.REFERENCE, T.SELECT, "a linked record is not one of the list's choices; map it to a text field instead"),
    # Several values into one: the primary (first) value.
    *(_allow(s, T.SELECT, c.options_to_option, "only the first (primary) value is copied", lossy=True) for s in _LISTS),
    *(_allow(s, t, c.options_to_text, "every name is copied, separated by “; ”") for s in _LISTS for t in _TEXTS),
    *(_allow(T.SELECT, t, c.option_to_options, "the choice becomes a list of one") for t in _LISTS),
    _allow(T.MULTI_SELECT, T.GROUPS, c.options_to_options, "choices and groups are matched by name"),
    _allow(T.GROUPS, T.MULTI_SELECT, c.options_to_options, "groups and choices are matched by name"),
    *(
        _allow(
            s,
            t,
            c.text_to_options,
            "the text is split at “;” and each name is matched to an option by name (any case)",
            requires=_target_options_known,
        )
        for s in _TEXTS
        for t in _LISTS
    ),
    # Addresses.
    *(_allow(T.ADDRESS, t, c.address_to_text, "written as one formatted text", lossy=True) for t in _TEXTS),
    *(
        _refuse(s, T.ADDRESS, "free text cannot be split reliably into street, city, region, postal code and country")
        for s in _TEXTS
    ),
)


def _index(entries: tuple[Compatibility, ...]) -> Mapping[tuple[FieldType, FieldType], Compatibility]:
    table: dict[tuple[FieldType, FieldType], Compatibility] = {}
    for entry in entries:
        key = (entry.source, entry.target)
        if key in table:  # one pair, one decision: a second entry would silently win otherwise
            raise ValueError(f"the compatibility table lists {entry.source} → {entry.target} twice")
        table[key] = entry
    return MappingProxyType(table)


COMPATIBILITY: Mapping[tuple[FieldType, FieldType], Compatibility] = _index(_ENTRIES)

GENERIC_REFUSAL = "there is no safe way to turn one into the other"


def rule_for(source: FieldType, target: FieldType) -> Compatibility:
    """The table's entry for a pair of types; a pair not in the table is refused with a generic reason."""
    return COMPATIBILITY.get((source, target)) or _refuse(source, target, GENERIC_REFUSAL)


def _type_clause(spec: FieldSpec, app: str) -> str:
    return f"{describe(spec)} in {app} is {TYPE_WORDS[spec.type]}"


def _why_refused(source: FieldSpec, target: FieldSpec) -> str | None:
    """Why a value of ``source`` may not be written into ``target`` (types and options only), or None."""
    rule = rule_for(source.type, target.type)
    if not rule.allowed:
        return rule.why
    if rule.requires is not None:
        return rule.requires(source, target)
    return None


@dataclass(frozen=True)
class _OneWay:
    rule: Compatibility
    refusal: str | None  # None when allowed
    note: str


def _one_way(source: FieldSpec, source_app: str, target: FieldSpec, target_app: str) -> _OneWay:
    rule = rule_for(source.type, target.type)
    if not target.writable:
        return _OneWay(rule, f"{describe(target)} is read-only in {target_app}.", "")
    why = _why_refused(source, target)
    if why is not None:
        return _OneWay(rule, f"{_type_clause(source, source_app)} and {_type_clause(target, target_app)}: {why}.", "")
    notes = [rule.note] if rule.note else []
    if target.linked_by_name and rule.converter is c.text_to_option:
        notes = [f"the text names the record to link: {target_app} links the record of that name when it writes it"]
    limit = target.max_length
    if limit and target.type in c.TRUNCATABLE_TYPES and (source.max_length is None or source.max_length > limit):
        notes.append(f"text longer than {limit} characters is cut to fit {describe(target)}")
    return _OneWay(rule, None, "; ".join(notes))


@dataclass(frozen=True)
class Verdict:
    """Which directions a mapping between a NetSuite field and an app field may take, and why not the others.

    ``allowed`` holds ``TO_APP`` and ``TO_NETSUITE`` when each is allowed, and
    ``TWO_WAY`` only when both are and neither loses data; ``reasons`` says,
    for each direction *not* allowed, why; ``notes`` gives the caveat of each
    allowed one (what is copied how) when there is one.
    """

    allowed: frozenset[Direction]
    reasons: dict[Direction, str] = field(default_factory=dict)
    notes: dict[Direction, str] = field(default_factory=dict)

    def allows(self, direction: Direction | str) -> bool:
        """True when a mapping may take ``direction``."""
        return direction in self.allowed

    @property
    def compatible(self) -> bool:
        """True when at least one direction is allowed."""
        return bool(self.allowed)


def allowed_directions(netsuite_field: FieldSpec, app_field: FieldSpec, *, app_label: str = "the app") -> Verdict:
    """The directions a mapping between ``netsuite_field`` and ``app_field`` may take.

    ``app_label`` names the other app in the reasons ("Google Contacts").
    """
    to_app = _one_way(netsuite_field, NETSUITE_LABEL, app_field, app_label)
    to_netsuite = _one_way(app_field, app_label, netsuite_field, NETSUITE_LABEL)
    allowed: set[Direction] = set()
    reasons: dict[Direction, str] = {}
    notes: dict[Direction, str] = {}
    for direction, way in ((Direction.TO_APP, to_app), (Direction.TO_NETSUITE, to_netsuite)):
        if way.refusal is None:
            allowed.add(direction)
            if way.note:
                notes[direction] = way.note
        else:
            reasons[direction] = way.refusal

    if not reasons:
        lossy = [
            (source, target, way)
            for source, target, way in (
                (netsuite_field, app_field, to_app),
                (app_field, netsuite_field, to_netsuite),
            )
            if way.rule.lossy
        ]
        if lossy:
            source, target, way = lossy[0]
            reasons[Direction.TWO_WAY] = (
                f"Two-way would lose data: from {describe(source)} to {describe(target)} {way.rule.note},"
                f" and the way back would overwrite {describe(source)} with that."
            )
        else:
            allowed.add(Direction.TWO_WAY)
            both = "; ".join(dict.fromkeys(note for note in notes.values() if note))
            if both:
                notes[Direction.TWO_WAY] = both
    else:
        reasons[Direction.TWO_WAY] = "Two-way needs both directions. " + " ".join(reasons.values())
    return Verdict(frozenset(allowed), reasons, notes)


def convert(
    value: Any, source: FieldSpec, target: FieldSpec, *, options: ConversionOptions = DEFAULT_OPTIONS
) -> ConversionResult:
    """Convert a value of field ``source`` into a value for field ``target``.

    Empty values (``None``, blank text, empty lists and addresses) become
    ``None``. Raises :class:`IncompatibleFields` when the table refuses the
    pair (a mapping's validation should have prevented it), and
    :class:`~mappings.converters.ConversionError` when this particular value
    cannot be converted. Writability is not checked here: it decides
    directions, not values.
    """
    why = _why_refused(source, target)
    if why is not None:
        raise IncompatibleFields(
            f"{describe(source)} ({TYPE_WORDS[source.type]}) cannot be written into"
            f" {describe(target)} ({TYPE_WORDS[target.type]}): {why}"
        )
    if is_empty(value):
        return ConversionResult(None)
    converter = rule_for(source.type, target.type).converter
    assert converter is not None  # _why_refused returned None, so the rule allows the pair
    return converter(value, source, target, options)
