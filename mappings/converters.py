"""Value converters: pure functions turning a typed value of one field type into another.

Each converter has the signature ``(value, source, target, opts) ->
ConversionResult`` and is named after the pair it converts. The
compatibility table (:mod:`mappings.compatibility`) decides which converter
serves which (source type, target type) pair; call
:func:`mappings.compatibility.convert`, which also turns empty values into
``None`` before a converter sees them, so converters only ever receive a
non-empty value.

Values are typed as the providers deliver them (see ``connections.providers.base.Record``):
text as ``str``, dates as ``date``, datetimes as aware UTC ``datetime``,
selects and references as ``{"id", "name"}``, multi selects and groups as
lists of those, addresses as ``{"street", "city", "region", "postal_code", "country"}``.

A value that cannot be converted raises :class:`ConversionError` with a
message an ops person can act on. Something worth knowing that is not an
error (text cut to fit, a phone number kept as given) is a warning on the
:class:`ConversionResult`.

Also here, for the merge and the matcher: :func:`normalize_email`,
:func:`~.phones.normalize_phone` (phone numbers: :mod:`mappings.phones`) and :func:`values_equal`.
Several choices written as one text: :mod:`mappings.name_lists`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connections.providers.fields import FieldOption, FieldSpec, FieldType

from .addresses import ADDRESS_KEYS, address_key
from .name_lists import join_names, split_names
from .phones import normalize_phone, parse_phone, phone_key

# Target types whose text may be cut to fit ``max_length``; cutting an email,
# a phone number or a URL would write a wrong value, so those are refused instead.
TRUNCATABLE_TYPES = frozenset({FieldType.TEXT, FieldType.LONG_TEXT})


class ConversionError(ValueError):
    """A value cannot be converted to the target field (unknown option, unparseable date, ...)."""


@dataclass(frozen=True)
class ConversionOptions:
    """Settings a conversion may depend on (plain data, from the connection: see ``SyncConfig``).

    ``phone_region`` is the ISO 3166-1 alpha-2 country whose numbering plan
    applies to phone numbers written without a country code ("02 555 12 34"
    in ``BE``). ``None`` means no region is known: only numbers written with
    their country code ("+32 2 555 12 34") can be read, the others are kept
    as typed with a warning. There is deliberately no implicit US default.
    """

    phone_region: str | None = None


DEFAULT_OPTIONS = ConversionOptions()


@dataclass
class ConversionResult:
    """The converted value (``None`` for "no value") and what is worth telling about it."""

    value: Any
    warnings: list[str] = field(default_factory=list)


Converter = Callable[[Any, FieldSpec, FieldSpec, ConversionOptions], ConversionResult]


# --- Shared helpers ---------------------------------------------------------------------------------------------


def describe(spec: FieldSpec) -> str:
    """How a field is named in messages: its label and, when different, its id."""
    if spec.label and spec.label != spec.id:
        return f"{spec.label} ({spec.id})"
    return spec.id


def _shown(value: Any) -> str:
    """A value as quoted in an error message, cut short so a long note does not flood the log."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def is_empty(value: Any) -> bool:
    """True for "no value": ``None``, blank text, an empty list, or an address/option with nothing in it.

    ``False`` and ``0`` are values, not emptiness.
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(is_empty(item) for item in value)
    if isinstance(value, Mapping):
        return all(is_empty(item) for item in value.values())
    return False


def _require_str(value: Any, source: FieldSpec) -> str:
    if not isinstance(value, str):
        raise ConversionError(f"{describe(source)}: expected text, got {_shown(value)}")
    return value


def _fit_text(text: str, target: FieldSpec) -> ConversionResult:
    """Text as the target can hold it: cut with a warning when longer than ``max_length``."""
    limit = target.max_length
    if limit is None or len(text) <= limit:
        return ConversionResult(text)
    if target.type not in TRUNCATABLE_TYPES:
        raise ConversionError(
            f"{_shown(text)} is {len(text)} characters long, more than the {limit} that {describe(target)} holds"
        )
    return ConversionResult(
        text[:limit],
        [f"{describe(target)}: cut from {len(text)} to {limit} characters to fit"],
    )


def _require_option(value: Any, source: FieldSpec) -> dict[str, str]:
    """A select/reference value as ``{"id", "name"}`` with string parts."""
    if not isinstance(value, Mapping) or (is_empty(value.get("id")) and is_empty(value.get("name"))):
        raise ConversionError(f"{describe(source)}: expected a choice like {{'id', 'name'}}, got {_shown(value)}")
    option_id = value.get("id")
    name = value.get("name")
    return {"id": "" if option_id is None else str(option_id), "name": "" if name is None else str(name)}


def _require_options(value: Any, source: FieldSpec) -> list[dict[str, str]]:
    if not isinstance(value, list | tuple):
        raise ConversionError(f"{describe(source)}: expected a list of choices, got {_shown(value)}")
    return [_require_option(item, source) for item in value if not is_empty(item)]


def _option_dict(option: FieldOption) -> dict[str, str]:
    return {"id": option.id, "name": option.name}


def match_option(name: str, target: FieldSpec) -> dict[str, str]:
    """The target option whose name is ``name``, compared case-insensitively and trimmed.

    An exact-case match breaks a tie between options whose names differ only
    by case; no match, or a tie that cannot be broken, is a ConversionError.
    """
    wanted = name.strip()
    candidates = [o for o in target.options if o.name.strip().casefold() == wanted.casefold()]
    if len(candidates) > 1:
        candidates = [o for o in candidates if o.name.strip() == wanted] or candidates
    if len(candidates) == 1:
        return _option_dict(candidates[0])
    if not candidates:
        raise ConversionError(f"{_shown(wanted)} is not one of the options of {describe(target)}")
    raise ConversionError(
        f"{_shown(wanted)} matches {len(candidates)} options of {describe(target)}: cannot tell which one"
    )


def _option_into(option: dict[str, str], source: FieldSpec, target: FieldSpec) -> dict[str, str]:
    """A choice as the target knows it: matched by name when the target's options are known.

    Ids mean nothing across two apps, so names are what match. When the
    target's options are not known the choice is passed as it is, and the
    target's provider resolves it.
    """
    if not target.options:
        return dict(option)
    if not option["name"]:
        raise ConversionError(
            f"{describe(source)}: choice {option['id']!r} has no name to match with the options of {describe(target)}"
        )
    return _name_into(option["name"], target)


def _name_into(name: str, target: FieldSpec) -> dict[str, str]:
    """The target's option named ``name``; into groups, an unknown name becomes a group to create.

    A group missing from the catalog may exist by now, or be created: the
    runner resolves ``{"id": "", "name": ...}`` against the app (creating the
    group when the connection allows it, failing the record otherwise).
    """
    if target.type != FieldType.GROUPS:
        return match_option(name, target)
    try:
        return match_option(name, target)
    except ConversionError:
        wanted = name.strip()
        if any(o.name.strip().casefold() == wanted.casefold() for o in target.options):
            raise  # ambiguous between existing groups: creating one more would not help
        return {"id": "", "name": wanted}


def _to_date(value: Any, source: FieldSpec) -> date:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConversionError(f"{describe(source)}: {_shown(value)} is not a date (expected YYYY-MM-DD)")


def _to_utc_datetime(value: Any, source: FieldSpec) -> datetime:
    parsed = value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
    if not isinstance(parsed, datetime):
        raise ConversionError(f"{describe(source)}: {_shown(value)} is not a date and time")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        # Guessing the zone would shift the moment by hours without anyone noticing.
        raise ConversionError(f"{describe(source)}: {_shown(value)} has no time zone")
    return parsed.astimezone(UTC)


def _to_decimal(value: Any, source: FieldSpec) -> Decimal:
    if isinstance(value, bool):
        raise ConversionError(f"{describe(source)}: expected a number, got {_shown(value)}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ConversionError(f"{describe(source)}: {_shown(value)} is not a number")
    if not number.is_finite():
        raise ConversionError(f"{describe(source)}: {_shown(value)} is not a finite number")
    return number


def _to_int(value: Any, source: FieldSpec) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _to_decimal(value, source)
    if number != number.to_integral_value():
        raise ConversionError(f"{describe(source)}: {_shown(value)} is not a whole number")
    return int(number)


def _decimal_text(number: Decimal) -> str:
    # Positional notation: "100", never "1E+2", which nobody reading a contact expects.
    return format(number, "f")


# --- Phone numbers and emails ------------------------------------------------------------------------------------


def normalize_email(value: str | None) -> str | None:
    """An email address as compared: trimmed and lower-cased; ``None`` for no address.

    Only for comparisons and matching: emails are stored as given (trimmed).
    """
    if value is None:
        return None
    cleaned = value.strip().lower()
    return cleaned or None


# --- Converters: text and its validated kinds --------------------------------------------------------------------


def text_to_text(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """Text or long text into text or long text, as given; cut with a warning past the target's ``max_length``."""
    return _fit_text(_require_str(value, source), target)


