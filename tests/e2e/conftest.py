"""Real-browser journeys: Playwright driving Debian's Chromium against a live server.

pytest-playwright's own ``page`` fixture is used so that a failing journey saves a screenshot
under var/test-results/ (``--screenshot=only-on-failure`` in pyproject.toml).
"""

import io
import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import require_service

CHROMIUM = os.environ.get("CHROMIUM_PATH") or next(
    (p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)), None
)
# Playwright's sync API keeps an event loop running in the main thread for the whole session,
# and the ORM refuses to run beside one (also in later tests' teardown) unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM or not shutil.which(CHROMIUM):
        require_service("Chromium", "install Debian's chromium package (.ci/system-packages)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    """Every journey runs on a phone-sized screen against the live server."""
    return {**browser_context_args, "viewport": PHONE, "base_url": live_server.url}


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    """Absolute links (emails, the demo checkout page) point at the live server."""
    settings.SITE_URL = live_server.url


@pytest.fixture(autouse=True)
def _quick_failures(page):
    """Fail a step within 10 s, not 30: the live server answers in well under a second."""
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)


def label(text: str):
    """Match a form label exactly, ignoring crispy's required-field asterisk and whitespace."""
    return re.compile(rf"^\s*{re.escape(text)}\*?\s*$")


NARROW = {"width": 360, "height": 740}


def checkpoint(page) -> None:
    """Check the page as it is now: axe-core (no serious or critical violation), and at 360 px
    wide no sideways scrolling. The viewport goes back to the journey's phone size afterwards."""
    from tests.e2e.a11y import assert_accessible, assert_no_horizontal_scroll

    page.wait_for_load_state()
    assert_accessible(page)
    size = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        assert_no_horizontal_scroll(page, NARROW["width"])
    finally:
        page.set_viewport_size(size)


def panel_png() -> bytes:
    """A small real PNG standing in for a photo of the meter panel."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (220, 224, 228))
    ImageDraw.Draw(image).rectangle((110, 40, 210, 200), outline=(60, 60, 60), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def demo_data(transactional_db):
    """The demo data (seed_demo), plus the Customer Agreement text that a migration loads: an
    earlier transactional test's flush removes migration data, and the journeys sign it."""
    import importlib

    from django.apps import apps
    from django.core.management import call_command

    migration = importlib.import_module("enrollment.migrations.0002_agreement_documents")
    migration.seed_agreement(apps, None)
    spanish = importlib.import_module("enrollment.migrations.0007_agreement_in_spanish")
    spanish.add_spanish_text(apps, None)
    call_command("seed_demo", stdout=io.StringIO())
