"""The showcase pages through the test client: delegates, reviewers, organisers, bad input."""

import html
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Edition,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Review,
    Showcase,
    ShowcaseMaterial,
    ShowcaseStatus,
    ShowcaseTransition,
    User,
    utcnow,
)
from app.models.organisations import OrganisationInvitation
from app.showcases import services
from tests.showcases.conftest import HTML, PDF, PNG, SVG, set_call, stored_files
from tests.support import sign_in

S = ShowcaseStatus


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def create(client, agora, title="Casa Covoit'", **data):
    values = {"title": title, "kind": "system", "summary": "Shared rides.", "track_id": ""}
    values.update(data)
    return client.post("/editions/casa-2027/showcases/new", data=values)


def new_showcase(app, client, agora, title="Casa Covoit'") -> int:
    sign_in(client, agora.founder)
    response = create(client, agora, title)
    assert response.status_code == 302, text(response)[:800]
    return int(re.search(r"/showcases/(\d+)/edit", response.location).group(1))


def version_of(app, showcase_id: int) -> int:
    with app.app_context():
        return db.session.get(Showcase, showcase_id).version_id


def submit(client, app, agora, showcase_id, track=0):
    return client.post(
        f"/showcases/{showcase_id}/submit",
        data={"version": version_of(app, showcase_id), "track_id": agora.tracks[track]},
    )


def upload(client, showcase_id, *files):
    return client.post(
        f"/showcases/{showcase_id}/materials",
        data={"file": [(io.BytesIO(data), name) for data, name in files]},
        content_type="multipart/form-data",
    )


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def submitted_showcase(app, client, agora, title="Casa Covoit'") -> int:
    showcase_id = new_showcase(app, client, agora, title)
    assert submit(client, app, agora, showcase_id).status_code == 302
    return showcase_id


# Delegates --------------------------------------------------------------------------------


def test_a_delegate_creates_uploads_and_submits_once_even_double_clicking(app, client, agora):
    showcase_id = new_showcase(app, client, agora)
    again = create(client, agora)
    assert again.status_code == 302 and f"/showcases/{showcase_id}/edit" in again.location
    assert count(app, Showcase) == 1

    page = client.get(f"/showcases/{showcase_id}/edit")
    assert page.status_code == 200 and "Submit the showcase" in text(page)

    assert upload(client, showcase_id, (PDF, "deck.pdf")).status_code == 302
    assert count(app, ShowcaseMaterial) == 1

    version = version_of(app, showcase_id)
    data = {"version": version, "track_id": agora.tracks[0]}
    first = client.post(f"/showcases/{showcase_id}/submit", data=data)
    second = client.post(f"/showcases/{showcase_id}/submit", data=data)
    assert first.status_code == second.status_code == 302
    follow = client.get(second.location)
    assert "already submitted" in text(follow)
    assert count(app, ShowcaseTransition, ShowcaseTransition.showcase_id == showcase_id) == 2
    assert count(app, OutboxMessage, OutboxMessage.kind == "showcases.received") == 1


