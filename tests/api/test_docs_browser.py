"""The API reference page draws the OpenAPI document in a real browser, from Agora's own
files only: Swagger UI runs under the strict content policy (no CDN, no inline script)."""

import pytest

from tests.browser_support import dom, require_chromium, serve_demo

pytestmark = pytest.mark.real_commits


def test_the_reference_page_draws_every_operation(tmp_path):
    browser = require_chromium()
    with serve_demo(tmp_path) as live:
        html = dom(browser, f"{live.url}/api/v1/docs", width=1280, height=900)
    assert 'class="swagger-ui' in html
    assert "/api/v1/editions/{slug}/sessions" in html
    assert "https://" not in html.split('id="swagger-ui"')[0].split("<body")[0]
