"""The form base every area's forms share: cleaned text, and a service's refusal shown
next to the fields it names."""

from flask import flash
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField

from app.errors import DomainError, FormErrors

LONG_TEXT = 20_000


def clean_text(value):
    """Strip surrounding blanks and NUL characters, which no database column should hold."""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


def optional_int(value) -> int | None:
    """Coerce a select's value to an int, or None for an empty or unreadable one."""
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class AgoraForm(FlaskForm):
    """Base form: every field's text is cleaned before validation."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Enclosures take no filters: their own fields are cleaned by their own form.
            if issubclass(unbound_field.field_class, FieldList | FormField):
                return unbound_field.bind(form=form, **options)
            filters = [*unbound_field.kwargs.get("filters", ()), clean_text]
            return unbound_field.bind(form=form, filters=filters, **options)

    def data_for(self, *names: str) -> dict:
        return {name: self[name].data for name in names}

    def set_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Attach a service's errors to their fields; return those of the whole form."""
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
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
