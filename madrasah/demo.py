"""Extension point of `seed_demo`: later apps add their demo data without madrasah importing them.

Each step is called inside seed_demo's transaction, after the people exist, once per madrasah, as
`step(madrasah=..., semesters=[...oldest first], seed=int or str, today=date, stdout=..., number=int)`;
`number` counts the madrasah of a district from 1 (what the whole installation shares is set up when 1).
"""

from __future__ import annotations

from collections.abc import Callable

DEMO_STEPS: list[tuple[int, Callable]] = []


def register_demo_step(order: int):
    """Decorator: run this step in `seed_demo`, in `order` (apps register in their AppConfig.ready)."""

    def decorator(step: Callable) -> Callable:
        if step not in [s for _o, s in DEMO_STEPS]:
            DEMO_STEPS.append((order, step))
            DEMO_STEPS.sort(key=lambda pair: pair[0])
        return step

    return decorator


def run_demo_steps(**context) -> None:
    for _order, step in DEMO_STEPS:
        step(**context)


# Records that protect people and instruments from deletion (PROTECT): apps register how to remove
# theirs before `seed_demo --reset` deletes the demo madrasah. Later apps run first.
DEMO_RESETS: list[tuple[int, Callable]] = []


def register_demo_reset(order: int):
    def decorator(reset: Callable) -> Callable:
        if reset not in [r for _o, r in DEMO_RESETS]:
            DEMO_RESETS.append((order, reset))
            DEMO_RESETS.sort(key=lambda pair: -pair[0])
        return reset

    return decorator


def run_demo_resets(*, madrasah) -> None:
    for _order, reset in DEMO_RESETS:
        reset(madrasah=madrasah)
