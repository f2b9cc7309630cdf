"""The form base every area's forms share: cleaned text, integers an INTEGER column holds,
and a service's refusal shown next to the fields it names (answered with 422)."""

from flask import flash, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, IntegerField, SelectField
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from app.errors import DomainError, FormErrors
from app.security import INT_MAX, INT_MIN, bounded_int
from app.timezones import canonical_zone, zone_groups

# The cookie the zone script sets from the browser's own zone (checked before use).
ZONE_COOKIE = "agora_tz"

LONG_TEXT = 20_000
# WTForms' own message for an unreadable integer, translated by WTForms' catalogue.
NOT_AN_INTEGER = "Not a valid integer value."


def clean_text(value):
    """Strip surrounding blanks and NUL characters, which no database column should hold."""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


def optional_int(value) -> int | None:
    """Coerce a select's value to an int, or None for an empty, unreadable or
    out-of-range one (no id is beyond an INTEGER column)."""
    if value in (None, "", "None"):
        return None
    return bounded_int(value)


class BoundedIntegerField(IntegerField):
    """An IntegerField that refuses what an INTEGER column cannot hold.

    The value is refused while the input is read, so ``data`` is None for every
    validator after it: a ``validate_<field>`` that looks the number up never sends the
    database a number it would reject.
    """

    def __init__(self, *args, low: int = INT_MIN, high: int = INT_MAX, **kwargs):
        super().__init__(*args, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.low <= self.data <= self.high:
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext(NOT_AN_INTEGER))


def visitor_zone() -> str | None:
    """The visitor's zone: their profile's when signed in, else the one their browser
    reported (a cookie set by ``static/js/zone.js``), if it is a real zone."""
    if not has_request_context():
        return None
    if current_user.is_authenticated and getattr(current_user, "timezone", None):
        return canonical_zone(current_user.timezone)
    reported = request.cookies.get(ZONE_COOKIE, "")[:64]
    return canonical_zone(reported) if reported else None


class ZoneField(SelectField):
    """A time zone chosen from a grouped list of canonical IANA zones.

    The first group suggests the zones given to :meth:`suggest` (the venue's, the
    edition's) and the visitor's own; a stored alias ("Africa/Asmera") is shown as its
    canonical zone. ``optional`` adds an empty first choice (``blank`` is its label).
    """

    def __init__(self, label=None, validators=None, *, optional=False, blank=None, **kwargs):
        render_kw = {"data-zone-select": "", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(
            label, validators, choices=[], validate_choice=False, render_kw=render_kw, **kwargs
        )
        self.optional = optional
        self.blank = blank if blank is not None else _l("None")
        self.suggested: list[str] = []
        self._refresh()

    def suggest(self, *zones: str | None) -> None:
        """Offer these zones first (None and unknown names are left out)."""
        self.suggested = [zone for zone in zones if zone]
        self._refresh()

    def _refresh(self) -> None:
        current = getattr(self, "data", None)
        current = current if isinstance(current, str) else None
        groups = zone_groups([current or "", *self.suggested, visitor_zone() or ""])
        if current and canonical_zone(current) is None:
            groups.insert(0, (str(_l("Current")), [(current, current)]))
        if self.optional:
            label, zones = groups[0]
            groups[0] = (label, [("", str(self.blank)), *zones])
        self.choices = dict(groups)

    def process_data(self, value):
        super().process_data(canonical_zone(value) or value)
        self._refresh()

    def process_formdata(self, valuelist):
        if valuelist:
            value = clean_text(valuelist[0]) or ""
            self.data = canonical_zone(value) or value
        self._refresh()

    def pre_validate(self, form):
        if not self.data:
            if not self.optional:
                raise ValidationError(_l("Choose a time zone."))
            return
        if canonical_zone(self.data) is None:
            raise ValidationError(_l("Unknown time zone. Choose one in the list."))


def _bounded_coerce(coerce):
    """Wrap a select's ``coerce`` so that an int beyond an INTEGER column is refused."""

    def coerce_within_range(value):
        result = coerce(value)
        if isinstance(result, int) and not isinstance(result, bool):
            if not INT_MIN <= result <= INT_MAX:
                raise ValueError(value)
        return result

    return coerce_within_range


def note_invalid_form() -> None:
    """Remember that this request's form was refused, so the answer says 422."""
    if has_request_context():
        g.agora_invalid_form = True


def invalid_form_status(response):
    """Answer 422 instead of 200 when a submitted form was refused and shown again.

    Views re-render a refused form with the page's usual 200; one hook here gives every
    area the same status (redirects and error pages keep theirs).
    """
    if (
        request.method in ("POST", "PUT", "PATCH")
        and response.status_code == 200
        and g.get("agora_invalid_form")
    ):
        response.status_code = 422
    return response


class PlainForm(FlaskForm):
    """A form whose text is kept exactly as typed (passwords); a refusal answers 422."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        if not valid:
            note_invalid_form()
        return valid


class AgoraForm(PlainForm):
    """Base form: every field's text is cleaned before validation, integers are bounded
    (a plain IntegerField becomes a :class:`BoundedIntegerField`, a select's ``coerce``
    refuses out-of-range ints), and a refusal makes the answer a 422."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Enclosures take no filters: their own fields are cleaned by their own form.
            if issubclass(unbound_field.field_class, FieldList | FormField):
                return unbound_field.bind(form=form, **options)
            kwargs = dict(unbound_field.kwargs)
            field_class = unbound_field.field_class
            if field_class is IntegerField:
                field_class = BoundedIntegerField
            if kwargs.get("coerce") is not None:
                kwargs["coerce"] = _bounded_coerce(kwargs["coerce"])
            kwargs["filters"] = [*kwargs.get("filters", ()), clean_text]
            bounded = UnboundField(
                field_class, *unbound_field.args, name=unbound_field.name, **kwargs
            )
            return bounded.bind(form=form, **options)

    def data_for(self, *names: str) -> dict:
        return {name: self[name].data for name in names}

    def set_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Attach a service's errors to their fields; return those of the whole form."""
        note_invalid_form()
        general = []
        for name, messages in errors.items():
            if name and name in self:
                self[name].errors = [*self[name].errors, *messages]
            else:
                general.extend(messages)
        return general

    def show_error(self, error: DomainError) -> list[str]:
        """Put a service's refusal next to the fields it names; return the form-wide ones."""
        if isinstance(error, FormErrors):
            return self.set_errors(error.errors)
        return self.set_errors({error.field or "": [error.message]})


def show_error(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it names, or flash it (any WTForms form)."""
    note_invalid_form()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
