"""The team page (organisers and reviewers of an edition) and the review criteria page."""

import re

import pytest
from sqlalchemy import func, select

from app.editions import services
from app.errors import Conflict, FormErrors, NotAllowed
from app.extensions import db
from app.models import (
    EditionRole,
    EditionRoleKind,
    Review,
    ReviewCriterion,
    ReviewScore,
    User,
)
from tests.editions.test_routes import field_error, sign_in, text_of
from tests.factories import make_organisation, make_showcase, make_user


def roles_of(app, edition_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(User.email, EditionRole.role)
            .join(User, EditionRole.user_id == User.id)
            .where(EditionRole.edition_id == edition_id)
        ).all()
    return sorted((email, role.value) for email, role in rows)


def role_id(app, edition_id: int, email: str, role: EditionRoleKind) -> int:
    with app.app_context():
        return db.session.scalar(
            select(EditionRole.id)
            .join(User, EditionRole.user_id == User.id)
            .where(
                EditionRole.edition_id == edition_id, User.email == email, EditionRole.role == role
            )
        )


@pytest.fixture
def reviewer_account(app):
    with app.app_context():
        user = make_user(email="amina.reviewer@casa.test", display_name="Amina Reviewer")
        db.session.commit()
        return user.id


# The team page ----------------------------------------------------------------------------


