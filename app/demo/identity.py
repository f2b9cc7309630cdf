"""The demo editions' identity: a logo, a banner and an accent colour each, and logos for
two partners, so a newcomer sees what an edition's page can look like.

The pictures are drawn here with Pillow (a badge with initials, a skyline on a band of
the accent colour) and stored through the same checks as an organiser's upload. Only a
missing picture or colour is added: a second run, or an organiser's own choice, is left
as it is.
"""

import hashlib
import io
import random

from PIL import Image, ImageDraw, ImageFont

from app.colours import text_on
from app.demo.bizerte import BIZERTE_SLUG
from app.demo.caravan import CARAVAN_SLUG
from app.demo.casablanca import CASABLANCA_SLUG
from app.demo.upcoming import UPCOMING_SLUG
from app.editions import services as edition_services
from app.extensions import db
from app.models import Edition, Organisation
from app.organisations.queries import LOGO_AREA
from app.uploads import MB, store_picture

# slug: (accent colour, initials on the logo)
EDITIONS = {
    BIZERTE_SLUG: ("#0b5d7a", "BSC"),
    CARAVAN_SLUG: ("#c2571a", "TSC"),
    CASABLANCA_SLUG: ("#0f766e", "CSC"),
    UPCOMING_SLUG: ("#f2c14e", "SSC"),
}
PARTNERS = {
    "Association Tunisian Smart Cities": ("#c2571a", "ATSC"),
    "Ministère des Affaires locales et de l'Environnement": ("#1f3f7a", "MALE"),
}


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _png(image: Image.Image) -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    return out


def logo(colour: str, initials: str, size: int = 256) -> io.BytesIO:
    """A round badge of ``colour`` with ``initials`` in the text colour that reads on it."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=_rgb(colour))
    font = ImageFont.load_default(size=int(size * 0.9 / max(len(initials), 2)))
    draw.text((size / 2, size / 2), initials, fill=_rgb(text_on(colour)), font=font, anchor="mm")
    return _png(image)


def banner(colour: str, seed: str, width: int = 1600, height: int = 400) -> io.BytesIO:
    """A band of ``colour`` fading to white, with a skyline drawn from ``seed``."""
    base = _rgb(colour)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / height * 0.6
        draw.line([(0, y), (width, y)], fill=tuple(int(c + (255 - c) * mix) for c in base))
    shade = tuple(int(c * 0.45) for c in base)
    rng = random.Random(seed)  # a drawing, not a secret
    x = 0
    while x < width:
        tower = rng.randint(40, 120)
        top = rng.randint(height // 3, height - 60)
        draw.rectangle((x, top, x + tower, height), fill=shade)
        x += tower + rng.randint(4, 30)
    return _png(image)


def fixed_key(*parts: str) -> str:
    """The storage key of one demo picture: the same on every load, so a reload writes
    the same file again instead of adding one."""
    return hashlib.sha1("/".join(("agora-demo", *parts)).encode()).hexdigest()


def load(loader) -> None:
    """Give the demo editions and two partners their pictures and colours, if missing."""
    for slug, (colour, initials) in EDITIONS.items():
        edition = db.session.scalar(db.select(Edition).where(Edition.slug == slug))
        if edition is None:
            continue
        if edition.accent_colour is None:
            edition.accent_colour = colour
        if edition.logo_key is None:
            edition_services.set_picture(
                edition,
                "logo",
                logo(colour, initials),
                "logo.png",
                storage_key=fixed_key(slug, "logo"),
            )
        if edition.banner_key is None:
            edition_services.set_picture(
                edition,
                "banner",
                banner(colour, slug),
                "banner.png",
                storage_key=fixed_key(slug, "banner"),
            )
    for name, (colour, initials) in PARTNERS.items():
        organisation = loader.orgs.get(name) or db.session.scalar(
            db.select(Organisation).where(Organisation.name == name)
        )
        if organisation is not None and organisation.logo_path is None:
            stored = store_picture(
                logo(colour, initials),
                "logo.png",
                area=LOGO_AREA,
                limit=MB,
                max_width=512,
                max_height=512,
                lossless=True,
                storage_key=fixed_key("organisation", name),
            )
            organisation.logo_path = stored.storage_key
    db.session.flush()
