"""Colours chosen by organisers (an edition's accent, an axis's colour) and the text
that stays readable on them.

Contrast follows WCAG 2.1: relative luminance of sRGB colours, and a ratio of at least
4.5:1 for normal text (level AA). Either black or white text reaches at least 4.58:1 on
any colour, so every colour can carry a label; the text colour is chosen, never guessed.
"""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_TEXT = 4.5
DARK_TEXT = "#111111"
LIGHT_TEXT = "#ffffff"
PAGE_BACKGROUND = "#ffffff"


def is_hex_colour(value: str | None) -> bool:
    """Whether ``value`` is a colour written ``#rrggbb``."""
    return bool(value) and HEX_COLOUR.match(value) is not None


def normalise(value: str) -> str:
    """``value`` (``#RRGGBB``) in lower case, as Agora stores colours."""
    return value.strip().lower()


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (0 for black, 1 for white)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: str | None) -> str:
    """The text colour that reads best on ``background``: near-black or white, or pure
    black on the mid-greys where neither reaches 4.5:1 (black always does)."""
    if not is_hex_colour(background):
        return DARK_TEXT
    best = max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast(background, text))
    return best if contrast(background, best) >= AA_TEXT else "#000000"


def ink_on_page(colour: str, background: str = PAGE_BACKGROUND) -> str:
    """``colour`` darkened just enough to be read as text on the page (4.5:1 or more).

    A light accent (a pale yellow) keeps its hue for borders and bands; links and
    headings written in it use this darker shade instead.
    """
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(21):
        factor = 1 - step / 20
        shade = f"#{int(red * factor):02x}{int(green * factor):02x}{int(blue * factor):02x}"
        if contrast(shade, background) >= AA_TEXT:
            return shade
    return DARK_TEXT
