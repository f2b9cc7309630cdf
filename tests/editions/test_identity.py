"""An edition's identity: logo and banner checked by their bytes and kept re-encoded,
an accent colour that text stays readable on, key figures, and the home page's order."""

import io
import struct
import zlib
from datetime import date

import pytest
from PIL import Image

from app.colours import AA_TEXT, contrast, ink_on_page, text_on
from app.editions import queries, services
from app.errors import FormErrors
from app.extensions import db
from app.models import (
    AgreementKind,
    Edition,
    EditionStatus,
    SessionStatus,
    ShowcaseStatus,
    utcnow,
)
from app.uploads import UploadRefused, path_of
from tests.factories import (
    add_speaker,
    make_agreement,
    make_edition,
    make_organisation,
    make_session,
    make_showcase,
    make_speaker,
)
from tests.support import sign_in


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def picture(fmt="PNG", size=(800, 600), mode="RGB", exif=False) -> bytes:
    image = Image.new(mode, size, (200, 40, 40) if mode == "RGB" else (200, 40, 40, 128))
    out = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0131] = "Leaky editor 1.0"  # Software
        options["exif"] = data.tobytes()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def bomb(width=50_000, height=50_000) -> bytes:
    """A tiny PNG whose header announces ``width`` × ``height`` pixels."""
    raw = bytearray(picture(size=(1, 1)))
    header = struct.pack(">II", width, height) + bytes(raw[24:29])
    raw[16:29] = header
    raw[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header) & 0xFFFFFFFF)
    return bytes(raw)


def stored_image(key: str) -> Image.Image:
    return Image.open(path_of(queries.PICTURES_AREA, key))


# The picture store --------------------------------------------------------------------


def test_a_logo_is_shrunk_to_512_pixels_and_kept_as_png(app_ctx):
    edition = make_edition()
    services.set_picture(edition, "logo", io.BytesIO(picture(size=(2000, 1000))), "logo.png")
    image = stored_image(edition.logo_key)
    assert image.format == "PNG" and image.size == (512, 256)


def test_a_banner_is_shrunk_to_1600_pixels_wide_and_loses_its_metadata(app_ctx):
    edition = make_edition()
    upload = picture("JPEG", size=(3200, 1200), exif=True)
    assert b"SecretCam" in upload
    services.set_picture(edition, "banner", io.BytesIO(upload), "photo.jpeg")
    path = path_of(queries.PICTURES_AREA, edition.banner_key)
    assert b"SecretCam" not in path.read_bytes() and b"Leaky" not in path.read_bytes()
    image = stored_image(edition.banner_key)
    assert image.format == "JPEG" and image.size == (1600, 600)
    assert dict(image.getexif()) == {}


def test_a_webp_picture_is_accepted_and_a_transparent_one_stays_transparent(app_ctx):
    edition = make_edition()
    services.set_picture(edition, "banner", io.BytesIO(picture("WEBP")), "b.webp")
    assert stored_image(edition.banner_key).format == "JPEG"
    services.set_picture(edition, "logo", io.BytesIO(picture(mode="RGBA")), "l.png")
    assert stored_image(edition.logo_key).mode == "RGBA"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Just some notes, not a picture at all.\n" * 10, "logo.png"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "l.svg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "logo.png"),
        (b"%PDF-1.7\n%%EOF", "logo.png"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "logo.gif"),
        (picture()[:60], "truncated.png"),
    ],
    ids=["renamed-text", "svg", "svg-named-png", "pdf", "gif", "truncated"],
)
def test_anything_but_a_png_jpeg_or_webp_picture_is_refused(app_ctx, uploads, content, name):
    edition = make_edition()
    with pytest.raises(UploadRefused, match="not a picture Agora accepts"):
        services.set_picture(edition, "logo", io.BytesIO(content), name)
    assert edition.logo_key is None
    folder = uploads / queries.PICTURES_AREA
    assert not folder.exists() or not any(folder.iterdir())


def test_a_decompression_bomb_is_refused_before_it_is_decoded(app_ctx):
    edition = make_edition()
    payload = bomb()
    assert len(payload) < 100
    with pytest.raises(UploadRefused, match="too many pixels"):
        services.set_picture(edition, "banner", io.BytesIO(payload), "bomb.png")


def test_a_file_over_the_size_limit_is_refused(app_ctx):
    edition = make_edition()
    with pytest.raises(UploadRefused, match="larger than 2 MB"):
        services.set_picture(edition, "logo", io.BytesIO(b"\x89PNG" + b"0" * (2 << 20)), "a.png")