def test_the_team_page_lists_roles_with_names_and_emails(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    html = text_of(client.get(f"/editions/{casablanca.slug}/manage/team"))
    assert "organiser@casa.test" in html and "Organiser" in html
    assert 'href="/editions/casablanca-smart-city-2023/manage/team" aria-current="page"' in html


def test_an_organiser_grants_a_reviewer_by_email_once(app, client, casablanca, reviewer_account):
    sign_in(client, casablanca.organiser_id)
    url = f"/editions/{casablanca.slug}/manage/team"
    # The address is compared without regard to case or surrounding blanks.
    response = client.post(url, data={"email": " Amina.Reviewer@CASA.test ", "role": "reviewer"})
    assert response.status_code == 302
    page = text_of(client.get(url))
    assert "Amina Reviewer now reviews for this edition." in page
    assert "amina.reviewer@casa.test" in page
    again = client.post(url, data={"email": "amina.reviewer@casa.test", "role": "reviewer"})
    assert again.status_code == 200
    assert "Amina Reviewer already has this role." in field_error(text_of(again), "email")
    assert roles_of(app, casablanca.edition_id).count(("amina.reviewer@casa.test", "reviewer")) == 1


def test_an_unknown_email_is_refused_next_to_the_field(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    before = roles_of(app, casablanca.edition_id)
    response = client.post(
        f"/editions/{casablanca.slug}/manage/team",
        data={"email": "nobody@casa.test", "role": "reviewer"},
    )
    assert response.status_code == 200
    assert "No account uses this address" in field_error(text_of(response), "email")
    assert roles_of(app, casablanca.edition_id) == before


def test_only_site_organisers_grant_and_revoke_organisers(
    app, client, casablanca, reviewer_account
):
    url = f"/editions/{casablanca.slug}/manage/team"
    sign_in(client, casablanca.organiser_id)
    response = client.post(url, data={"email": "amina.reviewer@casa.test", "role": "organiser"})
    assert "Only site organisers may grant" in field_error(text_of(response), "role")
    assert ("amina.reviewer@casa.test", "organiser") not in roles_of(app, casablanca.edition_id)
    # Nor may they take the role away from a fellow organiser.
    with app.app_context():
        fellow = make_user(email="fellow@casa.test")
        db.session.add(
            EditionRole(
                user_id=fellow.id, edition_id=casablanca.edition_id, role=EditionRoleKind.ORGANISER
            )
        )
        db.session.commit()
    fellow_role = role_id(app, casablanca.edition_id, "fellow@casa.test", EditionRoleKind.ORGANISER)
    response = client.post(f"{url}/revoke", data={"role_id": fellow_role}, follow_redirects=True)
    assert "Only site organisers may revoke" in text_of(response)
    assert ("fellow@casa.test", "organiser") in roles_of(app, casablanca.edition_id)

    sign_in(client, casablanca.site_organiser_id)
    response = client.post(url, data={"email": "amina.reviewer@casa.test", "role": "organiser"})
    assert response.status_code == 302
    response = client.post(f"{url}/revoke", data={"role_id": fellow_role})
    assert response.status_code == 302
    assert roles_of(app, casablanca.edition_id) == [
        ("amina.reviewer@casa.test", "organiser"),
        ("organiser@casa.test", "organiser"),
    ]


def test_an_organiser_revokes_a_reviewer(app, client, casablanca, reviewer_account):
    url = f"/editions/{casablanca.slug}/manage/team"
    sign_in(client, casablanca.organiser_id)
    client.post(url, data={"email": "amina.reviewer@casa.test", "role": "reviewer"})
    granted = role_id(
        app, casablanca.edition_id, "amina.reviewer@casa.test", EditionRoleKind.REVIEWER
    )
    response = client.post(f"{url}/revoke", data={"role_id": granted}, follow_redirects=True)
    assert "Amina Reviewer no longer has this role." in text_of(response)
    assert roles_of(app, casablanca.edition_id) == [("organiser@casa.test", "organiser")]


def test_a_role_of_another_edition_cannot_be_revoked_here(app, client, casablanca):
    with app.app_context():
        stranger = make_user(email="stranger@casa.test")
        from app.models import Edition

        other = db.session.scalar(select(Edition).where(Edition.slug == casablanca.other_slug))
        db.session.add(EditionRole(user=stranger, edition=other, role=EditionRoleKind.REVIEWER))
        db.session.commit()
        other_id = other.id
    foreign = role_id(app, other_id, "stranger@casa.test", EditionRoleKind.REVIEWER)
    sign_in(client, casablanca.organiser_id)
    response = client.post(
        f"/editions/{casablanca.slug}/manage/team/revoke",
        data={"role_id": foreign},
        follow_redirects=True,
    )
    assert "This role no longer exists" in text_of(response)
    assert roles_of(app, other_id) == [("stranger@casa.test", "reviewer")]


def test_giving_up_ones_own_last_organiser_role_is_refused(app, client, casablanca):
    with app.test_request_context():
        from app.models import Edition

        edition = db.session.get(Edition, casablanca.edition_id)
        site = make_user(email="siteboss@casa.test", is_organiser=True)
        own = EditionRole(user=site, edition=edition, role=EditionRoleKind.ORGANISER)
        db.session.add(own)
        organiser_role = role_id(app, edition.id, "organiser@casa.test", EditionRoleKind.ORGANISER)
        # With a second organiser, the first may go.
        services.revoke_role(edition, organiser_role, actor=site)
        with pytest.raises(Conflict, match="last organiser"):
            services.revoke_role(edition, own.id, actor=site)
        assert db.session.get(EditionRole, own.id) is not None
        db.session.rollback()


def test_the_team_page_is_for_organisers_only(app, client, casablanca):
    url = f"/editions/{casablanca.slug}/manage/team"
    assert client.get(url).status_code == 302
    for kind in ("attendee_id", "startup_id"):
        sign_in(client, getattr(casablanca, kind))
        assert client.get(url).status_code == 403
        assert client.post(f"{url}/revoke", data={"role_id": 1}).status_code == 403
    sign_in(client, casablanca.organiser_id)
    other = f"/editions/{casablanca.other_slug}/manage/team"
    assert client.get(other).status_code == 403


def test_grant_services_refuse_what_the_page_refuses(app, casablanca):
    with app.test_request_context():
        from app.models import Edition

        edition = db.session.get(Edition, casablanca.edition_id)
        organiser = db.session.get(User, casablanca.organiser_id)
        with pytest.raises(FormErrors) as refused:
            services.grant_role(
                edition, email="ghost@casa.test", role=EditionRoleKind.ORGANISER, actor=organiser
            )
        assert set(refused.value.errors) == {"email", "role"}
        reviewer = services.grant_role(
            edition, email="organiser@casa.test", role=EditionRoleKind.REVIEWER, actor=organiser
        )
        assert reviewer.role is EditionRoleKind.REVIEWER
        with pytest.raises(NotAllowed):
            services.revoke_role(
                edition,
                role_id(app, edition.id, "organiser@casa.test", EditionRoleKind.ORGANISER),
                actor=organiser,
            )
        db.session.rollback()


# Review criteria --------------------------------------------------------------------------


def criteria_of(app, edition_id: int) -> list[tuple[str, int]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                select(ReviewCriterion.name, ReviewCriterion.weight)
                .where(ReviewCriterion.edition_id == edition_id)
                .order_by(ReviewCriterion.position, ReviewCriterion.id)
            )
        ]


def test_an_organiser_adds_edits_and_deletes_criteria(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    url = f"/editions/{casablanca.slug}/manage/criteria"
    assert "Impact" in text_of(client.get(url))
    response = client.post(url, data={"name": "Maturity", "description": "TRL", "weight": 3})
    assert response.status_code == 302
    assert criteria_of(app, casablanca.edition_id) == [("Impact", 2), ("Maturity", 3)]
    with app.app_context():
        maturity = db.session.scalar(
            select(ReviewCriterion.id).where(ReviewCriterion.name == "Maturity")
        )
    edit = f"{url}/{maturity}/edit"
    form = text_of(client.get(edit))
    assert 'value="Maturity"' in form and "Edit “Maturity”" in form
    response = client.post(edit, data={"name": "Maturity", "weight": 1, "position": 5})
    assert response.status_code == 302
    assert criteria_of(app, casablanca.edition_id) == [("Impact", 2), ("Maturity", 1)]
    response = client.post(f"{url}/{maturity}/delete", follow_redirects=True)
    assert "Review criterion deleted." in text_of(response)
    assert criteria_of(app, casablanca.edition_id) == [("Impact", 2)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Impact", "weight": 1}, "name", "already has a criterion with this name"),
        ({"name": "Reach", "weight": 0}, "weight", "from 1 to 100"),
        ({"name": "Reach", "weight": -4}, "weight", "from 1 to 100"),
        ({"name": "Reach", "weight": "heavy"}, "weight", "Not a valid integer"),
        ({"name": "", "weight": 1}, "name", "required"),
    ],
)
def test_bad_criteria_are_refused_next_to_the_field(app, client, casablanca, data, field, message):
    sign_in(client, casablanca.organiser_id)
    response = client.post(f"/editions/{casablanca.slug}/manage/criteria", data=data)
    assert response.status_code == 200
    assert message in field_error(text_of(response), field)
    assert criteria_of(app, casablanca.edition_id) == [("Impact", 2)]


def test_a_criterion_with_scores_is_not_deleted(app, client, casablanca):
    with app.app_context():
        from app.models import Edition

        edition = db.session.get(Edition, casablanca.edition_id)
        criterion = edition.review_criteria[0]
        showcase = make_showcase(edition, make_organisation())
        reviewer = make_user()
        review = Review(showcase=showcase, reviewer=reviewer, score=4.0)
        review.scores.append(ReviewScore(criterion=criterion, value=4))
        db.session.add(review)
        db.session.commit()
        criterion_id = criterion.id
    sign_in(client, casablanca.organiser_id)
    response = client.post(
        f"/editions/{casablanca.slug}/manage/criteria/{criterion_id}/delete",
        follow_redirects=True,
    )
    html = text_of(response)
    assert "Reviewers already gave 1 score(s) on “Impact”" in html
    assert criteria_of(app, casablanca.edition_id) == [("Impact", 2)]


def test_a_criterion_of_another_edition_is_not_found_here(app, client, casablanca):
    with app.app_context():
        from app.models import Edition

        other = db.session.scalar(select(Edition).where(Edition.slug == casablanca.other_slug))
        foreign = ReviewCriterion(edition=other, name="Elsewhere")
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    sign_in(client, casablanca.organiser_id)
    base = f"/editions/{casablanca.slug}/manage/criteria/{foreign_id}"
    assert client.get(f"{base}/edit").status_code == 404
    assert client.post(f"{base}/delete").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(ReviewCriterion.id == foreign_id))


