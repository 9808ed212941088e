"""Territories for the directory's tests: the real rows of the communes they use and of
the levels above them (loading all of France for each test would take seconds)."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def territories(request, territory_subset):
    """Load the subset for tests that use the database."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        call_command("load_territories", file=territory_subset, verbosity=0)
