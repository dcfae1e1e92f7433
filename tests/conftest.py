import os
import shutil

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import demo_snapshot
from tests.factories import Personas

# Same examples on every run, so the suite is deterministic; no per-example deadline on a loaded CI machine.
hypothesis_settings.register_profile(
    "tandem",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
hypothesis_settings.load_profile("tandem")


@pytest.fixture(scope="session", autouse=True)
def _production_settings_over_plain_http():
    """The settings are production's (DEBUG off), but the test client and the live server speak plain HTTP, and
    production's manifest storage needs `collectstatic` first (the tests name the source files as they are). For the
    whole session, since the live server's middleware reads the settings once, when it starts."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES={
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FEATURE_CACHE_DIR = tmp_path / "features"
    # Hashing with PBKDF2 would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run within the call that enqueues them; tests/tasks/ runs them in real worker processes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()  # log-in failure counts must not leak from one test into the next


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory) -> demo_snapshot.DemoSnapshot:
    with django_db_blocker.unblock():
        return demo_snapshot.build(tmp_path_factory.mktemp("demo-media"))


@pytest.fixture
def demo(_demo_snapshot, db, settings):
    """The demo review as `manage.py demo` leaves it: built once per test session, copied in for each test."""
    return demo_snapshot.restore(_demo_snapshot, settings.MEDIA_ROOT)


@pytest.fixture
def personas(db) -> Personas:
    return Personas()


def pytest_runtest_setup(item):
    """Tests marked r need Rscript: skipped without it locally, failed without it in CI (which installs it)."""
    if item.get_closest_marker("r") and shutil.which("Rscript") is None:
        install = "apt-get install --no-install-recommends r-cran-metafor r-cran-metadat"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Rscript is missing: CI runs every test that needs R ({install})")
        pytest.skip(f"needs R: Rscript is not installed ({install})")
