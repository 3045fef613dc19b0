"""The demo of `manage.py seed_demo` as test data: seeded once per test process, replayed per test."""

from __future__ import annotations

import io

from django.core.management import call_command

from tests.factories.snapshot import replay


def seeded_demo(**options) -> None:
    """The rows `seed_demo` writes with these options, in the current test's transaction."""
    replay(
        ("seed_demo", tuple(sorted(options.items()))),
        lambda: call_command("seed_demo", stdout=io.StringIO(), **options),
    )
