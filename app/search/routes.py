"""The search page: one box, results ranked and highlighted, filtered by kind."""

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access import Audience, access
from app.models import SearchEntry, SearchKind
from app.search.blueprint import bp
from app.search.queries import (
    MAX_QUERY_LENGTH,
    MAX_WORDS,
    highlight,
    parse_query,
    search,
    snippet,
)
from app.security import query_int

KIND_LABELS = {
    SearchKind.SESSION: _l("Sessions"),
    SearchKind.SPEAKER: _l("Speakers"),
    SearchKind.SHOWCASE: _l("Showcases"),
    SearchKind.ORGANISATION: _l("Organisations"),
    SearchKind.THINKLAB: _l("Thinklabs"),
    SearchKind.AGREEMENT: _l("Agreements"),
}
# One result's kind, on its badge.
KIND_BADGES = {
    SearchKind.SESSION: _l("Session"),
    SearchKind.SPEAKER: _l("Speaker"),
    SearchKind.SHOWCASE: _l("Showcase"),
    SearchKind.ORGANISATION: _l("Organisation"),
    SearchKind.THINKLAB: _l("Thinklab"),
    SearchKind.AGREEMENT: _l("Agreement"),
}
NOTICES = {
    "too_long": _l("Only the first %(count)d characters of your search were used."),
    "too_many": _l("Only the first %(count)d words of your search were used."),
    "kind": _l("There is no such kind of result: every kind is shown."),
}
NOTICE_COUNTS = {"too_long": MAX_QUERY_LENGTH, "too_many": MAX_WORDS, "kind": 0}


def result_url(entry: SearchEntry) -> str:
    """The page a result leads to."""
    if entry.kind is SearchKind.SESSION:
        return url_for("program.session_page", id=entry.object_id)
    if entry.kind is SearchKind.SPEAKER:
        return url_for("program.speaker_page", id=entry.object_id)
    if entry.kind is SearchKind.SHOWCASE:
        return url_for("showcases.showcase", id=entry.object_id)
    if entry.kind is SearchKind.ORGANISATION:
        return url_for("showcases.organisation", organisation_id=entry.object_id)
    if entry.kind is SearchKind.THINKLAB:
        return url_for("thinklabs.thinklab", slug=entry.slug)
    return url_for("agreements.agreement", id=entry.object_id)


@bp.get("/search")
@access(Audience.ANONYMOUS)
def results():
    query = parse_query(request.args.get("q"))
    notices = list(query.notices)
    kind = None
    if request.args.get("kind"):
        kind = next((k for k in SearchKind if k.value == request.args["kind"]), None)
        if kind is None:
            notices.append("kind")
    found = search(current_user, query, kind, query_int("page", 1, low=1, high=10_000))
    return render_template(
        "search/results.html",
        found=found,
        query=query,
        notices=[NOTICES[name] % {"count": NOTICE_COUNTS[name]} for name in notices],
        kind_labels={k: str(label) for k, label in KIND_LABELS.items()},
        kind_badges={k: str(label) for k, label in KIND_BADGES.items()},
        result_url=result_url,
        highlight=highlight,
        snippet=snippet,
    )
