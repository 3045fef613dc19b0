"""The demo of `manage.py seed_demo` as test data: seeded once per test process, replayed per test."""

from __future__ import annotations

import io

from django.core.management import call_command

from tests.factories.snapshot import replay


def seeded_demo(*args: str, **options) -> str:
    """The rows `seed_demo` writes with these arguments, in the current test's transaction; returns
    what the command printed."""

    def build() -> str:
        out = io.StringIO()
        call_command("seed_demo", *args, stdout=out, stderr=io.StringIO(), **options)
        return out.getvalue()

    return replay(("seed_demo", args, tuple(sorted(options.items()))), build)