def test_the_organisations_page_lists_status_and_history(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    sign_in(client, agora.cofounder)
    page = text(client.get(f"/organisations/{agora.startup}/showcases"))
    assert "Casa Covoit'" in page and "Submitted" in page
    assert "Draft → " in page or "Draft →" in page
    assert client.get(f"/showcases/{showcase_id}").status_code == 200


def test_html_in_titles_and_summaries_is_stored_as_typed_and_always_escaped(app, client, agora):
    sign_in(client, agora.founder)
    response = create(
        client,
        agora,
        title='<script>alert("t")</script>',
        summary="Line one\n<img src=x onerror=alert(1)>\n\nSecond paragraph",
    )
    showcase_id = int(re.search(r"/showcases/(\d+)/edit", response.location).group(1))
    with app.app_context():
        stored = db.session.get(Showcase, showcase_id)
        assert stored.title == '<script>alert("t")</script>'
    raw = client.get(f"/showcases/{showcase_id}").get_data(as_text=True)
    assert "<script>alert" not in raw and "<img src=x" not in raw
    assert "&lt;script&gt;" in raw
    assert "Line one<br>&lt;img" in raw and "<p>Second paragraph</p>" in raw


def test_a_delegate_of_another_organisation_cannot_edit_by_url(app, client, agora):
    showcase_id = new_showcase(app, client, agora)
    for user in (agora.rival, agora.attendee, agora.organiser, agora.reviewer_a):
        sign_in(client, user)
        assert client.get(f"/showcases/{showcase_id}/edit").status_code == 403
        posted = client.post(
            f"/showcases/{showcase_id}/edit",
            data={"title": "Hijacked", "kind": "project", "version": 1},
        )
        assert posted.status_code == 403
        assert upload(client, showcase_id, (PDF, "x.pdf")).status_code == 403
        deleted = client.post(f"/showcases/{showcase_id}/delete", data={"confirm": "yes"})
        assert deleted.status_code == 403
        expected = 200 if user == agora.organiser else 404
        assert client.get(f"/showcases/{showcase_id}").status_code == expected
    with app.app_context():
        assert db.session.get(Showcase, showcase_id).title == "Casa Covoit'"
    assert count(app, ShowcaseMaterial) == 0


def test_unknown_track_or_a_track_of_another_edition_is_refused(app, client, agora):
    sign_in(client, agora.founder)
    for bad in ("999999", str(agora.other_track)):
        response = create(client, agora, track_id=bad)
        assert response.status_code == 422
        assert "Choose one of this edition's axes." in text(response)
    assert count(app, Showcase) == 0
    showcase_id = new_showcase(app, client, agora)
    response = client.post(
        f"/showcases/{showcase_id}/submit",
        data={"version": version_of(app, showcase_id), "track_id": agora.other_track},
    )
    assert response.status_code == 422
    assert count(app, Showcase, Showcase.status == S.SUBMITTED) == 0


def test_after_the_call_closes_nothing_is_created_or_changed(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    with app.app_context():
        set_call(db.session.get(Edition, agora.edition), timedelta(days=-20), timedelta(minutes=-1))
        db.session.commit()
    response = create(client, agora, "Late one")
    assert response.status_code == 409 and "Closed" in text(response)
    page = text(client.get(f"/showcases/{showcase_id}/edit"))
    assert "call for showcases is closed" in page and 'name="title"' not in page
    response = client.post(
        f"/showcases/{showcase_id}/edit",
        data={"title": "Changed", "kind": "project", "version": version_of(app, showcase_id)},
    )
    assert response.status_code == 409
    assert upload(client, showcase_id, (PDF, "late.pdf")).status_code == 409
    with app.app_context():
        assert db.session.get(Showcase, showcase_id).title == "Casa Covoit'"
    assert count(app, Showcase) == 1


def test_a_stale_edit_is_refused_and_says_so(app, client, agora):
    showcase_id = new_showcase(app, client, agora)
    old = version_of(app, showcase_id)
    form = {"title": "First change", "kind": "project", "summary": "", "version": old}
    assert client.post(f"/showcases/{showcase_id}/edit", data=form).status_code == 302
    form["title"] = "Second change"
    response = client.post(f"/showcases/{showcase_id}/edit", data=form)
    assert response.status_code == 409
    assert "changed by someone else" in text(response)


def test_withdrawal_needs_confirmation_and_is_refused_once_the_programme_is_out(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    assert client.post(f"/showcases/{showcase_id}/withdraw", data={}).status_code == 200
    assert count(app, Showcase, Showcase.status == S.WITHDRAWN) == 0
    response = client.post(
        f"/showcases/{showcase_id}/withdraw", data={"confirm": "y", "note": "Postponed"}
    )
    assert response.status_code == 302
    assert count(app, Showcase, Showcase.status == S.WITHDRAWN) == 1
    other = submitted_showcase(app, client, agora, "Another")
    with app.app_context():
        db.session.get(Edition, agora.edition).programme_published_at = utcnow()
        db.session.commit()
    page = client.post(f"/showcases/{other}/withdraw", data={"confirm": "y"})
    assert "programme of this edition is published" in text(page)
    assert count(app, Showcase, Showcase.status == S.WITHDRAWN) == 1


# Materials --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (HTML, "deck.pdf", "only PDF, PNG, JPEG files"),
        (SVG, "logo.svg", "only PDF, PNG, JPEG files"),
        (PNG, "deck.pdf", "rename it with the extension .png"),
        (PDF, "../../x", "without folders"),
    ],
)
def test_disguised_files_and_path_names_are_refused_clearly(
    app, client, agora, uploads_dir, data, name, message
):
    showcase_id = new_showcase(app, client, agora)
    response = upload(client, showcase_id, (PDF, "good.pdf"), (data, name))
    assert response.status_code == 422
    assert message in text(response)
    assert count(app, ShowcaseMaterial) == 0
    assert stored_files(uploads_dir) == []


def test_a_20_mb_upload_gets_a_clear_413_page(app, client, agora, uploads_dir):
    showcase_id = new_showcase(app, client, agora)
    response = upload(client, showcase_id, (PDF + b"0" * (20 * 1024 * 1024), "huge.pdf"))
    assert response.status_code == 413
    page = text(response)
    assert "This file is too large" in page and "Nothing was saved" in page
    assert f"/showcases/{showcase_id}/edit" in page
    assert count(app, ShowcaseMaterial) == 0
    assert stored_files(uploads_dir) == []


def test_a_file_over_the_material_limit_is_refused(app, client, agora, monkeypatch):
    monkeypatch.setitem(app.config, "SHOWCASE_MAX_MATERIAL_BYTES", 1024)
    showcase_id = new_showcase(app, client, agora)
    response = upload(client, showcase_id, (PDF + b"0" * 2048, "big.pdf"))
    assert response.status_code == 422
    assert "larger than 1 KB; nothing was saved" in text(response)


def test_downloads_are_attachments_with_nosniff_and_only_for_who_may_see(app, client, agora):
    showcase_id = new_showcase(app, client, agora)
    upload(client, showcase_id, (PDF, "Plan d'action.pdf"))
    with app.app_context():
        material_id = db.session.scalar(sa.select(ShowcaseMaterial.id))
    url = f"/showcases/{showcase_id}/materials/{material_id}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Plan_daction.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for outsider in (agora.rival, agora.attendee, agora.reviewer_b):
        sign_in(client, outsider)
        assert client.get(url).status_code == 404
    assert app.test_client().get(url).status_code == 404
    sign_in(client, agora.founder)
    assert client.get(f"/showcases/{showcase_id}/materials/{material_id + 1}").status_code == 404


def test_a_delegate_deletes_a_material_and_its_file(app, client, agora, uploads_dir):
    showcase_id = new_showcase(app, client, agora)
    upload(client, showcase_id, (PDF, "deck.pdf"))
    with app.app_context():
        material_id = db.session.scalar(sa.select(ShowcaseMaterial.id))
    url = f"/showcases/{showcase_id}/materials/{material_id}/delete"
    client.post(url, data={})
    assert count(app, ShowcaseMaterial) == 1
    client.post(url, data={"confirm": "yes"})
    assert count(app, ShowcaseMaterial) == 0
    assert stored_files(uploads_dir) == []


# Reviewers --------------------------------------------------------------------------------


def assign(app, showcase_id, *reviewers):
    with app.app_context():
        showcase = db.session.get(Showcase, showcase_id)
        for reviewer_id in reviewers:
            services.assign(showcase, db.session.get(User, reviewer_id), None)
        db.session.commit()


def score_form(agora, relevance, maturity, comment=""):
    return {
        f"criterion-{agora.criteria[0]}": relevance,
        f"criterion-{agora.criteria[1]}": maturity,
        "comment": comment,
    }


def test_a_reviewer_scores_only_what_is_assigned(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    assign(app, showcase_id, agora.reviewer_a)
    sign_in(client, agora.reviewer_b)
    assert client.get(f"/showcases/{showcase_id}/review").status_code == 403
    response = client.post(f"/showcases/{showcase_id}/review", data=score_form(agora, 5, 5))
    assert response.status_code == 403
    assert client.get(f"/showcases/{showcase_id}").status_code == 404
    assert count(app, Review) == 0


def test_reviewers_see_each_others_scores_only_after_scoring(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    assign(app, showcase_id, agora.reviewer_a, agora.reviewer_b)
    sign_in(client, agora.reviewer_a)
    listing = text(client.get("/reviews"))
    assert "Casa Covoit'" in listing and "to do" in listing
    response = client.post(
        f"/showcases/{showcase_id}/review", data=score_form(agora, 5, 2, "Solid <b>team</b>")
    )
    assert response.status_code == 302
    sign_in(client, agora.reviewer_b)
    page = text(client.get(f"/showcases/{showcase_id}/review"))
    assert "once you have saved your own" in page and "Solid" not in page
    bad = client.post(f"/showcases/{showcase_id}/review", data=score_form(agora, 7, 2))
    assert bad.status_code == 422 and "from 1 to 5" in text(bad)
    client.post(f"/showcases/{showcase_id}/review", data=score_form(agora, 3, 3))
    raw = client.get(f"/showcases/{showcase_id}/review").get_data(as_text=True)
    assert "Solid &lt;b&gt;team&lt;/b&gt;" in raw and "4.00" in raw


def test_the_reviewer_of_the_showcases_own_organisation_cannot_be_assigned(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    sign_in(client, agora.organiser)
    page = text(client.get(f"/showcases/{showcase_id}/manage"))
    assert "Not offered, as members of Dar Mobility: Insider" in page
    response = client.post(
        f"/showcases/{showcase_id}/manage/assign", data={"reviewer_id": agora.reviewer_inside}
    )
    assert "never reviews their own organisation" in text(client.get(response.location))
    assert count(app, Showcase, Showcase.status == S.UNDER_REVIEW) == 0


# Organisers -------------------------------------------------------------------------------


def test_organisers_rank_decide_in_bulk_and_release_the_mails(app, client, agora):
    first = submitted_showcase(app, client, agora, "First")
    second = submitted_showcase(app, client, agora, "Second")
    assign(app, first, agora.reviewer_a)
    sign_in(client, agora.reviewer_a)
    client.post(f"/showcases/{first}/review", data=score_form(agora, 5, 5))

    sign_in(client, agora.organiser)
    page = text(client.get("/editions/casa-2027/manage/showcases"))
    assert page.index("First") < page.index("Second") and "5.00" in page
    response = client.post(
        "/editions/casa-2027/manage/showcases/decide",
        data={"showcase_ids": [first, second], "decision": "accepted", "note": "Jury"},
    )
    assert "2 decisions recorded" in text(client.get(response.location))
    assert count(app, Showcase, Showcase.status == S.ACCEPTED) == 2
    assert count(app, OutboxMessage, OutboxMessage.status == OutboxStatus.DRAFT) == 2

    client.post(f"/showcases/{second}/manage/decide", data={"decision": "waitlisted"})
    mails = text(client.get("/editions/casa-2027/manage/showcases/mails"))
    assert "Release 2 mails" in mails and "waiting list" in mails
    with app.app_context():
        ids = db.session.scalars(
            sa.select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.DRAFT)
        ).all()
    response = client.post(
        "/editions/casa-2027/manage/showcases/mails/release", data={"message_ids": ids}
    )
    assert "2 mails released" in text(client.get(response.location))
    again = client.post(
        "/editions/casa-2027/manage/showcases/mails/release", data={"message_ids": ids}
    )
    assert "already released" in text(client.get(again.location))
    with app.app_context():
        statuses = db.session.scalars(
            sa.select(OutboxMessage.status).where(OutboxMessage.kind.like("showcases.decision%"))
        ).all()
    assert statuses == [OutboxStatus.PENDING, OutboxStatus.PENDING]


def test_organisers_place_an_accepted_showcase(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    sign_in(client, agora.organiser)
    client.post(f"/showcases/{showcase_id}/manage/decide", data={"decision": "accepted"})
    assert (
        client.post(
            f"/showcases/{showcase_id}/manage/stand", data={"stand_number": "B07"}
        ).status_code
        == 302
    )
    client.post(f"/showcases/{showcase_id}/manage/sessions", data={"session_id": agora.slot})
    page = text(client.get(f"/showcases/{showcase_id}"))
    assert "B07" in page and "Agora des showcases" in page
    other = submitted_showcase(app, client, agora, "Other")
    sign_in(client, agora.organiser)
    client.post(f"/showcases/{other}/manage/decide", data={"decision": "accepted"})
    taken = client.post(f"/showcases/{other}/manage/stand", data={"stand_number": "B07"})
    assert taken.status_code == 422 and "already" in text(taken)


def test_organisers_assign_a_whole_axis_to_a_reviewer(app, client, agora):
    first = submitted_showcase(app, client, agora, "First")
    sign_in(client, agora.organiser)
    page = text(client.get("/editions/casa-2027/manage/reviewers"))
    assert "Leïla" in page and "Insider" in page
    response = client.post(
        "/editions/casa-2027/manage/reviewers/tracks",
        data={"reviewer_id": agora.reviewer_inside, "track_id": agora.tracks[0]},
    )
    flashed = text(client.get(response.location))
    assert "0 showcase(s) assigned now" in flashed and "Left out" in flashed
    response = client.post(
        "/editions/casa-2027/manage/reviewers/tracks",
        data={"reviewer_id": agora.reviewer_a, "track_id": agora.tracks[0]},
    )
    assert "1 showcase(s) assigned now" in text(client.get(response.location))
    foreign = client.post(
        "/editions/casa-2027/manage/reviewers/tracks",
        data={"reviewer_id": agora.reviewer_a, "track_id": agora.other_track},
    )
    assert "one of this edition's axes" in text(client.get(foreign.location))
    later = submitted_showcase(app, client, agora, "Later")
    sign_in(client, agora.reviewer_a)
    assert client.get(f"/showcases/{later}/review").status_code == 200
    assert client.get(f"/showcases/{first}/review").status_code == 200
    sign_in(client, agora.reviewer_inside)
    assert client.get(f"/showcases/{later}/review").status_code == 403


# Organisations and invitations ------------------------------------------------------------


def test_a_user_creates_an_organisation_and_becomes_its_delegate(app, client, agora):
    sign_in(client, agora.attendee)
    taken = client.post(
        "/organisations/new", data={"name": "dar mobility", "kind": "startup", "country": "MA"}
    )
    assert taken.status_code == 200 and "already on Agora" in text(taken)
    bad = client.post(
        "/organisations/new",
        data={"name": "Civic", "kind": "startup", "country": "XX", "website": "javascript:x"},
    )
    assert "Choose a country" in text(bad) and "https://example.org" in text(bad)
    response = client.post(
        "/organisations/new",
        data={
            "name": "Civic Lab",
            "kind": "innovator",
            "country": "ma",
            "city": "Fès",
            "website": "civiclab.ma",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.name == "Civic Lab")
        )
        assert organisation.country == "MA" and organisation.website == "https://civiclab.ma"
        assert db.session.get(User, agora.attendee).organisation_id == organisation.id


def test_a_logo_is_checked_and_served_as_an_image(app, client, agora):
    sign_in(client, agora.founder)
    url = f"/organisations/{agora.startup}/logo"
    refused = client.post(
        url, data={"logo": (io.BytesIO(SVG), "logo.svg")}, content_type="multipart/form-data"
    )
    assert "only PNG, JPEG files" in text(client.get(refused.location))
    client.post(
        url, data={"logo": (io.BytesIO(PNG), "logo.png")}, content_type="multipart/form-data"
    )
    served = app.test_client().get(url)
    assert served.status_code == 200 and served.data == PNG
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def invitation_link(app) -> str:
    with app.app_context():
        message = db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "organisations.invitation")
        )
        return re.search(r"http://agora\.test(/invitations/\S+)", message.body_text).group(1)


def test_a_delegate_invites_a_colleague_whose_link_works_once(app, client, agora):
    sign_in(client, agora.founder)
    client.post(f"/organisations/{agora.startup}/invitations", data={"email": "Thomas@Example.org"})
    link = invitation_link(app)
    with app.app_context():
        invitation = db.session.scalar(sa.select(OrganisationInvitation))
        assert invitation.email == "thomas@example.org"
        assert link.rsplit("/", 1)[1] not in invitation.token_hash
    sign_in(client, agora.rival)
    wrong = client.post(link, data={})
    assert "sent to thomas@example.org" in text(wrong)
    sign_in(client, agora.attendee)
    assert "Represent Dar Mobility" in text(client.get(link))
    response = client.post(link, data={})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, agora.attendee).organisation_id == agora.startup
    assert client.get(link).status_code == 404
    assert "already used" in text(client.get(link))


def test_an_invitation_to_someone_who_represents_another_organisation(app, client, agora):
    sign_in(client, agora.founder)
    client.post(f"/organisations/{agora.startup}/invitations", data={"email": "rival@qanat.ma"})
    link = invitation_link(app)
    sign_in(client, agora.rival)
    page = client.post(link, data={})
    assert "accepting makes you leave it" in text(page)
    client.post(link, data={"leave_current": "y"})
    with app.app_context():
        assert db.session.get(User, agora.rival).organisation_id == agora.startup


def test_a_revoked_invitation_no_longer_works(app, client, agora):
    sign_in(client, agora.founder)
    client.post(f"/organisations/{agora.startup}/invitations", data={"email": "thomas@example.org"})
    link = invitation_link(app)
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(OrganisationInvitation.id))
    client.post(
        f"/organisations/{agora.startup}/invitations/revoke", data={"invitation_id": invitation_id}
    )
    sign_in(client, agora.attendee)
    assert "withdrawn" in text(client.get(link))


def test_the_delegates_listed_leave_out_disabled_accounts(app, client, agora):
    with app.app_context():
        db.session.get(User, agora.cofounder).is_disabled = True
        db.session.commit()
    sign_in(client, agora.founder)
    page = text(client.get(f"/organisations/{agora.startup}"))
    assert "salma@darmobility.ma" in page
    assert "omar@darmobility.ma" not in page
