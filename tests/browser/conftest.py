"""The headless Chromium every browser test of this folder drives (one per module)."""

import pytest

from tests.browser.support import launched_chromium


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as launched:
        yield launched
