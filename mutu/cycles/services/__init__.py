"""Writes of quality cycles (siklus PDCA), by stage: `plan`, `activities` (Do), `check`, `stages`
(the moves, Act and closing). Callers import the services from this package."""

from .activities import (
    ActivityData,
    ProgressData,
    activity_create,
    activity_delete,
    activity_progress_record,
    activity_update,
)
from .check import cycle_measure, cycle_measure_manual
from .plan import PlanData, cycle_create, cycle_update_plan
from .stages import ActData, cycle_act_record, cycle_advance, cycle_close, cycle_reopen

__all__ = [
    "ActData",
    "ActivityData",
    "PlanData",
    "ProgressData",
    "activity_create",
    "activity_delete",
    "activity_progress_record",
    "activity_update",
    "cycle_act_record",
    "cycle_advance",
    "cycle_close",
    "cycle_create",
    "cycle_measure",
    "cycle_measure_manual",
    "cycle_reopen",
    "cycle_update_plan",
]
