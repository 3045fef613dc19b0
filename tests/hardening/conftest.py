"""Hypothesis profiles of the hardening tests.

`hardening` (the default) is bounded so that each module runs in about a minute on one core and
gives the same examples on every run (CI stability); `hardening-deep` is for a slow night run:
`HYPOTHESIS_PROFILE=hardening-deep pytest tests/hardening` (or `HYPOTHESIS_MAX_EXAMPLES=40`). No example
database is written (the examples are derived, not remembered).
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "database": None,
    "print_blob": False,
    # The world of the permission matrix is built once per test and every example rolls back
    # what it wrote, so a function-scoped fixture is shared on purpose; payloads are large on purpose.
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
}
settings.register_profile("hardening", max_examples=5, derandomize=True, **_COMMON)
settings.register_profile("hardening-deep", max_examples=150, derandomize=False, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hardening"))
if os.environ.get("HYPOTHESIS_MAX_EXAMPLES"):  # e.g. 40 for a longer local run of the same profile
    settings.register_profile("hardening-custom", settings(max_examples=int(os.environ["HYPOTHESIS_MAX_EXAMPLES"])))
    settings.load_profile("hardening-custom")
