"""The journeys' page checks themselves: they must fail when a page breaks the rules."""

import pytest

from tests.e2e.a11y import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_axe_names_a_serious_violation_and_its_selector(page):
    page.goto("/")
    assert_accessible(page)
    page.evaluate(
        """() => {
          const button = document.createElement('button');
          button.id = 'unnamed-button';
          document.querySelector('main').append(button);
        }"""
    )
    with pytest.raises(AssertionError, match=r"button-name[\s\S]*#unnamed-button"):
        assert_accessible(page)


def test_sideways_scrolling_at_360_px_is_caught_and_its_culprit_named(page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    assert_no_horizontal_scroll(page, 360)
    page.evaluate(
        """() => {
          const wide = document.createElement('div');
          wide.id = 'too-wide';
          wide.style.width = '500px';
          wide.textContent = 'wide';
          document.querySelector('main').append(wide);
        }"""
    )
    with pytest.raises(AssertionError, match="too-wide"):
        assert_no_horizontal_scroll(page, 360)


def test_the_main_pages_pass_axe_at_desktop_width_with_the_full_navigation(page, demo_data):
    from accounts.demo import CUSTOMER_EMAIL, DEMO_PASSWORD
    from tests.e2e.conftest import label

    page.set_viewport_size({"width": 1280, "height": 800})
    for path in ("/", "/program/", "/eligibility/check/", "/eligibility/approved-products/"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/accounts/login/")
    page.get_by_label(label("Email")).fill(CUSTOMER_EMAIL)
    page.get_by_label(label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Log out").wait_for()
    for path in ("/", "/requests/", "/requests/new/"):
        page.goto(path)
        assert_accessible(page)
