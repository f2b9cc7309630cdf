"""In Chromium: the visitor's own zone is offered first in "Show times in" and remembered
for the forms, and the thinklab rule form shows only the fields of the chosen frequency
(the raw RRULE only in the advanced mode). At 375 and 1280 px."""

import pytest

from tests.browser.support import (
    WIDTHS,
    PageWatch,
    check_accessibility,
    serve_demo_with_mail,
    shot,
)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve_demo_with_mail(tmp_path_factory.mktemp("zones")) as served:
        yield served


@pytest.mark.parametrize("width", WIDTHS)
def test_the_visitors_zone_comes_first_in_show_times_in(browser, live, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        timezone_id="Asia/Tokyo",
        locale="en-GB",
        bypass_csp=True,
    )
    page = context.new_page()
    watch = PageWatch(page, live.url)
    page.goto(f"{live.url}/editions/sfax-smart-city-next/programme?lang=en")
    page.wait_for_load_state("networkidle")

    first_group = page.locator("#filter-tz optgroup").first
    assert first_group.get_attribute("label") == "Suggested"
    options = first_group.locator("option")
    assert options.first.get_attribute("value") == "Asia/Tokyo"
    assert "Your zone" in options.first.text_content()  # folded filters hide it on a phone
    assert page.locator("#filter-tz option[value='US/Samoa']").count() == 0
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    assert cookies.get("agora_tz") == "Asia%2FTokyo"
    check_accessibility(page)
    shot(page, f"zones-programme-{width}")
    watch.check()
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_rule_form_shows_the_fields_of_the_chosen_frequency(browser, live, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="en-GB", bypass_csp=True
    )
    page = context.new_page()
    watch = PageWatch(page, live.url)
    page.goto(f"{live.url}/login?lang=en")
    page.fill("#email", "organiser@demo.agora")
    page.fill("#password", "agora-demo-2026")
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]").first.click()
    page.goto(f"{live.url}/thinklabs/bizerte-2050/manage?lang=en")
    page.wait_for_load_state("networkidle")

    # The demo's rule (every 3 months, on the second Tuesday) opens in the simple fields.
    assert page.locator("select[name=repeat]").input_value() == "MONTHLY"
    assert page.locator("select[name=nth]").input_value() == "2"
    assert page.locator("select[name=nth_weekday]").input_value() == "TU"
    assert page.locator("[data-rule-for=MONTHLY]").is_visible()
    assert not page.locator("[data-rule-for=WEEKLY]").is_visible()
    assert not page.locator("input[name=rrule]").is_visible()

    page.select_option("select[name=repeat]", "WEEKLY")
    assert page.locator("[data-rule-for=WEEKLY]").is_visible()
    assert not page.locator("[data-rule-for=MONTHLY]").is_visible()
    page.check("input[name=advanced]")
    assert page.locator("input[name=rrule]").is_visible()
    assert not page.locator("select[name=repeat]").is_visible()
    check_accessibility(page)
    shot(page, f"rule-form-{width}")
    watch.check()
    context.close()
