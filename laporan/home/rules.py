"""The words of "Perlu tindakan" (what waits for the person at the top of their home): one line per
kind of thing, with its count, composed in the reader's language. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext_lazy

# key → (singular, plural) with %(count)s; the order is the order shown.
LABELS = {
    # the teacher
    "results_to_confirm": ngettext_lazy(
        "%(count)s supervision result to confirm or clarify",
        "%(count)s supervision results to confirm or clarify",
        "count",
    ),
    "appraisal_to_sign": ngettext_lazy(
        "%(count)s PKG appraisal to sign as received", "%(count)s PKG appraisals to sign as received", "count"
    ),
    "follow_ups_overdue": ngettext_lazy(
        "%(count)s of your follow-ups is overdue", "%(count)s of your follow-ups are overdue", "count"
    ),
    "follow_ups_due": ngettext_lazy(
        "%(count)s follow-up due within 14 days", "%(count)s follow-ups due within 14 days", "count"
    ),
    "pkb_returned": ngettext_lazy(
        "%(count)s PKB entry returned to you with a note", "%(count)s PKB entries returned to you with a note", "count"
    ),
    # the supervisor (the Waka, the team, the Kepala, the pengawas)
    "observations_today": ngettext_lazy(
        "%(count)s supervision to carry out today", "%(count)s supervisions to carry out today", "count"
    ),
    "observations_week": ngettext_lazy(
        "%(count)s supervision later this week", "%(count)s supervisions later this week", "count"
    ),
    "drafts": ngettext_lazy(
        "%(count)s supervision draft not submitted yet", "%(count)s supervision drafts not submitted yet", "count"
    ),
    "clarifications": ngettext_lazy(
        "%(count)s clarification request to answer", "%(count)s clarification requests to answer", "count"
    ),
    "pkb_to_verify": ngettext_lazy("%(count)s PKB entry to verify", "%(count)s PKB entries to verify", "count"),
    "appraisals_to_complete": ngettext_lazy(
        "%(count)s PKG appraisal to complete or clarify", "%(count)s PKG appraisals to complete or clarify", "count"
    ),
    # the Kepala
    "programme_to_approve": ngettext_lazy(
        "%(count)s supervision programme awaits your approval",
        "%(count)s supervision programmes await your approval",
        "count",
    ),
    "appraisals_to_approve": ngettext_lazy(
        "%(count)s PKG appraisal awaits your approval", "%(count)s PKG appraisals await your approval", "count"
    ),
    "documents_ready": ngettext_lazy(
        "%(count)s document ready to download", "%(count)s documents ready to download", "count"
    ),
    "follow_ups_overdue_all": ngettext_lazy(
        "%(count)s follow-up of the madrasah is overdue", "%(count)s follow-ups of the madrasah are overdue", "count"
    ),
    "cycles_due": ngettext_lazy(
        "%(count)s quality cycle is due for its next stage",
        "%(count)s quality cycles are due for their next stage",
        "count",
    ),
    # the operator
    "accounts_unused": ngettext_lazy(
        "%(count)s account never used (hand out the first-login slip)",
        "%(count)s accounts never used (hand out the first-login slips)",
        "count",
    ),
    "lockouts": ngettext_lazy("%(count)s account locked out", "%(count)s accounts locked out", "count"),
}


@dataclass(frozen=True)
class TodoItem:
    key: str
    count: int
    url: str

    @property
    def label(self) -> str:
        return LABELS[self.key] % {"count": self.count}


def todo_items(counts: dict[str, tuple[int, str]]) -> list[TodoItem]:
    """The lines to show, in the order of LABELS: only what has a count, each with its link."""
    return [TodoItem(key, counts[key][0], counts[key][1]) for key in LABELS if counts.get(key, (0, ""))[0] > 0]
