"""The API's schemas: what each resource reads as and what a write accepts.

The OpenAPI document is generated from these; inputs reject unknown fields, NUL
characters, out-of-range numbers and dates, so bad input gets a 422 and never reaches
the database.
"""

from datetime import date, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.models import (
    EditionFormat,
    SessionKind,
    SessionStatus,
    ShowcaseKind,
    ShowcaseStatus,
    WebhookEvent,
)

MAX_ID = 2**31 - 1
MAX_PAGE_SIZE = 100


def Id(**kwargs):  # noqa: N802  (a field factory, named like the fields it makes)
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


def Text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs):  # noqa: N802
    validators = [validate.Length(min_length, max_length)]
    if "validate" in kwargs:
        validators.append(kwargs.pop("validate"))
    return fields.String(required=required, validate=validators, **kwargs)


def _sane_date(value: date | datetime) -> None:
    if not 1900 <= value.year <= 2200:
        raise ValidationError("Give a year between 1900 and 2200.")


LOCAL_TIME_DOC = {
    "format": "local-date-time",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$",
    "description": "A wall-clock time in the venue's zone, without offset.",
}


def LocalDateTime(**kwargs):  # noqa: N802
    """A wall-clock time read in a zone given apart (no offset), as the pages take it."""
    return fields.NaiveDateTime(validate=_sane_date, metadata=LOCAL_TIME_DOC, **kwargs)


def LocalDateTimeOut(**kwargs):  # noqa: N802
    return fields.NaiveDateTime(
        metadata={**LOCAL_TIME_DOC, "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T"}, **kwargs
    )


def Day(**kwargs):  # noqa: N802
    return fields.Date(validate=_sane_date, **kwargs)


def Computed(read, **kwargs):  # noqa: N802
    """A text read from the object by ``read`` (documented as a string)."""
    return fields.Function(read, metadata={"type": "string"}, **kwargs)


def Amount(**kwargs):  # noqa: N802
    """A decimal number written as a string with two decimals ("12.50"), exact in JSON."""
    return fields.Decimal(
        as_string=True,
        places=2,
        metadata={"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"},
        **kwargs,
    )


def enum_field(enum_class, **kwargs):
    return fields.Enum(enum_class, by_value=True, **kwargs)


class ErrorSchema(Schema):
    status = fields.Integer(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


# Lists ------------------------------------------------------------------------------------


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, MAX_PAGE_SIZE))
    updated_since = fields.AwareDateTime(
        validate=_sane_date, metadata={"description": "Only what changed at or after this instant."}
    )


def page_schema(item_schema, name: str):
    """The envelope of a list: the page's items and where it stands."""
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        },
    )


SESSION_SORTS = ("starts_at", "-starts_at", "title", "-title", "updated_at", "-updated_at", "id")
SHOWCASE_SORTS = ("title", "-title", "submitted_at", "-submitted_at", "updated_at", "-updated_at")


class SessionListArgs(PageArgs):
    track = Id(metadata={"description": "A track of the edition, as on the programme page."})
    kind = enum_field(SessionKind)
    day = Day(metadata={"description": "The venue's wall-clock day."})
    venue = Id()
    status = enum_field(SessionStatus)
    sort = fields.String(load_default="starts_at", validate=validate.OneOf(SESSION_SORTS))


class ShowcaseListArgs(PageArgs):
    edition = Text(80)
    track = Id()
    kind = enum_field(ShowcaseKind)
    status = enum_field(ShowcaseStatus)
    mine = fields.Boolean(
        metadata={"description": "Only my organisation's showcases, drafts included."}
    )
    sort = fields.String(load_default="title", validate=validate.OneOf(SHOWCASE_SORTS))


# Series, editions and their structure -----------------------------------------------------


class SeriesSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)


class SeriesInput(Schema):
    slug = Text(80, required=True, min_length=1, validate=validate.Regexp(r"^[a-z0-9-]+$"))
    name = Text(200, required=True, min_length=1)
    description = Text(5_000, load_default="")


class EditionSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    series = Computed(lambda edition: edition.series.slug, required=True)
    number = fields.Integer(required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    theme = fields.String(required=True)
    description = fields.String(required=True)
    format = enum_field(EditionFormat, required=True)
    timezone = fields.String(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    status = Computed(lambda edition: edition.status.value, required=True)
    patronage = fields.String(required=True)
    organised_by = fields.String(required=True)
    call_opens_local = LocalDateTimeOut(allow_none=True)
    call_closes_local = LocalDateTimeOut(allow_none=True)
    updated_at = fields.AwareDateTime(required=True)


class EditionInput(Schema):
    slug = Text(80, required=True, min_length=1, validate=validate.Regexp(r"^[a-z0-9-]+$"))
    number = fields.Integer(required=True, strict=True, validate=validate.Range(1, 10_000))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(1900, 2200))
    title = Text(200, required=True, min_length=1)
    theme = Text(300, load_default="")
    description = Text(20_000, load_default="")
    format = enum_field(EditionFormat, required=True)
    timezone = Text(64, required=True, min_length=1)
    start_date = Day(required=True)
    end_date = Day(required=True)
    patronage = Text(300, load_default="")
    organised_by = Text(300, load_default="")
    call_opens_local = LocalDateTime(allow_none=True, load_default=None)
    call_closes_local = LocalDateTime(allow_none=True, load_default=None)


class NewEditionInput(EditionInput):
    series = Text(80, required=True, min_length=1)


class EditionPatch(EditionInput):
    """Any of an edition's fields; those left out keep their value (used with partial=True)."""


class TrackSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    colour = fields.String(required=True)
    position = fields.Integer(required=True)


class TrackInput(Schema):
    name = Text(160, required=True, min_length=1)
    description = Text(5_000, load_default="")
    colour = fields.String(load_default="#3559a8", validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$"))


class RoomSchema(Schema):
    id = fields.Integer(required=True)
    venue_id = fields.Integer(required=True)
    name = fields.String(required=True)
    capacity = fields.Integer(allow_none=True)


class VenueSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    town = fields.String(required=True)
    address = fields.String(required=True)
    timezone = fields.String(allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    rooms = fields.List(fields.Nested(RoomSchema), required=True)


class VenueInput(Schema):
    name = Text(200, required=True, min_length=1)
    town = Text(120, required=True, min_length=1)
    address = Text(300, load_default="")
    timezone = Text(64, load_default="")
    start_date = Day(allow_none=True, load_default=None)
    end_date = Day(allow_none=True, load_default=None)


class RoomInput(Schema):
    name = Text(120, required=True, min_length=1)
    capacity = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(1, 1_000_000)
    )


# Sessions and speakers --------------------------------------------------------------------


class SessionSpeakerSchema(Schema):
    speaker_id = fields.Integer(required=True)
    name = Computed(lambda place: place.speaker.name, required=True)
    role = Computed(lambda place: place.role.value, required=True)


class SessionSchema(Schema):
    id = fields.Integer(required=True)
    edition = Computed(lambda s: s.edition.slug, required=True)
    kind = enum_field(SessionKind, required=True)
    title = fields.String(required=True)
    abstract = fields.String(required=True)
    track_id = fields.Integer(allow_none=True)
    venue_id = fields.Integer(allow_none=True)
    room_id = fields.Integer(allow_none=True)
    online_url = fields.String(allow_none=True)
    status = enum_field(SessionStatus, required=True)
    starts_local = LocalDateTimeOut(required=True)
    ends_local = LocalDateTimeOut(required=True)
    timezone = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    sequence = fields.Integer(required=True)
    updated_at = fields.AwareDateTime(required=True)
    speakers = fields.List(fields.Nested(SessionSpeakerSchema), required=True)


class SessionInput(Schema):
    kind = enum_field(SessionKind, required=True)
    title = Text(300, required=True, min_length=1)
    abstract = Text(20_000, load_default="")
    track_id = Id(allow_none=True, load_default=None)
    room_id = Id(allow_none=True, load_default=None)
    venue_id = Id(allow_none=True, load_default=None)
    online_url = fields.URL(
        allow_none=True,
        load_default=None,
        schemes={"http", "https"},
        validate=validate.Length(max=500),
    )
    starts_local = LocalDateTime(required=True)
    ends_local = LocalDateTime(required=True)
    status = enum_field(SessionStatus, load_default=SessionStatus.TENTATIVE)
    accept_warnings = fields.Boolean(
        load_default=False,
        metadata={"description": "Save despite non-blocking schedule warnings."},
    )


class SessionPatch(SessionInput):
    """Any of a session's fields; those left out keep their value (used with partial=True)."""


class SpeakerSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    title = fields.String(required=True)
    bio = fields.String(required=True)
    organisation = Computed(
        lambda s: s.organisation.name if s.organisation else None, allow_none=True
    )
    category = Computed(lambda s: s.category.value, required=True)


# Showcases --------------------------------------------------------------------------------


class ShowcaseSchema(Schema):
    """A showcase's public fields; its organisation's delegates and the edition's organisers
    also get ``status``, ``submitted_at`` and ``version``."""

    id = fields.Integer(required=True)
    edition = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    kind = enum_field(ShowcaseKind, required=True)
    track_id = fields.Integer(allow_none=True)
    organisation = fields.String(required=True)
    updated_at = fields.AwareDateTime(required=True)
    status = enum_field(ShowcaseStatus)
    submitted_at = fields.AwareDateTime(allow_none=True)
    version = fields.Integer()


class ShowcaseInput(Schema):
    edition = Text(80, required=True, min_length=1)
    title = Text(300, required=True, min_length=1)
    summary = Text(5_000, load_default="")
    kind = enum_field(ShowcaseKind, required=True)
    track_id = Id(allow_none=True, load_default=None)


class ShowcasePatch(Schema):
    title = Text(300, min_length=1)
    summary = Text(5_000)
    kind = enum_field(ShowcaseKind)
    track_id = Id(allow_none=True)


class SubmitInput(Schema):
    track_id = Id(allow_none=True, load_default=None)


DECISIONS = (ShowcaseStatus.ACCEPTED, ShowcaseStatus.WAITLISTED, ShowcaseStatus.REJECTED)


class DecisionInput(Schema):
    decision = fields.String(
        required=True, validate=validate.OneOf([status.value for status in DECISIONS])
    )
    note = Text(2_000, load_default="")


# Agenda -----------------------------------------------------------------------------------


class AgendaEntrySchema(Schema):
    session_id = fields.Integer(required=True)
    starred = fields.Boolean(required=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    token_scope = fields.String(allow_none=True)


# Webhooks ---------------------------------------------------------------------------------

EVENT_NAMES = [event.value for event in WebhookEvent if event is not WebhookEvent.PING]


class WebhookSchema(Schema):
    id = fields.Integer(required=True)
    edition = Computed(lambda hook: hook.edition.slug, required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    is_active = fields.Boolean(required=True)
    secret = fields.String(
        required=True, metadata={"description": "The key of the X-Agora-Signature HMAC."}
    )
    updated_at = fields.AwareDateTime(required=True)


class WebhookInput(Schema):
    url = fields.URL(
        required=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=500),
    )
    events = fields.List(
        fields.String(validate=validate.OneOf(EVENT_NAMES)),
        required=True,
        validate=validate.Length(1, len(EVENT_NAMES)),
    )
    is_active = fields.Boolean(load_default=True)

    @validates_schema
    def _distinct(self, data, **_kwargs):
        events = data.get("events") or []
        if len(set(events)) != len(events):
            raise ValidationError("Name each event once.", "events")


class WebhookPatch(WebhookInput):
    """Any of a webhook's fields; those left out keep their value (used with partial=True)."""


class AttemptSchema(Schema):
    attempted_at = fields.AwareDateTime(required=True)
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer(required=True)


class DeliverySchema(Schema):
    id = fields.Integer(required=True)
    uid = fields.String(required=True)
    event = fields.String(required=True)
    status = Computed(lambda delivery: delivery.status.value, required=True)
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.AwareDateTime(required=True)
    last_error = fields.String(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    log = fields.List(fields.Nested(AttemptSchema), required=True)


# Thinklabs and agreements -----------------------------------------------------------------


class ThinklabSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    edition = Computed(lambda t: t.edition.slug if t.edition else None, allow_none=True)
    timezone = fields.String(required=True)
    rrule = fields.String(required=True)
    first_meeting_local = LocalDateTimeOut(allow_none=True)
    meeting_mode = Computed(lambda t: t.meeting_mode.value, required=True)


class OccurrenceArgs(Schema):
    start = Day(required=True, metadata={"description": "First day (UTC) of the range."})
    end = Day(required=True, metadata={"description": "Day after the range (at most 366 days on)."})

    @validates_schema
    def _range(self, data, **_kwargs):
        start, end = data.get("start"), data.get("end")
        if start and end and not 0 < (end - start).days <= 366:
            raise ValidationError("End within 366 days after the start.", "end")


class OccurrenceSchema(Schema):
    original_local = LocalDateTimeOut(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    zone = fields.String(required=True)
    mode = Computed(lambda o: o.mode.value, required=True)
    venue_id = fields.Integer(allow_none=True)
    is_cancelled = fields.Boolean(required=True)
    is_moved = fields.Boolean(required=True)
    note = fields.String(required=True)


class PartySchema(Schema):
    organisation = Computed(lambda p: p.organisation.name, required=True)
    role = fields.String(required=True)
    signatory_name = fields.String(required=True)
    signatory_title = fields.String(required=True)


class CommitmentSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    owner = fields.String(required=True)
    start_date = fields.Date(allow_none=True)
    due_date = fields.Date(required=True)
    target_value = Amount(required=True)
    unit = fields.String(required=True)


class AgreementSchema(Schema):
    id = fields.Integer(required=True)
    kind = Computed(lambda a: a.kind.value, required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    status = Computed(lambda a: a.status.value, required=True)
    edition = Computed(lambda a: a.edition.slug if a.edition else None, allow_none=True)
    timezone = fields.String(required=True)
    effective_date = fields.Date(allow_none=True)
    expiry_date = fields.Date(allow_none=True)
    is_public = fields.Boolean(required=True)
    parties = fields.List(fields.Nested(PartySchema), required=True)
    commitments = fields.List(fields.Nested(CommitmentSchema), required=True)
    updated_at = fields.AwareDateTime(required=True)


# Reviews ----------------------------------------------------------------------------------


class ReviewScoreSchema(Schema):
    criterion_id = fields.Integer(required=True)
    criterion = Computed(lambda s: s.criterion.name, required=True)
    value = fields.Integer(required=True)


class ReviewSchema(Schema):
    id = fields.Integer(required=True)
    showcase_id = fields.Integer(required=True)
    reviewer = Computed(lambda r: r.reviewer.display_name, required=True)
    score = fields.Float(allow_none=True)
    comment = fields.String(required=True)
    submitted_at = fields.AwareDateTime(allow_none=True)
    scores = fields.List(fields.Nested(ReviewScoreSchema), required=True)


class ReviewInput(Schema):
    scores = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,9}$")),
        values=fields.Integer(strict=True, validate=validate.Range(1, 5)),
        load_default=dict,
        metadata={"description": "Score from 1 to 5 by criterion id (the edition's criteria)."},
    )
    overall = fields.Integer(
        strict=True,
        validate=validate.Range(1, 5),
        allow_none=True,
        load_default=None,
        metadata={"description": "The score when the edition has no criteria."},
    )
    comment = Text(5_000, load_default="")

    @validates_schema
    def _some_score(self, data, **_kwargs):
        if not data.get("scores") and data.get("overall") is None:
            raise ValidationError("Give the scores by criterion, or an overall score.", "scores")