# Colours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "colour",
    [
        "#000000",
        "#ffffff",
        "#777777",
        "#808080",
        "#f2c14e",
        "#0f766e",
        "#ff0000",
        "#00ff00",
        "#0000ff",
        "#ffff00",
        "#76777a",
        "#5e8d9b",
    ],
)
def test_text_on_any_accent_keeps_aa_contrast(colour):
    assert contrast(colour, text_on(colour)) >= AA_TEXT
    assert contrast(ink_on_page(colour), "#ffffff") >= AA_TEXT


def test_text_on_every_grey_keeps_aa_contrast():
    for level in range(256):
        colour = f"#{level:02x}{level:02x}{level:02x}"
        assert contrast(colour, text_on(colour)) >= AA_TEXT, colour


def test_an_accent_must_be_written_rrggbb(app_ctx):
    edition = make_edition()
    for bad in ("red", "#abc", "#12345g", "rgb(1,2,3)", "#1234567"):
        with pytest.raises(FormErrors):
            services.save_identity(edition, accent_colour=bad, frame_origins="")
    services.save_identity(edition, accent_colour="#0F766E", frame_origins="")
    assert edition.accent_colour == "#0f766e"
    services.save_identity(edition, accent_colour="", frame_origins="")
    assert edition.accent_colour is None


# Organiser pages ----------------------------------------------------------------------


def test_the_organiser_uploads_replaces_and_removes_the_logo(app, client, casablanca, uploads):
    sign_in(client, casablanca.organiser_id)
    page = client.get(f"/editions/{casablanca.slug}/manage")
    assert f"/editions/{casablanca.slug}/manage/identity" in page.get_data(as_text=True)
    url = f"/editions/{casablanca.slug}/manage/identity/logo"
    sent = client.post(url, data={"logo-picture": (io.BytesIO(picture()), "logo.png")})
    assert sent.status_code == 302

    def logo_key():
        with app.app_context():
            return db.session.get(Edition, casablanca.edition_id).logo_key

    first = logo_key()
    shown = client.get(f"/editions/{casablanca.slug}/logo")
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert Image.open(io.BytesIO(shown.data)).size == (512, 384)
    client.post(url, data={"logo-picture": (io.BytesIO(picture("JPEG")), "new.jpg")})
    second = logo_key()
    with app.app_context():
        assert second != first and not path_of(queries.PICTURES_AREA, first).exists()
    client.post(url, data={"remove": "1"})
    assert logo_key() is None
    with app.app_context():
        assert not path_of(queries.PICTURES_AREA, second).exists()
    assert client.get(f"/editions/{casablanca.slug}/logo").status_code == 404


def test_a_renamed_text_file_gets_a_form_message(client, casablanca):
    sign_in(client, casablanca.organiser_id)
    answer = client.post(
        f"/editions/{casablanca.slug}/manage/identity/banner",
        data={"banner-picture": (io.BytesIO(b"hello, I am text"), "banner.jpg")},
    )
    assert answer.status_code == 422
    assert "is not a picture Agora accepts" in answer.get_data(as_text=True)
    nothing = client.post(f"/editions/{casablanca.slug}/manage/identity/banner", data={})
    assert nothing.status_code == 422
    assert "Choose a PNG, JPEG or WebP picture." in nothing.get_data(as_text=True)


