"""Pure money rules: the largest amount a money column holds, a cycle's cost per funding source,
and how much it depends on each."""

from __future__ import annotations

from decimal import Decimal

from madrasah.formatting import percent_id, rupiah

from ..models import MONEY, Activity, ActivityStatus, FundingSource

HUNDRED = Decimal(100)
# The largest amount the money columns hold (14 digits, 2 of them decimals).
MAX_RUPIAH = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - Decimal("0.01")


def funding_totals(activities: list[Activity]) -> list[dict]:
    """Planned and spent Rupiah per funding source (of activities not cancelled), largest first, with
    each source's share of the planned total: how much the cycle depends on BOS."""
    totals: dict[str, dict] = {}
    for activity in activities:
        if activity.status == ActivityStatus.CANCELLED:
            continue
        entry = totals.setdefault(
            activity.funding_source,
            {
                "source": activity.funding_source,
                "label": FundingSource(activity.funding_source).label,
                "planned": Decimal(0),
                "spent": Decimal(0),
            },
        )
        entry["planned"] += activity.planned_cost
        entry["spent"] += activity.spent
    planned_total = sum((e["planned"] for e in totals.values()), Decimal(0))
    rows = sorted(totals.values(), key=lambda e: e["planned"], reverse=True)
    for row in rows:
        row["share"] = (row["planned"] * HUNDRED / planned_total) if planned_total else None
        row["planned_shown"] = rupiah(row["planned"])
        row["spent_shown"] = rupiah(row["spent"])
        row["share_shown"] = percent_id(row["share"]) if row["share"] is not None else "–"
    return rows
