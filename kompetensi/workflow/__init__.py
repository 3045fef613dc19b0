"""The supervision workflow after scoring: submit → acknowledge or ask for clarification → final,
follow-ups (RTL) with progress, and evidence uploads.

States (docs/domain.md §9 "Academic supervision": the teacher signs to confirm they *received* the result,
not that they agree; they may respond):

    draft ──submit (supervisor)──▶ diajukan ──acknowledge (teacher)──▶ diterima ──finalise (Kepala)──▶ final
                                    │  └──acknowledge_days pass──▶ dianggap ──acknowledge / finalise──▶ …
                                    └──ask clarification──▶ klarifikasi ──acknowledge / finalise (confirmed)──▶ …
    any state but draft ──reopen (Kepala, with a reason)──▶ draft

Every transition is one `@transaction.atomic` service that checks the person and the state, then
claims the row with a conditional `filter(pk=…, state=<expected>).update(…)`: zero rows means
someone else moved it first, and nothing is written. Each writes an `ObservationEvent` and
notifies the people concerned (notification texts never carry a score).
"""

from .evidence import evidence_check, evidence_original_name, observation_evidence_add
from .followups import (
    FOLLOW_UP_FILTERS,
    follow_up_close,
    follow_up_create,
    follow_up_list,
    follow_up_progress_record,
    follow_ups_of_teacher,
    follow_ups_with_overdue,
)
from .pages import (
    ACTION_LABELS,
    Actions,
    item_numbers,
    observation_actions,
    observation_history,
    observation_recap,
    observation_recap_rows,
)
from .transitions import (
    BulkResult,
    acknowledge_deadline,
    observation_acknowledge,
    observation_finalise,
    observation_reopen,
    observation_request_clarification,
    observation_submit,
    observations_deem_acknowledged,
    observations_finalise,
)

__all__ = [
    "ACTION_LABELS",
    "FOLLOW_UP_FILTERS",
    "Actions",
    "BulkResult",
    "acknowledge_deadline",
    "evidence_check",
    "evidence_original_name",
    "follow_up_close",
    "follow_up_create",
    "follow_up_list",
    "follow_up_progress_record",
    "follow_ups_of_teacher",
    "follow_ups_with_overdue",
    "item_numbers",
    "observation_acknowledge",
    "observation_actions",
    "observation_evidence_add",
    "observation_finalise",
    "observation_history",
    "observation_recap",
    "observation_recap_rows",
    "observation_reopen",
    "observation_request_clarification",
    "observation_submit",
    "observations_deem_acknowledged",
    "observations_finalise",
]
