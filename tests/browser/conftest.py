"""The headless Chromium every browser test of this folder drives (one per module)."""

import pytest

from tests.browser.support import require_playwright


@pytest.fixture(scope="module")
def browser():
    sync_api, chromium = require_playwright()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()
