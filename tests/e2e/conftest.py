"""Real-browser journeys: Playwright driving Debian's Chromium against a live server.

pytest-playwright's own ``page`` fixture is used so that a failing journey saves a screenshot
under var/test-results/ (``--screenshot=only-on-failure`` in pyproject.toml).
"""

import os
import re
import shutil

import pytest

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


def label(text: str):
    """Match a form label exactly, ignoring crispy's required-field asterisk and whitespace."""
    return re.compile(rf"^\s*{re.escape(text)}\*?\s*$")
