"""No favicon 404 on any page, and a refusal is a clean 403 page logged as one line, not a traceback."""

from __future__ import annotations

import logging

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def django_log():
    """What reaches the "django" logger's handlers (it does not propagate to the root, so caplog misses it)."""
    handler = _Collect()
    logger = logging.getLogger("django")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def test_admin_pages_link_a_favicon_that_exists_and_favicon_ico_does_not_404(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    assert 'rel="icon"' in html and "ops/favicon.svg" in html
    assert finders.find("ops/favicon.svg")
    response = admin_client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("ops/favicon.svg")


def test_opening_the_add_page_of_a_field_mapping_gives_a_clean_403_without_a_traceback(admin_client, django_log):
    response = admin_client.get(reverse("admin:mappings_fieldmapping_add"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "You may not open this page" in html
    assert "Field mappings are added on their connection&#x27;s page" in html
    assert 'rel="icon"' in html and "NetSuite contact sync" in html  # the admin's frame, not a bare "403 Forbidden"
    forbidden = [r for r in django_log if "Forbidden (Permission denied)" in r.getMessage()]
    assert len(forbidden) == 1
    assert forbidden[0].levelno == logging.WARNING
    assert forbidden[0].exc_info is None  # one line, no traceback


def test_other_errors_keep_their_tracebacks():
    from config.log_filters import PermissionDeniedWithoutTraceback

    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info()
        )
    assert PermissionDeniedWithoutTraceback().filter(record)
    assert record.exc_info is not None