def test_the_organiser_sets_the_accent_and_the_framing_sites(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    url = f"/editions/{casablanca.slug}/manage/identity"
    refused = client.post(url, data={"accent_colour": "teal", "frame_origins": "*"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Give a colour as #rrggbb" in text and "is not a site address" in text
    saved = client.post(
        url,
        data={
            "accent_colour": "#F2C14E",
            "frame_origins": "https://www.casablanca.ma\nhttps://agenda.casablanca.ma/",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        edition = db.session.get(Edition, casablanca.edition_id)
        assert edition.accent_colour == "#f2c14e"
        assert edition.framing_sites == [
            "https://www.casablanca.ma",
            "https://agenda.casablanca.ma",
        ]
    page = client.get(url).get_data(as_text=True)
    assert "https://agenda.casablanca.ma" in page and "embed=1" in page


def test_the_public_page_carries_the_accent_banner_and_logo(app, client, casablanca):
    with app.app_context():
        edition = db.session.get(Edition, casablanca.edition_id)
        services.set_picture(edition, "logo", io.BytesIO(picture()), "l.png")
        services.set_picture(edition, "banner", io.BytesIO(picture()), "b.png")
        edition.accent_colour = "#f2c14e"
        db.session.commit()
    page = client.get(f"/editions/{casablanca.slug}").get_data(as_text=True)
    assert f"/editions/{casablanca.slug}/identity.css?v=f2c14e" in page
    assert f'src="/editions/{casablanca.slug}/banner?v=' in page
    assert "Logo of Casablanca Smart City 2023" in page
    css = client.get(f"/editions/{casablanca.slug}/identity.css")
    assert css.mimetype == "text/css"
    body = css.get_data(as_text=True)
    # A light yellow accent: dark text on it, and a darker shade for headings.
    assert "--accent: #f2c14e;" in body and "--on-accent: #111111;" in body
    ink = body.split("--accent-ink: ")[1][:7]
    assert contrast(ink, "#ffffff") >= AA_TEXT
    assert "/editions/" in client.get("/").get_data(as_text=True)


def test_a_draft_editions_pictures_are_not_public(app, client):
    with app.app_context():
        draft = make_edition(slug="draft-identity", status=EditionStatus.DRAFT)
        services.set_picture(draft, "logo", io.BytesIO(picture()), "l.png")
        db.session.commit()
    assert client.get("/editions/draft-identity/logo").status_code == 404
    assert client.get("/editions/draft-identity/identity.css").status_code == 404


# Key figures and the home page ----------------------------------------------------------


def test_key_figures_count_what_the_public_may_know(app_ctx):
    edition = make_edition()
    other = make_edition()
    org, partner = make_organisation(), make_organisation()
    announced = make_showcase(edition, org, status=ShowcaseStatus.ACCEPTED)
    announced.decision_released_at = utcnow()
    make_showcase(edition, org, status=ShowcaseStatus.ACCEPTED)  # not announced yet
    make_showcase(edition, org, status=ShowcaseStatus.REJECTED, decision_released_at=utcnow())
    speaker, guest = make_speaker(), make_speaker()
    talk = make_session(edition)
    add_speaker(talk, speaker)
    add_speaker(make_session(edition), speaker)
    add_speaker(make_session(edition, status=SessionStatus.CANCELLED), guest)
    add_speaker(make_session(other), guest)
    make_agreement(edition, parties=((org, None), (partner, None)), is_public=True)
    make_agreement(edition, parties=((make_organisation(), None),), is_public=False)
    db.session.flush()
    figures = queries.key_figures(edition)
    assert figures == queries.identity.KeyFigures(showcases=1, sessions=2, speakers=1, partners=2)


def test_the_home_page_puts_upcoming_editions_before_past_ones(app, client):
    with app.app_context():
        today = utcnow().date()
        make_edition(title="Long ago", start_date=date(2017, 10, 27), end_date=date(2017, 10, 28))
        make_edition(
            title="Last year",
            start_date=date(today.year - 1, 5, 1),
            end_date=date(today.year - 1, 5, 2),
        )
        make_edition(
            title="Next spring",
            start_date=date(today.year + 1, 4, 1),
            end_date=date(today.year + 1, 4, 2),
        )
        make_edition(title="Running now", start_date=today, end_date=today)
        make_edition(
            title="Hidden draft",
            status=EditionStatus.DRAFT,
            start_date=date(today.year + 1, 1, 1),
            end_date=date(today.year + 1, 1, 1),
        )
        db.session.commit()
    page = client.get("/?lang=en").get_data(as_text=True)
    order = [
        page.index(t)
        for t in (
            "Upcoming and current editions",
            "Running now",
            "Next spring",
            "Past editions",
            "Last year",
            "Long ago",
        )
    ]
    assert order == sorted(order)
    assert "Hidden draft" not in page


def test_the_home_page_lists_sponsors_and_patrons_of_public_agreements_only(app, client):
    with app.app_context():
        patron = make_organisation(name="Ministère de l'Intérieur", logo_path="ab" * 20)
        sponsor = make_organisation(name="Dar Mobility")
        secret = make_organisation(name="Quiet Sponsor")
        twin = make_organisation(name="Ville de Leshan")
        make_agreement(parties=((patron, None),), kind=AgreementKind.PATRONAGE, is_public=True)
        make_agreement(parties=((sponsor, None),), kind=AgreementKind.SPONSORSHIP, is_public=True)
        make_agreement(parties=((secret, None),), kind=AgreementKind.SPONSORSHIP, is_public=False)
        make_agreement(parties=((twin, None),), kind=AgreementKind.TWINNING, is_public=True)
        db.session.commit()
        found = [p.organisation.name for p in queries.partners()]
        patron_id = patron.id
    assert found == ["Dar Mobility", "Ministère de l'Intérieur"]
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Partners" in page and "Patronage" in page and "Sponsorship" in page
    assert "Quiet Sponsor" not in page.split("Partner agreements")[0]
    assert f"/organisations/{patron_id}/logo" in page