def string_to_text(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """An email address, phone number or URL into text: trimmed, otherwise as given."""
    return _fit_text(_require_str(value, source).strip(), target)


def email_to_email(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """An email address: trimmed and stored as given (its case is kept; compare with :func:`normalize_email`)."""
    return _fit_text(_require_str(value, source).strip(), target)


def url_to_url(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A URL, trimmed."""
    return _fit_text(_require_str(value, source).strip(), target)


def phone_to_phone(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A phone number in E.164 when it can be read as one; otherwise kept as given, with a warning.

    A number with an extension is kept as given without a warning: it is a
    valid number, E.164 just has no room for the extension.
    """
    text = _require_str(value, source).strip()
    normalized = normalize_phone(text, opts.phone_region)
    if normalized is not None:
        return _fit_text(normalized, target)
    result = _fit_text(text, target)
    parsed = parse_phone(text, opts.phone_region)
    if parsed is None or not parsed.extension:
        result.warnings.append(phone_warning(text, target, opts.phone_region))
    return result


def phone_warning(text: str, target: FieldSpec, region: str | None) -> str:
    """The warning for a number kept as typed: it names the region tried, or says none is set.

    Worded to read the same with or without a "Warning: " prefix in front of it.
    """
    if region:
        why = f"is not a valid number for region {region}"
    else:
        why = "has no country code and no default phone region is set (set the connection's phone region)"
    return f"{describe(target)}: {_shown(text)} {why}; kept as typed"


# --- Converters: numbers, check boxes, dates ---------------------------------------------------------------------


def integer_to_integer(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A whole number."""
    return ConversionResult(_to_int(value, source))


def integer_to_decimal(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A whole number as a decimal (always exact)."""
    return ConversionResult(Decimal(_to_int(value, source)))


def decimal_to_decimal(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A decimal number, exactly (``Decimal``, never a float)."""
    return ConversionResult(_to_decimal(value, source))


def number_to_text(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A whole or decimal number written out in digits (``1250``, ``12.50``)."""
    if source.type == FieldType.INTEGER:
        return _fit_text(str(_to_int(value, source)), target)
    return _fit_text(_decimal_text(_to_decimal(value, source)), target)


def boolean_to_boolean(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A check box."""
    if not isinstance(value, bool):
        raise ConversionError(f"{describe(source)}: expected true or false, got {_shown(value)}")
    return ConversionResult(value)


def boolean_to_text(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A check box as the words ``Yes`` / ``No``."""
    checked = boolean_to_boolean(value, source, target, opts).value
    return _fit_text("Yes" if checked else "No", target)


def date_to_date(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A calendar date (an ISO ``YYYY-MM-DD`` string is read too)."""
    return ConversionResult(_to_date(value, source))


def datetime_to_datetime(
    value: Any, source: FieldSpec, target: FieldSpec, options: ConversionOptions
) -> ConversionResult:
    """A moment in time, as an aware UTC datetime; one without a time zone is refused."""
    return ConversionResult(_to_utc_datetime(value, source))


def datetime_to_date(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """The UTC calendar date of a moment (the time of day is dropped)."""
    return ConversionResult(_to_utc_datetime(value, source).date())


def date_to_text(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A date written ``YYYY-MM-DD``."""
    return _fit_text(_to_date(value, source).isoformat(), target)


def datetime_to_text(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A moment written in ISO 8601, UTC (``2024-05-01T09:30:00Z``)."""
    return _fit_text(_to_utc_datetime(value, source).isoformat().replace("+00:00", "Z"), target)


# --- Converters: choices, lists of choices -----------------------------------------------------------------------


def option_to_option(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A select or reference into the same kind of field, matched by name when the target's options are known."""
    return ConversionResult(_option_into(_require_option(value, source), source, target))


def option_to_text(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A select or reference as its name (``Gold``, ``Acme Inc.``)."""
    option = _require_option(value, source)
    if not option["name"].strip():
        raise ConversionError(f"{describe(source)}: choice {option['id']!r} has no name to copy")
    return _fit_text(option["name"], target)


def text_to_option(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """Text into a select or reference: the option of that name, compared case-insensitively; an unknown
    name is an error. Into a reference whose provider links names itself (``linked_by_name``), the name
    as it is (``{"id": "", "name": ...}``), whether or not some of its records are listed: the provider
    resolves it by its own rules (NetSuite: among the companies of the connection's subsidiary only)."""
    text = _require_str(value, source)
    if target.linked_by_name:
        return ConversionResult({"id": "", "name": text.strip()})
    return ConversionResult(match_option(text, target))


def option_to_options(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A select into a multi select or groups: a list of that one choice."""
    return ConversionResult([_option_into(_require_option(value, source), source, target)])


def options_to_options(
    value: Any, source: FieldSpec, target: FieldSpec, options: ConversionOptions
) -> ConversionResult:
    """A multi select or groups into a multi select or groups, choice by choice (order kept, duplicates dropped)."""
    converted: list[dict[str, str]] = []
    for option in _require_options(value, source):
        matched = _option_into(option, source, target)
        if matched not in converted:
            converted.append(matched)
    return ConversionResult(converted or None)


def _primary(value: Any, source: FieldSpec, target: FieldSpec) -> tuple[dict[str, str], list[str]]:
    """The first choice of a list, and a warning when others are left behind."""
    choices = _require_options(value, source)
    warnings = []
    if len(choices) > 1:
        warnings.append(f"{describe(target)}: only the first of {len(choices)} values of {describe(source)} was copied")
    return choices[0], warnings


def options_to_option(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A multi select or groups into a select: the primary (first) choice."""
    primary, warnings = _primary(value, source, target)
    return ConversionResult(_option_into(primary, source, target), warnings)


def options_to_text(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """A multi select or groups into text: every choice's name, joined by :func:`join_names` ("Hiking; Music")."""
    names = []
    for option in _require_options(value, source):
        name = option["name"].strip()
        if not name:
            raise ConversionError(f"{describe(source)}: choice {option['id']!r} has no name to copy")
        if name not in names:
            names.append(name)
    return _fit_text(join_names(names), target) if names else ConversionResult(None)


def text_to_options(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """Text into a multi select or groups: split by :func:`split_names`, each name matched to an option.

    Into groups, a name that matches no known group is passed on as
    ``{"id": "", "name": ...}``: whether to create that group or refuse it is
    the connection's choice, made where the groups are written.
    """
    converted: list[dict[str, str]] = []
    for name in split_names(_require_str(value, source)):
        matched = _name_into(name, target)
        if matched not in converted:
            converted.append(matched)
    return ConversionResult(converted or None)


# --- Converters: addresses ---------------------------------------------------------------------------------------


def _require_address(value: Any, source: FieldSpec) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ConversionError(f"{describe(source)}: expected an address, got {_shown(value)}")
    address = {}
    for key in ADDRESS_KEYS:
        part = value.get(key)
        if part is None:
            continue
        if not isinstance(part, str):
            raise ConversionError(f"{describe(source)}: address part {key!r} is not text: {_shown(part)}")
        if part.strip():
            address[key] = part.strip()
    return address


def address_to_address(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """An address, part by part: trimmed, empty parts dropped (an address with no part is no value)."""
    return ConversionResult(_require_address(value, source) or None)


def format_address(address: Mapping[str, str], separator: str = "\n") -> str:
    """An address as people write it: street; "city, region postal code"; country."""
    locality = ", ".join(part for part in (address.get("city"), address.get("region")) if part)
    locality = " ".join(part for part in (locality, address.get("postal_code")) if part)
    lines = [address.get("street", ""), locality, address.get("country", "")]
    return separator.join(line for line in lines if line)


def address_to_text(value: Any, source: FieldSpec, target: FieldSpec, opts: ConversionOptions) -> ConversionResult:
    """An address formatted as text: on several lines into long text, on one line (comma-separated) into text."""
    address = _require_address(value, source)
    if target.type == FieldType.LONG_TEXT:
        return _fit_text(format_address(address), target)
    one_line = {key: " ".join(part.split()) for key, part in address.items()}
    return _fit_text(format_address(one_line, ", "), target)


# --- Equality for the merge --------------------------------------------------------------------------------------


def _comparable(value: Any, field_type: FieldType, region: str | None) -> Any:
    """A value reduced to what matters when two values of ``field_type`` are compared."""
    if is_empty(value):
        return None
    if field_type == FieldType.EMAIL:
        return normalize_email(str(value))
    if field_type == FieldType.PHONE:
        return phone_key(str(value), region)
    if field_type in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.URL):
        # Line endings and surrounding blanks differ between apps without anyone meaning it.
        return str(value).replace("\r\n", "\n").strip()
    if field_type in (FieldType.INTEGER, FieldType.DECIMAL):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value
    if field_type in (FieldType.SELECT, FieldType.REFERENCE):
        return _option_key(value)
    if field_type in (FieldType.MULTI_SELECT, FieldType.GROUPS):
        return frozenset(_option_key(item) for item in value if not is_empty(item))
    if field_type == FieldType.ADDRESS and isinstance(value, Mapping):
        return address_key(value)
    if field_type == FieldType.DATETIME and isinstance(value, datetime) and value.tzinfo:
        return value.astimezone(UTC)
    return value


def _option_key(value: Any) -> Any:
    # Choices are the same when their ids are; a choice known only by name compares by name.
    if isinstance(value, Mapping):
        if value.get("id") not in (None, ""):
            return ("id", str(value["id"]))
        return ("name", str(value.get("name", "")).strip().casefold())
    return ("id", str(value))


def values_equal(a: Any, b: Any, field_type: FieldType, *, phone_region: str | None = None) -> bool:
    """Whether two values of one field are the same for the merge.

    Empty values (``None``, blank text, an empty list) are all equal; emails
    compare case-insensitively, phone numbers by E.164, numbers numerically
    (``1.50 == 1.5``), selects and references by id, multi selects and groups
    as sets of ids, text ignoring surrounding blanks and line-ending style,
    addresses part by part ignoring case and blanks, a country's name against its ISO
    code and a US state's name against its code (:func:`mappings.addresses.address_key`).
    """
    return _comparable(a, field_type, phone_region) == _comparable(b, field_type, phone_region)