# Navigation -------------------------------------------------------------------------------


def manage_link(html: str) -> bool:
    return bool(re.search(r'<a href="/manage">Manage</a>', html))


def test_the_manage_link_shows_to_those_who_organise_something(app, client, casablanca):
    assert not manage_link(text_of(client.get("/")))
    for kind, shown in [
        ("attendee_id", False),
        ("startup_id", False),
        ("organiser_id", True),
        ("site_organiser_id", True),
    ]:
        sign_in(client, getattr(casablanca, kind))
        assert manage_link(text_of(client.get("/"))) is shown, kind


def test_the_edition_page_offers_its_programme_and_managing_it(app, client, casablanca):
    url = f"/editions/{casablanca.slug}"
    programme = f'href="/editions/{casablanca.slug}/programme"'
    manage = f'href="/editions/{casablanca.slug}/manage"'
    html = text_of(client.get(url))
    assert programme in html and manage not in html
    sign_in(client, casablanca.attendee_id)
    assert manage not in text_of(client.get(url))
    sign_in(client, casablanca.organiser_id)
    html = text_of(client.get(url))
    assert manage in html and "Manage this edition" in html
    # An organiser of another edition sees it without the offer.
    assert f'href="/editions/{casablanca.other_slug}/manage"' not in text_of(
        client.get(f"/editions/{casablanca.other_slug}")
    )
