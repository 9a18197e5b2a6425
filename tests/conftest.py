"""Fixtures shared by the whole suite."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

# Property-based tests explore the same examples on every run, so the suite is deterministic;
# HYPOTHESIS_PROFILE=explore lets a developer search new ground locally. No deadline: a test
# fails when the code is wrong, never because a loaded machine ran one example slowly.
hypothesis_settings.register_profile(
    "deterministic", derandomize=True, database=None, deadline=None
)
hypothesis_settings.register_profile("explore", derandomize=False, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

# Under CI a test that needs a real service must fail, not skip, when the service is missing.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(name: str, reason: str) -> None:
    """Skip locally, fail under CI, when a service an integration test needs is unavailable."""
    if IN_CI:
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(f"{name} not available: {reason}")


def _flushes_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    fixtures = getattr(item, "fixturenames", ())
    return transactional or "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that flush the database (browser, worker, concurrency) after all others.

    pytest-django orders them last, but pytest's own regrouping of parametrized tests can undo
    that order afterwards; a flush would then empty the rows the migrations load (the Customer
    Agreement) under the tests that follow.
    """
    items.sort(key=_flushes_the_database)


def _empty_process_caches() -> None:
    from common.business_days import calendar_for, default_closures
    from scheduling.geo import zip_centroids

    for cached in (default_closures, calendar_for, zip_centroids):
        cached.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _cold_process_caches():
    """Each test session starts with the calendar's process caches empty.

    A runner that forks its test sessions from a warm process (mutmut does) would otherwise
    inherit holidays and calendars computed by the parent, and the code behind them would never
    run in the session.
    """
    _empty_process_caches()


@pytest.fixture(autouse=True)
def _cold_process_caches_under_mutation():
    """Under mutmut (``MUTANT_UNDER_TEST`` set) every test starts with those caches empty.

    mutmut maps each function to the tests that call it; with a warm cache only the first test
    of a session calls the holidays' code, and a mutant there would be judged by that one test.
    """
    if os.environ.get("MUTANT_UNDER_TEST"):
        _empty_process_caches()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters and cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A page asked for in Spanish leaves Spanish active in the thread: the next test starts in
    the default language, whatever order the tests run in."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Keep each test's uploads in its own folder."""
    storages = dict(settings.STORAGES)
    storages["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path / "private", "base_url": None},
    }
    settings.STORAGES = storages
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def customer(db):
    from tests.factories import UserFactory

    return UserFactory(email="dana@example.com", full_name="Dana Customer")


@pytest.fixture
def staff_user(db):
    from tests.factories import StaffFactory

    return StaffFactory()


@pytest.fixture
def seeded_agreement(db):
    """The Customer Agreement the data migration seeds; transactional tests flush it away."""
    import importlib

    from django.apps import apps

    seed = importlib.import_module("enrollment.migrations.0002_agreement_documents")
    seed.seed_agreement(apps, None)
    spanish = importlib.import_module("enrollment.migrations.0007_agreement_in_spanish")
    spanish.add_spanish_text(apps, None)


@pytest.fixture
def dead_broker(settings):
    """Send tasks to a broker that refuses every connection (nothing listens on port 1).

    The way the suite simulates a Redis outage for task sends: never stop the shared Redis.
    """
    from msa_portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None
