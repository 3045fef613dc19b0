"""On the seeded demo, every unread notice waits for an action on a record that is still open: the
bell counts what matters (and stays within a few dozen for the Waka and the Kepala)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from kompetensi.models import Appraisal, FollowUp, Observation, PkbActivity, Programme
from madrasah.management.commands.seed_demo import DEMO_LOGINS
from madrasah.models import Notification
from madrasah.notifications import NOTICE_KINDS
from mutu.models import GoodPractice
from tests.factories.demo import seeded_demo

pytestmark = pytest.mark.django_db

# kind → (model, field, states in which the record still waits for that notice's reader)
STILL_OPEN = {
    "observation_submitted": (Observation, "state", {"diajukan"}),
    "observation_clarification": (Observation, "state", {"klarifikasi"}),
    "observation_reopened": (Observation, "state", {"draft"}),
    "follow_up_progress": (FollowUp, "status", {"terbuka"}),
    "appraisal_submitted": (Appraisal, "stage", {"diajukan"}),
    "appraisal_signed": (Appraisal, "stage", {"ditandatangani"}),
    "appraisal_clarification": (Appraisal, "stage", {"klarifikasi"}),
    "appraisal_reopened": (Appraisal, "stage", {"proses"}),
    "programme_awaits_approval": (Programme, "status", {"draft"}),
    "pkb_returned": (PkbActivity, "status", {"dikembalikan"}),
    "good_practice_submitted": (GoodPractice, "status", {"diajukan"}),
    "good_practice_returned": (GoodPractice, "status", {"draf"}),
}
UNREAD_BUDGET = 40  # the Waka's and the Kepala's bell on the demo (tests/bench.py prints both)


def test_every_unread_notice_of_the_demo_belongs_to_a_matter_still_open():
    seeded_demo("--teachers", "40", "--semesters", "4", "--seed", "1", "--today", "2026-11-26")
    unread = list(Notification.objects.filter(read_at__isnull=True))
    assert unread, "the demo shows what waits for an action"
    for notice in unread:
        assert NOTICE_KINDS[notice.kind].action, f"{notice.kind} is news: the demo's people have read it"
        model, field, open_states = STILL_OPEN[notice.kind]
        assert notice.matter_type == ContentType.objects.get_for_model(model)
        state = model.objects.values_list(field, flat=True).get(pk=notice.matter_id)
        assert state in open_states, (notice.kind, notice.matter_id, state)
    for role in ("Kepala Madrasah", "Waka Kurikulum"):
        login = next(login for login in DEMO_LOGINS if login["role"] == role)
        count = Notification.objects.filter(user__username=login["username"], read_at__isnull=True).count()
        assert 0 < count <= UNREAD_BUDGET, (role, count)
