"""Every URL × every persona, with real object ids: the 404/403 rule, enforced from day one.

- another madrasah's object, or another teacher's private one → 404;
- an object of your madrasah that your role may not act on → 403;
- not logged in → redirect to the login page.

Personas: anonymous; guru; guru_lain (another teacher); tim (a teacher named in the supervision team,
who supervises guru_lain); waka; kepala; operator; pengawas; outsider (the Kepala of another madrasah).
VARIANTS adds, for some URLs, another object (tim's own supervision) or another POST action of the same
URL. On every 200 page, nobody who must not see a teacher's record sees their NIP, name or results
(PRIVATE_TO). `case_count()` is the number of URL × persona × method cases checked.

A URL pattern missing from MATRIX fails `test_every_url_is_in_the_matrix`: each new view adds its row.
The admin is tested separately (superusers only: tests/hardening/test_admin_access.py).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kompetensi.pkb.services import InHouseData, PkbData, in_house_create, pkb_activity_create
from kompetensi.supervision.services.evidence import observation_evidence_add
from kompetensi.supervision.services.followups import follow_up_create
from kompetensi.supervision.services.transitions import observation_submit
from laporan.documents.selectors import period_of_year
from madrasah.accounts.tokens import slip_start_token
from madrasah.middleware import SESSION_KEY as MEMBERSHIP_SESSION_KEY
from madrasah.models import User
from madrasah.services import heartbeat_record

PERSONAS = ("anonymous", "guru", "guru_lain", "tim", "waka", "kepala", "operator", "pengawas", "outsider")


@dataclass(frozen=True)
class Row:
    """Expected statuses in PERSONAS order. `get`/`post` None: the method is not part of this URL."""

    get: tuple[int, ...] | None
    post: tuple[int, ...] | None = None
    args: Callable[[SimpleNamespace], list] = field(default=lambda w: [])
    data: Callable[[SimpleNamespace], dict] = field(default=lambda w: {})


def statuses(spec: str) -> tuple[int, ...]:
    values = tuple(int(v) for v in spec.split())
    assert len(values) == len(PERSONAS), f"{spec}: one status per persona, {' '.join(PERSONAS)}"
    return values


# tim: a teacher of the supervision team, here outside their own rows (those are in VARIANTS).
#                          anon guru lain tim waka kepala oper peng outsider
ALL_MEMBERS_200 = statuses("302 200 200 200 200 200 200 200 200")
POST_ONLY = statuses("405 405 405 405 405 405 405 405 405")

MATRIX: dict[str, Row] = {
    "healthz": Row(get=statuses("200 200 200 200 200 200 200 200 200")),
    "set_language": Row(
        get=statuses("302 302 302 302 302 302 302 302 302"),
        post=statuses("302 302 302 302 302 302 302 302 302"),
        data=lambda w: {"language": "en"},
    ),
    "madrasah:home": Row(get=statuses("302 302 302 302 302 302 302 302 302")),
    "madrasah:login": Row(get=statuses("200 302 302 302 302 302 302 302 302")),
    "madrasah:logout": Row(get=POST_ONLY, post=statuses("302 302 302 302 302 302 302 302 302")),
    "madrasah:password-change": Row(get=ALL_MEMBERS_200),
    "madrasah:choose-madrasah": Row(get=ALL_MEMBERS_200),
    "madrasah:slips-print": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"), post=statuses("302 403 403 403 403 302 302 403 302")
    ),
    # A slip's start link answers everyone alike: a wrong token (or the form's word without a token in
    # the session) is the same 404 page for all; a live one is in VARIANTS.
    "madrasah:slip-start": Row(
        get=statuses("404 404 404 404 404 404 404 404 404"),
        post=statuses("404 404 404 404 404 404 404 404 404"),
        args=lambda w: [_uidb64(w.guru.user), "cx1a2b-0123456789abcdef0123"],
    ),
    "madrasah:lockout-list": Row(get=statuses("302 403 403 403 403 200 200 403 200")),
    "madrasah:lockout-unlock": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 403 302 302 403 302"),
        data=lambda w: {"username": w.guru.user.username},
    ),
    "madrasah:home-kepala": Row(get=statuses("302 403 403 403 403 200 403 403 200")),
    # The dashboard's "Waka Kurikulum" step: a teacher of another madrasah is no choice there (400).
    "madrasah:home-waka-assign": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 403 302 403 403 400"),
        data=lambda w: {"membership": w.guru.pk},
    ),
    "madrasah:home-waka": Row(get=statuses("302 403 403 403 200 403 403 403 403")),
    "madrasah:home-guru": Row(get=statuses("302 200 200 200 200 200 403 403 200")),
    "madrasah:home-operator": Row(get=statuses("302 403 403 403 403 403 200 403 403")),
    "madrasah:home-pengawas": Row(get=statuses("302 403 403 403 403 403 403 200 403")),
    "madrasah:staff-list": Row(get=statuses("302 403 403 403 200 200 200 200 200")),
    "madrasah:staff-create": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"),
        post=statuses("302 403 403 403 403 200 200 403 200"),  # an empty form comes back with its errors
    ),
    "madrasah:staff-import": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"),
        post=statuses("302 403 403 403 403 200 200 403 200"),  # no file: the form comes back with its error
    ),
    "madrasah:staff-export": Row(get=statuses("302 403 403 403 403 200 200 403 200")),
    "madrasah:staff-template": Row(get=statuses("302 403 403 403 403 200 200 403 200")),
    # The guru's own staff record: private to them among teachers.
    "madrasah:staff-detail": Row(get=statuses("302 200 404 404 200 200 200 200 404"), args=lambda w: [w.guru.staff_id]),
    "madrasah:staff-update": Row(
        get=statuses("302 403 404 404 403 200 200 403 404"),
        post=statuses("302 403 404 404 403 200 200 403 404"),
        args=lambda w: [w.guru.staff_id],
    ),
    "madrasah:staff-set-active": Row(
        get=POST_ONLY,
        post=statuses("302 403 404 404 403 302 302 403 404"),
        args=lambda w: [w.guru.staff_id],
        data=lambda w: {"active": "0"},
    ),
    "madrasah:staff-delete": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 403 302 302 403 404"), args=lambda w: [w.guru.staff_id]
    ),
    "madrasah:staff-account": Row(
        get=POST_ONLY,
        post=statuses("302 403 404 404 403 302 302 403 404"),
        args=lambda w: [w.guru.staff_id],
        data=lambda w: {"roles": ["guru"]},
    ),
    "madrasah:staff-password-reset": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 403 200 200 403 404"), args=lambda w: [w.guru.staff_id]
    ),
    "madrasah:semester-list": Row(
        get=ALL_MEMBERS_200,
        post=statuses("302 403 403 403 403 302 302 403 302"),
        data=lambda w: {"start_year": 2030, "kind": "ganjil"},
    ),
    "madrasah:semester-activate": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 302 403 404"), args=lambda w: [w.semester.pk]
    ),
    "madrasah:madrasah-profile": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"), post=statuses("302 403 403 403 403 200 200 403 200")
    ),
    # Instruments: every member reads them; the Waka and the Kepala shape them.
    "kompetensi:instrument-list": Row(get=ALL_MEMBERS_200),
    "kompetensi:instrument-defaults": Row(get=POST_ONLY, post=statuses("302 403 403 403 302 302 403 403 302")),
    "kompetensi:instrument-detail": Row(
        get=statuses("302 200 200 200 200 200 200 200 404"), args=lambda w: [w.version.pk]
    ),
    "kompetensi:instrument-settings": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),
        args=lambda w: [w.version.pk],
    ),
    "kompetensi:instrument-copy": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 302 302 403 403 404"), args=lambda w: [w.version.pk]
    ),
    # Instrument workbooks: every member exports what they may read; the Waka and the Kepala import.
    # Without a file the upload form comes back with its error (400); without a workbook waiting, the
    # preview sends back to the upload form.
    "kompetensi:instrument-export": Row(
        get=statuses("302 200 200 200 200 200 200 200 404"), args=lambda w: [w.version.pk]
    ),
    "kompetensi:instrument-template": Row(get=ALL_MEMBERS_200),
    "kompetensi:instrument-import": Row(
        get=statuses("302 403 403 403 200 200 403 403 200"),
        post=statuses("302 403 403 403 400 400 403 403 400"),
    ),
    "kompetensi:instrument-import-preview": Row(
        get=statuses("302 403 403 403 302 302 403 403 302"),
        post=statuses("302 403 403 403 302 302 403 403 302"),
    ),
    "kompetensi:instrument-import-example": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 302 302 403 403 302"), args=lambda w: ["perencanaan-kbc"]
    ),
    "kompetensi:section-create": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),
        args=lambda w: [w.version.pk],
    ),
    "kompetensi:section-update": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),
        args=lambda w: [w.version.pk, w.section.pk],
    ),
    "kompetensi:section-delete": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 302 302 403 403 404"), args=lambda w: [w.version.pk, w.section.pk]
    ),
    "kompetensi:framework-detail": Row(get=ALL_MEMBERS_200, args=lambda w: [w.framework.pk]),
    # Supervision team and programme: every member reads them; the Kepala names the team and approves;
    # the Waka and the Kepala plan. The world's programme is approved (its texts no longer change).
    "kompetensi:team-detail": Row(get=ALL_MEMBERS_200),
    "kompetensi:team-edit": Row(
        get=statuses("302 403 403 403 403 200 403 403 200"),
        post=statuses("302 403 403 403 403 302 403 403 200"),  # the outsider cannot name our Waka
        data=lambda w: {"decree_number": "B-1", "decree_date": "2026-07-02", f"member_{w.waka.staff_id}": "on"},
    ),
    "kompetensi:programme-semester": Row(get=statuses("302 302 302 302 302 302 302 302 200")),
    "kompetensi:programme-create": Row(
        get=statuses("302 403 403 403 302 302 403 403 200"),
        post=statuses("302 403 403 403 302 302 403 403 302"),
        data=lambda w: {"purpose": "Tujuan", "targets": "Sasaran", "techniques": "Teknik"},
    ),
    # The same with the standard texts, in one POST: the world's semester has its programme (302 to
    # it); the outsider's has none (302 to planning its first row).
    "kompetensi:programme-create-quick": Row(get=POST_ONLY, post=statuses("302 403 403 403 302 302 403 403 302")),
    "kompetensi:programme-detail": Row(
        get=statuses("302 200 200 200 200 200 200 200 404"), args=lambda w: [w.programme.pk]
    ),
    "kompetensi:programme-update": Row(
        get=statuses("302 403 403 403 302 302 403 403 404"),
        post=statuses("302 403 403 403 302 302 403 403 404"),
        args=lambda w: [w.programme.pk],
    ),
    "kompetensi:programme-approve": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 403 403 404"), args=lambda w: [w.programme.pk]
    ),
    "kompetensi:programme-row-create": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),
        args=lambda w: [w.programme.pk],
    ),
    "kompetensi:programme-bulk-create": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),
        args=lambda w: [w.programme.pk],
    ),
    "kompetensi:blocked-period-create": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),
        args=lambda w: [w.programme.pk],
    ),
    "kompetensi:blocked-period-delete": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 302 302 403 403 404"),
        args=lambda w: [w.programme.pk, w.blocked_period.pk],
    ),
    "kompetensi:programme-row-reschedule": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),
        args=lambda w: [w.row.pk],
    ),
    "kompetensi:programme-row-cancel": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),
        args=lambda w: [w.row.pk],
    ),
    "kompetensi:my-supervisions": Row(get=ALL_MEMBERS_200),
    # Observation entry: only the row's supervisor (the Waka) starts and fills it in; the observation is
    # the guru's private record (404 to other teachers, and to the guru while it is a draft).
    "kompetensi:observation-service-worker": Row(get=statuses("200 200 200 200 200 200 200 200 200")),
    "kompetensi:observation-start": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 302 403 403 403 404"),
        args=lambda w: [w.row.pk, w.observation.instrument_version_id],
    ),
    "kompetensi:observation-blank-sheet": Row(
        get=statuses("302 200 404 404 200 200 404 200 404"), args=lambda w: [w.row.pk, w.version.pk]
    ),
    "kompetensi:observation-detail": Row(
        get=statuses("302 404 404 404 200 200 404 200 404"), args=lambda w: [w.observation.pk]
    ),
    "kompetensi:observation-edit": Row(
        get=statuses("302 404 404 404 200 403 404 403 404"),
        post=statuses("302 404 404 404 200 403 404 403 404"),  # no revision: the sheet comes back with the error
        args=lambda w: [w.observation.pk],
    ),
    # The choice between a refused copy and the stored sheet: only the supervisor who owns the copy (none
    # open here: back to the sheet).
    "kompetensi:observation-conflict": Row(
        get=statuses("302 404 404 404 302 403 404 403 404"),
        post=statuses("302 404 404 404 302 403 404 403 404"),
        args=lambda w: [w.observation.pk],
    ),
    "kompetensi:observation-autosave": Row(
        get=POST_ONLY,
        post=statuses("302 404 404 404 400 403 404 403 404"),  # an empty body: 400 with the reason
        args=lambda w: [w.observation.pk],
    ),
    # The workflow of the guru's submitted result: the supervisor (the Waka) submits and closes
    # follow-ups, the guru responds and records progress, the Kepala finalises and reopens; a refused
    # transition still redirects (302) with its message.
    "kompetensi:observation-submit": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 302 403 404 403 404"), args=lambda w: [w.submitted.pk]
    ),
    "kompetensi:observation-acknowledge": Row(
        get=POST_ONLY, post=statuses("302 302 404 404 403 403 404 403 404"), args=lambda w: [w.submitted.pk]
    ),
    "kompetensi:observation-clarify": Row(
        get=POST_ONLY,
        post=statuses("302 302 404 404 403 403 404 403 404"),
        args=lambda w: [w.submitted.pk],
        data=lambda w: {"text": "Mohon klarifikasi butir 2."},
    ),
    "kompetensi:observation-finalise": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 403 302 404 403 404"), args=lambda w: [w.submitted.pk]
    ),
    "kompetensi:observation-reopen": Row(
        get=POST_ONLY,
        post=statuses("302 403 404 404 403 302 404 403 404"),
        args=lambda w: [w.submitted.pk],
        data=lambda w: {"reason": "Salah input."},
    ),
    "kompetensi:observation-evidence-upload": Row(
        get=POST_ONLY, post=statuses("302 302 404 404 302 403 404 403 404"), args=lambda w: [w.submitted.pk]
    ),
    "kompetensi:observation-recap": Row(get=statuses("302 403 403 403 200 200 403 200 200")),
    "kompetensi:observation-finalise-bulk": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 403 302 403 403 302"),
        data=lambda w: {"observation": [w.submitted.pk]},
    ),
    "kompetensi:evidence-download": Row(
        get=statuses("302 200 404 404 200 200 404 200 404"), args=lambda w: [w.evidence.pk]
    ),
    "kompetensi:follow-up-create": Row(
        get=statuses("302 403 404 404 200 200 404 403 404"),
        post=statuses("302 403 404 404 200 200 404 403 404"),  # an empty form comes back with its errors
        args=lambda w: [w.submitted.pk],
    ),
    "kompetensi:follow-up-list": Row(get=statuses("302 403 403 403 200 200 403 200 200")),
    "kompetensi:follow-up-mine": Row(get=statuses("302 200 200 200 200 200 403 403 200")),
    "kompetensi:follow-up-detail": Row(
        get=statuses("302 200 404 404 200 200 404 200 404"), args=lambda w: [w.follow_up.pk]
    ),
    "kompetensi:follow-up-progress": Row(
        get=POST_ONLY,
        post=statuses("302 302 404 404 403 403 404 403 404"),
        args=lambda w: [w.follow_up.pk],
        data=lambda w: {"note": "Sudah dikerjakan."},
    ),
    "kompetensi:follow-up-close": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 302 302 404 403 404"), args=lambda w: [w.follow_up.pk]
    ),
    # PKG stages of the guru's appraisal (assessor: the Kepala; in progress): the assessor submits, the
    # guru signs or asks, the Kepala approves and reopens; a refused step still redirects (302) with
    # its message. Nobody else may even see it (404). The guru prints once it is submitted (302 now).
    "kompetensi:appraisal-submit": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 404 302 404 404 404"), args=lambda w: [w.appraisal.pk]
    ),
    "kompetensi:appraisal-sign": Row(
        get=POST_ONLY, post=statuses("302 302 404 404 404 403 404 404 404"), args=lambda w: [w.appraisal.pk]
    ),
    "kompetensi:appraisal-clarify": Row(
        get=POST_ONLY,
        post=statuses("302 302 404 404 404 403 404 404 404"),
        args=lambda w: [w.appraisal.pk],
        data=lambda w: {"text": "Mohon klarifikasi indikator 4.3."},
    ),
    "kompetensi:appraisal-approve": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 404 302 404 404 404"), args=lambda w: [w.appraisal.pk]
    ),
    "kompetensi:appraisal-reopen": Row(
        get=POST_ONLY,
        post=statuses("302 403 404 404 404 302 404 404 404"),
        args=lambda w: [w.appraisal.pk],
        data=lambda w: {"reason": "Salah input."},
    ),
    "kompetensi:appraisal-print-evidence": Row(
        get=statuses("302 302 404 404 404 200 404 404 404"), args=lambda w: [w.appraisal.pk]
    ),
    "kompetensi:appraisal-print-summary": Row(
        get=statuses("302 302 404 404 404 200 404 404 404"), args=lambda w: [w.appraisal.pk]
    ),
    # PKG: the period belongs to the Kepala (who sets it up and assigns assessors) and the Waka (stages
    # only); an appraisal (the guru's, by the Kepala) to the guru, the assessor and the Kepala (others 404).
    "kompetensi:appraisal-period-list": Row(get=statuses("302 403 403 403 200 200 403 403 200")),
    "kompetensi:appraisal-period-create": Row(
        get=statuses("302 403 403 403 403 200 403 403 200"),
        post=statuses("302 403 403 403 403 200 403 403 200"),  # an empty form comes back with its errors
    ),
    "kompetensi:appraisal-period-detail": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"), args=lambda w: [w.appraisal_period.pk]
    ),
    # Closing the year's PKG freezes its figures for everyone but the Kepala and the pengawas.
    "kompetensi:appraisal-period-close": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 403 403 404"), args=lambda w: [w.appraisal_period.pk]
    ),
    "kompetensi:appraisal-period-reopen": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 403 403 404"), args=lambda w: [w.appraisal_period.pk]
    ),
    "kompetensi:appraisal-assign": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 403 403 404"), args=lambda w: [w.appraisal_period.pk]
    ),
    "kompetensi:appraisal-assign-bulk": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 403 403 404"), args=lambda w: [w.appraisal_period.pk]
    ),
    "kompetensi:appraisal-detail": Row(
        get=statuses("302 200 404 404 404 200 404 404 404"), args=lambda w: [w.appraisal.pk]
    ),
    "kompetensi:appraisal-score": Row(
        # The assessor's empty POST carries no version token: 400 with the reason.
        get=POST_ONLY,
        post=statuses("302 403 404 404 404 400 404 404 404"),
        args=lambda w: [w.appraisal.pk],
    ),
    "kompetensi:appraisal-evidence-add": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 404 302 404 404 404"), args=lambda w: [w.appraisal.pk]
    ),
    "kompetensi:appraisal-self": Row(
        get=statuses("302 200 404 404 404 403 404 404 404"),
        post=statuses("302 302 404 404 404 403 404 404 404"),
        args=lambda w: [w.appraisal.pk],
    ),
    "kompetensi:appraisal-evidence-download": Row(
        get=statuses("302 200 404 404 404 200 404 404 404"), args=lambda w: [w.appraisal_evidence.pk]
    ),
    # PKB: an entry (the guru's, waiting, with a PDF) is the guru's own record (other teachers 404); the
    # Waka and the Kepala read and verify it, the pengawas reads it. In-house activities (the Waka's,
    # attended by the guru) are read by the Waka, the Kepala and the pengawas, recorded by the first two.
    "kompetensi:pkb-mine": Row(get=statuses("302 200 200 200 200 200 403 403 200")),
    "kompetensi:pkb-create": Row(
        get=statuses("302 200 200 200 200 200 403 403 200"),
        post=statuses("302 200 200 200 200 200 403 403 200"),  # an empty form comes back with its errors
    ),
    "kompetensi:pkb-detail": Row(get=statuses("302 200 404 404 200 200 404 200 404"), args=lambda w: [w.pkb.pk]),
    "kompetensi:pkb-update": Row(
        get=statuses("302 200 404 404 403 403 404 403 404"),
        post=statuses("302 200 404 404 403 403 404 403 404"),  # an empty form comes back with its errors
        args=lambda w: [w.pkb.pk],
    ),
    "kompetensi:pkb-evidence": Row(get=statuses("302 200 404 404 200 200 404 200 404"), args=lambda w: [w.pkb.pk]),
    "kompetensi:pkb-queue": Row(get=statuses("302 403 403 403 200 200 403 403 200")),
    "kompetensi:pkb-verify": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 302 302 404 403 404"), args=lambda w: [w.pkb.pk]
    ),
    "kompetensi:pkb-return": Row(
        get=POST_ONLY,
        post=statuses("302 403 404 404 302 302 404 403 404"),
        args=lambda w: [w.pkb.pk],
        data=lambda w: {"note": "Sertifikat belum terbaca."},
    ),
    "kompetensi:pkb-recap": Row(get=statuses("302 403 403 403 200 200 403 200 200")),
    "kompetensi:in-house-list": Row(get=statuses("302 403 403 403 200 200 403 200 200")),
    "kompetensi:in-house-create": Row(
        get=statuses("302 403 403 403 200 200 403 403 200"),
        post=statuses("302 403 403 403 200 200 403 403 200"),  # an empty form comes back with its errors
    ),
    "kompetensi:in-house-detail": Row(
        get=statuses("302 403 403 403 200 200 403 200 404"), args=lambda w: [w.in_house.pk]
    ),
    "kompetensi:in-house-update": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),  # an empty form comes back with its errors
        args=lambda w: [w.in_house.pk],
    ),
    # A teacher's growth page: the teacher, and the Kepala, Waka and pengawas of the madrasah; another
    # teacher gets 404, the operator (never sees scores) 403. The Kepala and Waka write appreciation;
    # the access log (madrasah:access-log) is the Kepala's.
    "kompetensi:teacher-page": Row(
        get=statuses("302 200 404 404 200 200 403 200 404"), args=lambda w: [w.guru.staff_id]
    ),
    "kompetensi:appreciation-create": Row(
        get=POST_ONLY,
        post=statuses("302 403 404 404 302 302 403 403 404"),
        args=lambda w: [w.guru.staff_id],
        data=lambda w: {"text": "Terima kasih atas modul ajar yang rapi."},
    ),
    # Bukti dukung of the guru: the guru, the Kepala and the Waka download it (without a period: 302 to
    # the form); the pengawas reads growth but does not download (403), the operator 403; others 404.
    "kompetensi:evidence-archive": Row(
        get=statuses("302 302 404 404 302 302 403 403 404"), args=lambda w: [w.guru.staff_id]
    ),
    "kompetensi:evidence-archive-form": Row(
        get=statuses("302 200 404 404 200 200 403 403 404"), args=lambda w: [w.guru.staff_id]
    ),
    # Notifications are personal: another user's is 404, whoever asks.
    "madrasah:notification-list": Row(get=ALL_MEMBERS_200, post=statuses("302 302 302 302 302 302 302 302 302")),
    "madrasah:notification-open": Row(
        get=statuses("302 302 404 404 404 404 404 404 404"), args=lambda w: [w.notification.pk]
    ),
    # Personal-data access log (UU PDP): the Kepala only, their own madrasah's entries (the outsider
    # reads their own madrasah's log).
    "madrasah:access-log": Row(get=statuses("302 403 403 403 403 200 403 403 200")),
    # Accounts (madrasah.accounts): "Akun saya" for everyone logged in; an invitation is answered only by
    # the account it is addressed to (guru here), anyone else's: 404; the history is the Kepala's.
    "madrasah:my-account": Row(get=ALL_MEMBERS_200, post=statuses("302 302 302 302 302 302 302 302 302")),
    "madrasah:invitation-accept": Row(
        get=POST_ONLY, post=statuses("302 302 404 404 404 404 404 404 404"), args=lambda w: [w.invitation.pk]
    ),
    "madrasah:invitation-decline": Row(
        get=POST_ONLY, post=statuses("302 302 404 404 404 404 404 404 404"), args=lambda w: [w.invitation.pk]
    ),
    "madrasah:account-events": Row(get=statuses("302 403 403 403 403 200 403 403 200")),
    "madrasah:staff-invitation-withdraw": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 403 302 302 403 404"), args=lambda w: [w.guru.staff_id]
    ),
    # The installation administrator's pages: no member of any madrasah (tests/madrasah/test_account_control.py
    # for the administrator).
    # "Siapkan madrasah": step 0 answers only while the installation has no madrasah (here it has: 403
    # even to a visitor); the wizard's steps are the installation administrator's alone
    # (tests/madrasah/test_setup_wizard.py walks them as that administrator).
    "madrasah:setup-start": Row(
        get=statuses("403 403 403 403 403 403 403 403 403"), post=statuses("403 403 403 403 403 403 403 403 403")
    ),
    "madrasah:setup-madrasah": Row(
        get=statuses("302 403 403 403 403 403 403 403 403"), post=statuses("302 403 403 403 403 403 403 403 403")
    ),
    "madrasah:setup-numbering": Row(
        get=statuses("302 403 403 403 403 403 403 403 403"),
        post=statuses("302 403 403 403 403 403 403 403 403"),
        args=lambda w: [w.madrasah.pk],
    ),
    "madrasah:setup-kepala": Row(
        get=statuses("302 403 403 403 403 403 403 403 403"),
        post=statuses("302 403 403 403 403 403 403 403 403"),
        args=lambda w: [w.madrasah.pk],
    ),
    "madrasah:setup-operator": Row(
        get=statuses("302 403 403 403 403 403 403 403 403"),
        post=statuses("302 403 403 403 403 403 403 403 403"),
        args=lambda w: [w.madrasah.pk],
    ),
    "madrasah:setup-semesters": Row(
        get=statuses("302 403 403 403 403 403 403 403 403"),
        post=statuses("302 403 403 403 403 403 403 403 403"),
        args=lambda w: [w.madrasah.pk],
    ),
    "madrasah:setup-instruments": Row(
        get=statuses("302 403 403 403 403 403 403 403 403"),
        post=statuses("302 403 403 403 403 403 403 403 403"),
        args=lambda w: [w.madrasah.pk],
    ),
    "madrasah:setup-slips": Row(
        get=statuses("302 403 403 403 403 403 403 403 403"),
        post=statuses("302 403 403 403 403 403 403 403 403"),
        args=lambda w: [w.madrasah.pk],
    ),
    # The letterhead logo of one's own madrasah (none uploaded here).
    "madrasah:madrasah-logo": Row(get=statuses("302 404 404 404 404 404 404 404 404")),
    # The pengawas of the madrasah: the Kepala adds (an empty form comes back with its errors: 400), ends
    # and withdraws invitations; local subjects (mulok): the Kepala and the operator.
    "madrasah:pengawas-list": Row(get=statuses("302 403 403 403 403 200 403 403 200")),
    "madrasah:pengawas-create": Row(
        get=statuses("302 403 403 403 403 200 403 403 200"), post=statuses("302 403 403 403 403 400 403 403 400")
    ),
    "madrasah:pengawas-end": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 403 403 404"), args=lambda w: [w.pengawas.pk]
    ),
    "madrasah:pengawas-invitation-withdraw": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 403 302 403 403 404"),
        args=lambda w: [w.pengawas_invitation.pk],
    ),
    "madrasah:subject-list": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"),
        post=statuses("302 403 403 403 403 302 302 403 302"),
        data=lambda w: {"name": "Bahasa Madura"},
    ),
    "madrasah:subject-delete": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 302 403 404"), args=lambda w: [w.local_subject.pk]
    ),
    # The timetable: the operator and the Kepala keep it, the Waka reads it (issue 19 item 5).
    "madrasah:timetable-home": Row(get=statuses("302 403 403 403 200 200 200 403 200")),
    "madrasah:timetable-week": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"),
        post=statuses("302 403 403 403 403 302 302 403 302"),
        data=lambda w: {"days": ["0", "1", "2", "3", "4", "5"]},
    ),
    "madrasah:timetable-bells": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"),
        post=statuses("302 403 403 403 403 302 302 403 302"),
        data=lambda w: {"day_0": "07.00-07.40"},
    ),
    "madrasah:timetable-bells-ramadan": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"),
        post=statuses("302 403 403 403 403 302 302 403 302"),
        data=lambda w: {"day_0": "07.30-08.00"},
    ),
    "madrasah:ramadan-create": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 403 302 302 403 302"),
        data=lambda w: {"start_date": "2028-01-28", "end_date": "2028-02-25"},
    ),
    "madrasah:ramadan-delete": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 302 403 404"), args=lambda w: [w.ramadan.pk]
    ),
    "madrasah:timetable-classes": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"),
        post=statuses("302 403 403 403 403 302 302 403 302"),
        data=lambda w: {"names": "VII-A, VII-B"},
    ),
    "madrasah:timetable-import": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"),
        post=statuses("302 403 403 403 403 400 400 403 400"),  # no file: the form comes back with its error
    ),
    "madrasah:timetable-template": Row(get=statuses("302 403 403 403 403 200 200 403 200")),
    "madrasah:teacher-code-delete": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 302 403 404"), args=lambda w: [w.teacher_code.pk]
    ),
    "madrasah:installation": Row(get=statuses("302 403 403 403 403 403 403 403 403")),
    "madrasah:installation-accounts": Row(get=statuses("302 403 403 403 403 403 403 403 403")),
    "madrasah:installation-account-reset": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 403 403 403 403"), args=lambda w: [w.kepala.user_id]
    ),
    "madrasah:installation-account-unlock": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 403 403 403 403"), args=lambda w: [w.kepala.user_id]
    ),
    "madrasah:installation-kepala": Row(
        get=statuses("302 403 403 403 403 403 403 403 403"),
        post=statuses("302 403 403 403 403 403 403 403 403"),
        args=lambda w: [w.madrasah.pk],
    ),
    "madrasah:installation-madrasah-status": Row(
        get=statuses("302 403 403 403 403 403 403 403 403"),
        post=statuses("302 403 403 403 403 403 403 403 403"),
        args=lambda w: [w.madrasah.pk],
        data=lambda w: {"action": "deactivate"},
    ),
    "madrasah:installation-events": Row(get=statuses("302 403 403 403 403 403 403 403 403")),
    # The dashboard: the Kepala and the Waka of the madrasah (the outsider sees their own); a
    # pengawas is sent to their overview; the pengawas' view of a madrasah they oversee.
    "laporan:dashboard": Row(get=statuses("302 403 403 403 200 200 403 302 200")),
    "laporan:dashboard-meeting": Row(get=statuses("302 403 403 403 200 200 403 302 200")),
    "laporan:dashboard-export": Row(get=statuses("302 403 403 403 200 200 403 403 200")),
    "laporan:pengawas-overview": Row(get=statuses("302 403 403 403 403 403 403 200 403")),
    "laporan:pengawas-madrasah": Row(
        get=statuses("302 403 403 403 403 403 403 200 403"), args=lambda w: [w.madrasah.pk]
    ),
    # The district pages: the pengawas compares the madrasah they oversee; the overview of every
    # madrasah is the district reader's and the installation administrator's (no member's: 403; the
    # reader's own cases are in `test_the_district_reader_opens_the_overview_and_nothing_else`).
    "laporan:district-comparison": Row(get=statuses("302 403 403 403 403 403 403 200 403")),
    "laporan:district-overview": Row(get=statuses("302 403 403 403 403 403 403 403 403")),
    # Laporan: reports
    # Asked for by the readers of a kind (the Kepala, the Waka, the pengawas; the outsider in their own
    # madrasah); a guru asks for and reads only their own record. `report` is the guru's record and
    # `recap` the semester recap, both built (PDF; the recap with its workbook). Another teacher's
    # record → 404, the operator (never sees scores) → 403, another madrasah's report → 404. Retrying
    # a report that did not fail still redirects (302) with its message.
    # The number register of the madrasah's documents (issued, kept for a retry, batal): no teacher data.
    "laporan:number-register": Row(get=statuses("302 403 403 403 200 200 403 403 200")),
    "laporan:report-list": Row(get=statuses("302 200 200 200 200 200 403 200 200")),
    "laporan:report-request": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 302 302 403 302 302"),
        data=lambda w: {"kind": "semester", "period": w.semester.slug},
    ),
    "laporan:report-status": Row(get=statuses("302 200 404 404 200 200 403 200 404"), args=lambda w: [w.report.pk]),
    "laporan:report-download": Row(get=statuses("302 200 404 404 200 200 403 200 404"), args=lambda w: [w.report.pk]),
    "laporan:report-download-xlsx": Row(
        get=statuses("302 403 403 403 200 200 403 200 404"), args=lambda w: [w.recap.pk]
    ),
    "laporan:report-retry": Row(
        get=POST_ONLY, post=statuses("302 302 404 404 302 302 403 302 404"), args=lambda w: [w.report.pk]
    ),
    # Issued means fixed: the revisions of the guru's record, read like its download; the page is also
    # the operator's (they upload the scan of the signed paper but never download the record, 403);
    # the signed copy is stored by the Kepala or the operator (an empty form: 400 with its message).
    # An amending decree is the Kepala's (the guru's record is no decree: 302 back with the message).
    "laporan:report-revisions": Row(get=statuses("302 200 404 404 200 200 200 200 404"), args=lambda w: [w.report.pk]),
    "laporan:report-revision-download": Row(
        get=statuses("302 200 404 404 200 200 403 200 404"), args=lambda w: [w.report.pk, 0]
    ),
    "laporan:report-signed-download": Row(
        get=statuses("302 200 404 404 200 200 403 200 404"), args=lambda w: [w.report.pk, 0]
    ),
    "laporan:report-signed-upload": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 400 400 403 404"), args=lambda w: [w.report.pk, 0]
    ),
    "laporan:report-amend": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 403 403 404"), args=lambda w: [w.report.pk]
    ),
    # "Coba lagi" for one failed document of the yearly bundle: the bundle's readers (302, with its
    # message: this bundle did not fail), other roles 403, another madrasah's part 404.
    "laporan:bundle-part-retry": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 302 302 403 302 404"), args=lambda w: [w.bundle_part.pk]
    ),
    # Laporan: schedule and archive
    # The madrasah's report schedule: read by the Kepala, the Waka and the pengawas (the outsider, a
    # Kepala elsewhere, reads and saves their own); saved by the Kepala only (302 back to the page).
    # The archive is the report list above, filtered (`?jenis=&periode=&status=`).
    "laporan:schedule": Row(
        get=statuses("302 403 403 403 200 200 403 200 200"),
        post=statuses("302 403 403 403 403 302 403 403 302"),
        data=lambda w: {"digest": "on", "digest_day": "5", "semester_recap": "on", "bundle": "on"},
    ),
    # Personal data: every member reads and downloads their own data (no id in the URL); the file
    # retention setting is the Kepala's (the outsider edits their own madrasah's).
    "laporan:my-data": Row(get=ALL_MEMBERS_200),
    "laporan:my-data-download": Row(get=ALL_MEMBERS_200),
    "laporan:retention": Row(
        get=statuses("302 403 403 403 403 200 403 403 200"),
        post=statuses("302 403 403 403 403 302 403 403 302"),
        data=lambda w: {"evidence_months": "60", "document_months": "36"},
    ),
    # Mutu: money and good practice
    # The funding view and its RKAM workbook: the Kepala, the Waka and the pengawas (the outsider sees
    # their own). The entrepreneurship log (the Kepala's entry): read by the Kepala, the Waka, the
    # operator and the pengawas; written by the Kepala and the operator. The guru's submitted good
    # practice: seen by the guru, the Waka and the Kepala only (other members 404 until published);
    # the guru edits and submits it (already submitted: 302 with a message); the Kepala publishes or
    # returns it.
    "mutu:funding": Row(get=statuses("302 403 403 403 200 200 403 200 200")),
    "mutu:funding-export": Row(get=statuses("302 403 403 403 200 200 403 200 200")),
    "mutu:business-list": Row(get=statuses("302 403 403 403 200 200 200 200 200")),
    "mutu:business-create": Row(
        get=statuses("302 403 403 403 403 200 200 403 200"),
        post=statuses("302 403 403 403 403 200 200 403 200"),  # an empty form comes back with its errors
    ),
    "mutu:business-update": Row(
        get=statuses("302 403 403 403 403 200 200 403 404"),
        post=statuses("302 403 403 403 403 200 200 403 404"),  # an empty form comes back with its errors
        args=lambda w: [w.business_entry.pk],
    ),
    "mutu:business-delete": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 403 302 302 403 404"), args=lambda w: [w.business_entry.pk]
    ),
    "mutu:good-practice-list": Row(get=ALL_MEMBERS_200),
    "mutu:good-practice-create": Row(
        get=statuses("302 200 200 200 200 200 403 403 200"),
        post=statuses("302 200 200 200 200 200 403 403 200"),  # an empty form comes back with its errors
    ),
    "mutu:good-practice-detail": Row(
        get=statuses("302 200 404 404 200 200 404 404 404"), args=lambda w: [w.good_practice.pk]
    ),
    "mutu:good-practice-update": Row(
        get=statuses("302 200 404 404 403 403 404 404 404"),
        post=statuses("302 200 404 404 403 403 404 404 404"),  # an empty form comes back with its errors
        args=lambda w: [w.good_practice.pk],
    ),
    "mutu:good-practice-submit": Row(
        get=POST_ONLY, post=statuses("302 302 404 404 403 403 404 404 404"), args=lambda w: [w.good_practice.pk]
    ),
    "mutu:good-practice-publish": Row(
        get=POST_ONLY, post=statuses("302 403 404 404 403 302 404 404 404"), args=lambda w: [w.good_practice.pk]
    ),
    "mutu:good-practice-return": Row(
        get=POST_ONLY,
        post=statuses("302 403 404 404 403 302 404 404 404"),
        args=lambda w: [w.good_practice.pk],
        data=lambda w: {"note": "Tambahkan foto kegiatan."},
    ),
    # Mutu: cycles
    # The world's cycle is in Do, with the guru on its team, an activity and a progress entry with a PDF;
    # a second (manual) cycle is in Check with a measurement and its PDF. The board: the Kepala, the Waka,
    # the pengawas and teachers (only their teams' cycles); the operator 403. A cycle: read by the Kepala,
    # the Waka, the pengawas and its team; changed by the Kepala and the Waka (reopened by the Kepala
    # only); other members 403, another madrasah 404. A refused step (measuring in Do, Act before the
    # Act stage, deleting an activity with progress) redirects (302) with its message.
    "mutu:cycle-list": Row(get=statuses("302 200 200 200 200 200 403 200 200")),
    "mutu:cycle-create": Row(
        get=statuses("302 403 403 403 200 200 403 403 200"),
        post=statuses("302 403 403 403 200 200 403 403 200"),  # an empty form comes back with its errors
    ),
    "mutu:cycle-detail": Row(get=statuses("302 200 403 403 200 200 403 200 404"), args=lambda w: [w.cycle.pk]),
    "mutu:cycle-update": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),  # an empty form comes back with its errors
        args=lambda w: [w.cycle.pk],
    ),
    "mutu:cycle-advance": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 302 302 403 403 404"),
        args=lambda w: [w.cycle.pk],
        data=lambda w: {"to": "check"},
    ),
    "mutu:cycle-reopen": Row(
        get=POST_ONLY,
        post=statuses("302 403 403 403 403 302 403 403 404"),
        args=lambda w: [w.cycle.pk],
        data=lambda w: {"reason": "Kegiatan kedua belum dicatat."},
    ),
    "mutu:cycle-measure": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 302 302 403 403 404"), args=lambda w: [w.cycle.pk]
    ),
    "mutu:cycle-act": Row(
        get=statuses("302 403 403 403 302 302 403 403 404"),
        post=statuses("302 403 403 403 302 302 403 403 404"),
        args=lambda w: [w.cycle.pk],
    ),
    "mutu:activity-create": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),  # an empty form comes back with its errors
        args=lambda w: [w.cycle.pk],
    ),
    "mutu:activity-update": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 200 200 403 403 404"),  # an empty form comes back with its errors
        args=lambda w: [w.activity.pk],
    ),
    "mutu:activity-delete": Row(
        get=POST_ONLY, post=statuses("302 403 403 403 302 302 403 403 404"), args=lambda w: [w.activity.pk]
    ),
    "mutu:activity-progress": Row(
        get=statuses("302 403 403 403 200 200 403 403 404"),
        post=statuses("302 403 403 403 302 302 403 403 404"),
        args=lambda w: [w.activity.pk],
        data=lambda w: {"note": "Pendampingan kedua selesai."},
    ),
    "mutu:progress-evidence": Row(
        get=statuses("302 200 403 403 200 200 403 200 404"), args=lambda w: [w.activity_progress.pk]
    ),
    "mutu:measurement-evidence": Row(
        get=statuses("302 200 403 403 200 200 403 200 404"), args=lambda w: [w.measurement.pk]
    ),
}


# More cases for URLs of MATRIX (a test id each): another object of the same kind, or another action
# the same URL accepts (a second submit button, an `active`, `notification` or `kind` field).
#
# The team member's own supervision: tim supervises guru_lain (their row, `tim_row`) and has started a
# draft observation of it (`tim_observation`). Only the row's supervisor starts, fills in and submits
# it; the Kepala, the Waka and the pengawas read it; the observed teacher sees it once submitted (a
# draft: 404, as to every other teacher); the teacher and the supervisor print the blank sheet.
VARIANTS: dict[str, tuple[str, Row]] = {
    "the start link's form without a token in the session": (
        "madrasah:slip-start",
        Row(
            get=statuses("404 404 404 404 404 404 404 404 404"),
            post=statuses("404 404 404 404 404 404 404 404 404"),
            args=lambda w: [_uidb64(w.guru.user), "sandi"],
        ),
    ),
    # A live link (guru's, made now): whoever opens it is sent on to the form, the token kept in the session.
    "a live start link": (
        "madrasah:slip-start",
        Row(get=statuses("302 302 302 302 302 302 302 302 302"), args=lambda w: [_uidb64(w.guru.user), _live(w)]),
    ),
    "tim opens the conflict choice of their draft": (
        "kompetensi:observation-conflict",
        Row(get=statuses("302 404 404 302 403 403 404 403 404"), args=lambda w: [w.tim_observation.pk]),
    ),
    # Who grants what (madrasah.accounts.rules): a grant the actor may not make is a 403.
    "the operator role given to guru": (
        "madrasah:staff-account",
        Row(
            get=POST_ONLY,
            post=statuses("302 403 404 404 403 302 302 403 404"),
            args=lambda w: [w.guru.staff_id],
            data=lambda w: {"roles": ["guru", "operator"]},
        ),
    ),
    "the waka role given to guru": (
        "madrasah:staff-account",
        Row(
            get=POST_ONLY,
            post=statuses("302 403 404 404 403 302 403 403 404"),
            args=lambda w: [w.guru.staff_id],
            data=lambda w: {"roles": ["guru", "waka"]},
        ),
    ),
    "the kepala role given to guru": (
        "madrasah:staff-account",
        Row(
            get=POST_ONLY,
            post=statuses("302 403 404 404 403 403 403 403 404"),
            args=lambda w: [w.guru.staff_id],
            data=lambda w: {"roles": ["guru", "kepala"]},
        ),
    ),
    "the kepala role given to the operator's own account": (
        "madrasah:staff-account",
        Row(
            get=POST_ONLY,
            post=statuses("302 404 404 404 403 403 403 403 404"),
            args=lambda w: [w.operator.staff_id],
            data=lambda w: {"roles": ["operator", "kepala"]},
        ),
    ),
    "the kepala's roles changed": (
        "madrasah:staff-account",
        Row(
            get=POST_ONLY,
            post=statuses("302 404 404 404 403 403 302 403 404"),  # the operator may add the operator role
            args=lambda w: [w.kepala.staff_id],
            data=lambda w: {"roles": ["kepala", "guru", "operator"]},
        ),
    ),
    "the kepala's password reset": (
        "madrasah:staff-password-reset",
        Row(get=POST_ONLY, post=statuses("302 404 404 404 403 403 403 403 404"), args=lambda w: [w.kepala.staff_id]),
    ),
    "the waka's password reset": (
        "madrasah:staff-password-reset",
        Row(get=POST_ONLY, post=statuses("302 404 404 404 403 200 403 403 404"), args=lambda w: [w.waka.staff_id]),
    ),
    "the operator's password reset": (
        "madrasah:staff-password-reset",
        Row(get=POST_ONLY, post=statuses("302 404 404 404 403 200 403 403 404"), args=lambda w: [w.operator.staff_id]),
    ),
    "tim starts the observation of their row": (
        "kompetensi:observation-start",
        Row(
            get=POST_ONLY,
            post=statuses("302 403 403 302 403 403 403 403 404"),
            args=lambda w: [w.tim_row.pk, w.tim_observation.instrument_version_id],
        ),
    ),
    "tim prints the blank sheet of their row": (
        "kompetensi:observation-blank-sheet",
        Row(
            get=statuses("302 404 200 200 200 200 404 200 404"),
            args=lambda w: [w.tim_row.pk, w.tim_observation.instrument_version_id],
        ),
    ),
    "tim reads their draft observation": (
        "kompetensi:observation-detail",
        Row(get=statuses("302 404 404 200 200 200 404 200 404"), args=lambda w: [w.tim_observation.pk]),
    ),
    "tim fills in their draft observation": (
        "kompetensi:observation-edit",
        Row(
            get=statuses("302 404 404 200 403 403 404 403 404"),
            post=statuses("302 404 404 200 403 403 404 403 404"),  # no revision: the sheet comes back
            args=lambda w: [w.tim_observation.pk],
        ),
    ),
    "tim autosaves their draft observation": (
        "kompetensi:observation-autosave",
        Row(
            get=POST_ONLY,
            post=statuses("302 404 404 400 403 403 404 403 404"),  # an empty body: 400 with the reason
            args=lambda w: [w.tim_observation.pk],
        ),
    ),
    "tim submits their observation": (
        "kompetensi:observation-submit",
        Row(
            get=POST_ONLY,
            post=statuses("302 404 404 302 403 403 404 403 404"),
            args=lambda w: [w.tim_observation.pk],
        ),
    ),
    "tim adds evidence to their observation": (
        "kompetensi:observation-evidence-upload",
        Row(
            get=POST_ONLY,
            post=statuses("302 404 404 302 403 403 404 403 404"),  # no file: 302 with the message
            args=lambda w: [w.tim_observation.pk],
        ),
    ),
    # Other actions of one URL.
    "staff-set-active: reactivate": (
        "madrasah:staff-set-active",
        Row(
            get=None,
            post=statuses("302 403 404 404 403 302 302 403 404"),
            args=lambda w: [w.guru.staff_id],
            data=lambda w: {"active": "1"},
        ),
    ),
    # Marking one notification read (the list's other action marks them all): only its owner.
    "notification-list: mark the guru's notification read": (
        "madrasah:notification-list",
        Row(
            get=None,
            post=statuses("302 302 404 404 404 404 404 404 404"),
            data=lambda w: {"notification": w.notification.pk},
        ),
    ),
    # The Act stage's two buttons, on the cycle in Act: the Kepala and the Waka save or close.
    "cycle-act: save the decision": (
        "mutu:cycle-act",
        Row(
            get=statuses("302 403 403 403 200 200 403 403 404"),
            post=statuses("302 403 403 403 302 302 403 403 404"),
            args=lambda w: [w.act_cycle.pk],
            data=lambda w: {"decision": "standarkan", "decision_reason": "Modul ajar lengkap.", "save": "1"},
        ),
    ),
    "cycle-act: save and close the cycle": (
        "mutu:cycle-act",
        Row(
            get=None,
            post=statuses("302 403 403 403 302 302 403 403 404"),
            args=lambda w: [w.act_cycle.pk],
            data=lambda w: {"decision": "standarkan", "decision_reason": "Modul ajar lengkap.", "close": "1"},
        ),
    ),
    # Asking for a teacher's record naming the guru: a reader asks for it; a teacher asks for (and
    # gets) their own whatever the form says; the operator 403; another madrasah's teacher 404. The
    # PKG record is read by the Kepala only: the pengawas 403, teachers their own.
    "report-request: the guru's record": (
        "laporan:report-request",
        Row(
            get=None,
            post=statuses("302 302 302 302 302 302 403 302 404"),
            data=lambda w: {"kind": "guru", "period": w.semester.slug, "teacher": w.guru.staff_id},
        ),
    ),
    "report-request: the guru's PKG": (
        "laporan:report-request",
        Row(
            get=None,
            post=statuses("302 302 302 302 302 302 403 403 404"),
            data=lambda w: {
                "kind": "pkg",
                "period": period_of_year(w.semester.academic_year).key,
                "teacher": w.guru.staff_id,
            },
        ),
    ),
}

# "0 leaks": on every 200 page, the personas who must never see a teacher's NIP, name or results
# (their result notes, written in the world: NOTE_*). The operator keeps staff data (NIPs, names) but
# never sees scores. Names of colleagues are public only where the rule makes them so (NAMES_PUBLIC_AT).
NOTE_GURU = "Kekuatan rahasia guru: apersepsi kontekstual"
NOTE_GURU_LAIN = "Kekuatan rahasia guru lain: diferensiasi tugas"
PRIVATE_TO = {
    "guru": frozenset({"anonymous", "guru_lain", "tim", "outsider"}),
    "guru_lain": frozenset({"anonymous", "guru", "outsider"}),
}
RESULTS_KEPT_FROM = frozenset({"operator"})
NAMES_PUBLIC_AT: dict[str, tuple[str, ...]] = {
    # The supervision schedule: every member is told who is observed when, and by whom.
    "kompetensi:programme-detail": ("guru", "guru_lain"),
}
# Where an anonymous visitor is sent somewhere else than the login page (with `?next=`).
ANONYMOUS_REDIRECTS_ELSEWHERE = frozenset({"set_language", "madrasah:logout", "madrasah:slip-start"})


def _uidb64(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _live(world) -> str:
    return slip_start_token.make_token(User.objects.get(pk=world.guru.user_id))


CASES_FLOOR = 2250  # 2295 when the team member and the variants came in


def case_count() -> int:
    """URL × persona × method (or POST action) cases the two matrix tests check."""
    rows = [*MATRIX.values(), *(row for _name, row in VARIANTS.values())]
    return sum(len(PERSONAS) for row in rows for expected in (row.get, row.post) if expected is not None)


def url_names(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_matrix():
    missing = sorted(n for n in url_names() if not n.startswith("admin:") and n not in MATRIX)
    assert missing == [], f"add rows to MATRIX for: {missing}"
    stale = sorted(set(MATRIX) - set(url_names()))
    assert stale == [], f"MATRIX names URLs that no longer exist: {stale}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end. Each test runs in a
    savepoint of it, and each request in one more (`_request`): every case meets the same world."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media")))
    with django_db_blocker.unblock(), media, transaction.atomic():
        yield _world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def worker_alive(db):
    """/healthz/ wants a worker seen in the last minutes: the module's world may be older than that."""
    heartbeat_record(worker="matrix@test")


def _personas() -> dict:
    """The personas of the root conftest, and the team member: a plain guru named in the semester's
    supervision team (by the Kepala's decree), neither Waka nor Kepala."""
    from tests.factories.madrasah import MadrasahFactory, SemesterFactory, StaffFactory, member

    madrasah = MadrasahFactory(name="MTs Negeri 3 Pamekasan", nsm="121135280003", npsn="20580456")
    SemesterFactory(academic_year__madrasah=madrasah)
    other = MadrasahFactory(name="MTs Negeri 1 Sumenep", nsm="121135290001", npsn="20580999")
    SemesterFactory(academic_year__madrasah=other)
    operator_staff = StaffFactory(
        madrasah=madrasah, teacher_type="none", employment_status="honorer", nip="", peg_id="7788990011"
    )
    return {
        "guru": member(madrasah=madrasah, roles=["guru"]),
        "guru_lain": member(madrasah=madrasah, roles=["guru"]),
        "tim": member(madrasah=madrasah, roles=["guru"]),
        "waka": member(madrasah=madrasah, roles=["waka", "guru"]),
        "kepala": member(madrasah=madrasah, roles=["kepala", "guru"]),
        "operator": member(madrasah=madrasah, roles=["operator"], staff=operator_staff),
        "pengawas": member(madrasah=madrasah, roles=["pengawas"], username="196805101994031004"),
        "outsider": member(madrasah=other, roles=["kepala", "guru"]),
    }


def _world() -> SimpleNamespace:
    from kompetensi.instruments.seed import ensure_frameworks
    from kompetensi.models import Framework
    from kompetensi.supervision.services.observations import observation_start
    from madrasah.reference import ensure_reference_data
    from tests.factories import supervision
    from tests.factories.kompetensi import instrument_version

    ensure_reference_data()
    if not Framework.objects.exists():
        ensure_frameworks()
    personas = _personas()
    madrasah = personas["guru"].madrasah
    second, reader = _district(personas)
    semester = madrasah.semesters.select_related("academic_year").get()
    version = instrument_version(madrasah=madrasah, academic_year=semester.academic_year)
    programme = supervision.approved_programme(
        madrasah=madrasah, kepala=personas["kepala"], waka=personas["waka"], guru=personas["guru"]
    )
    # A draft observation of the row, with an instrument of its own so that starting it (which freezes
    # the version) leaves `version` editable for the instrument rows above.
    observed_version = instrument_version(madrasah=madrasah, academic_year=semester.academic_year, code="observasi-uji")
    row = programme.rows.get()
    row.instruments.add(observed_version)
    observation = observation_start(row=row, version=observed_version, user=personas["waka"].user)
    submitted, follow_up, evidence = _submitted_result(row, personas)
    tim_row, tim_observation = _team_member_supervision(programme, observed_version, personas)
    appraisal_period, appraisal, appraisal_evidence = _appraisal(madrasah, semester.academic_year, personas)
    pkb_entry, in_house = _pkb(madrasah, personas)
    money_objects = _mutu_money(madrasah, personas)
    cycle_objects = _mutu_cycles(semester, personas)
    report_objects = _reports(semester, personas)
    invitation = _invitation(personas)
    pengawas_invitation, local_subject = _pengawas_invitation_and_local_subject(personas)
    ramadan, teacher_code = _timetable(personas)
    return SimpleNamespace(
        semester=semester,
        madrasah=madrasah,
        version=version,
        section=version.sections.get(),
        framework=Framework.objects.get(code="pkg-mapel"),
        programme=programme,
        row=row,
        tim_row=tim_row,
        tim_observation=tim_observation,
        blocked_period=supervision.blocked_period(semester=semester, start_date=semester.start_date),
        observation=observation,
        submitted=submitted,
        follow_up=follow_up,
        evidence=evidence,
        notification=personas["guru"].user.notifications.first(),
        appraisal_period=appraisal_period,
        appraisal=appraisal,
        appraisal_evidence=appraisal_evidence,
        pkb=pkb_entry,
        in_house=in_house,
        **money_objects,
        **cycle_objects,
        **report_objects,
        invitation=invitation,
        pengawas_invitation=pengawas_invitation,
        local_subject=local_subject,
        ramadan=ramadan,
        teacher_code=teacher_code,
        **personas,
        second=second,
        reader=reader,
        sessions=_sessions(personas, extra={"pengawas_second": second, "reader": reader}),
        client=Client(),  # one for every request: its middleware chain is loaded once
    )


def _team_member_supervision(programme, version, personas):
    """The team member's own work: named Anggota of the semester's team, they supervise guru_lain
    (their row of the approved programme) and have started a draft observation of it, with a note."""
    from kompetensi.supervision.services.observations import observation_save, observation_start
    from tests.factories import supervision

    tim, guru_lain = personas["tim"], personas["guru_lain"]
    supervision.team(madrasah=programme.madrasah, semester=programme.semester, members=[personas["waka"], tim])
    tim_row = supervision.programme_row(programme=programme, teacher=guru_lain, supervisor=tim, instruments=[version])
    draft = observation_start(row=tim_row, version=version, user=tim.user)
    observation_save(observation=draft, user=tim.user, base_revision=0, scores={}, fields={"strengths": NOTE_GURU_LAIN})
    return tim_row, draft


def _invitation(personas):
    """The other madrasah invites the guru's account (to a record of its own: the invitation names the
    account, whatever the record's NIP)."""
    from madrasah.models import Invitation
    from tests.factories.madrasah import StaffFactory

    guru, outsider = personas["guru"], personas["outsider"]
    record = StaffFactory(madrasah=outsider.madrasah)
    return Invitation.objects.create(
        madrasah=outsider.madrasah, user=guru.user, staff=record, roles=["guru"], invited_by=outsider.user
    )


def _pengawas_invitation_and_local_subject(personas):
    """Our Kepala has invited an account of the other madrasah as a pengawas (no staff record), and our
    madrasah has a local subject of its own that nobody teaches yet."""
    from madrasah.models import Invitation, Subject

    kepala, outsider = personas["kepala"], personas["outsider"]
    invitation = Invitation.objects.create(
        madrasah=kepala.madrasah, user=outsider.user, roles=["pengawas"], invited_by=kepala.user
    )
    return invitation, Subject.objects.create(madrasah=kepala.madrasah, name="Tahfidz Al-Qur'an", group="Muatan Lokal")


def _timetable(personas):
    """Our madrasah's Ramadan range and a remembered timetable code (the guru's)."""
    from madrasah.models import RamadanPeriod, TeacherCode

    madrasah = personas["guru"].madrasah
    ramadan = RamadanPeriod.objects.create(madrasah=madrasah, start_date="2027-02-08", end_date="2027-03-09")
    return ramadan, TeacherCode.objects.create(madrasah=madrasah, code="GR", staff=personas["guru"].staff)


def _district(personas):
    """The pengawas oversees a second madrasah too (the outsider's is the third, which they do not);
    the district reader is an account of no madrasah with the installation-wide right."""
    from madrasah.models import Membership, MembershipRole
    from tests.factories.madrasah import MadrasahFactory, SemesterFactory, UserFactory

    second = MadrasahFactory(name="MTs Swasta Al-Amien Prenduan", nsm="121235280011", npsn="20580777")
    SemesterFactory(academic_year__madrasah=second)
    membership = Membership.objects.create(user=personas["pengawas"].user, madrasah=second)
    MembershipRole.objects.create(membership=membership, role="pengawas")
    reader = UserFactory(username="197001011995031001")
    User.objects.filter(pk=reader.pk).update(district_reader=True)
    return membership, User.objects.get(pk=reader.pk)


def _sessions(personas, *, extra: dict) -> dict[str, str]:
    """A logged-in session per persona, made once: each request sends its cookie (`_request`). Each
    member's session works in the persona's madrasah (the pengawas oversees two: the choice made at
    login); `extra` adds sessions of a membership (the pengawas working in their second madrasah) or
    of a user in no madrasah (the district reader)."""
    keys = {}
    for name, who in {**personas, **extra}.items():
        client = Client()
        client.force_login(who if isinstance(who, User) else who.user)
        if not isinstance(who, User):
            session = client.session
            session[MEMBERSHIP_SESSION_KEY] = who.pk
            session.save()
        keys[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def _submitted_result(row, personas):
    """The guru's result with a third instrument, scored and submitted by the Waka (which notifies
    the guru), with a follow-up and a PDF of evidence (stored under a temporary MEDIA_ROOT)."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from kompetensi.models import Item
    from kompetensi.supervision.services.observations import observation_save, observation_start
    from tests.factories.kompetensi import instrument_version

    waka = personas["waka"].user
    version = instrument_version(
        madrasah=row.programme.madrasah, academic_year=row.programme.semester.academic_year, code="hasil-uji"
    )
    row.instruments.add(version)
    submitted = observation_start(row=row, version=version, user=waka)
    scores = {item.pk: {"points": 2} for item in Item.objects.filter(section__version=version)}
    observation_save(observation=submitted, user=waka, base_revision=0, scores=scores, fields={"strengths": NOTE_GURU})
    observation_submit(observation=submitted, user=waka)
    follow_up = follow_up_create(
        observation=submitted,
        user=waka,
        kind="coaching",
        description="Pendampingan modul ajar.",
        responsible="Waka Kurikulum",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        items=[],
    )
    upload = SimpleUploadedFile("modul.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    evidence = observation_evidence_add(observation=submitted, user=waka, upload=upload)
    return submitted, follow_up, evidence


def _appraisal(madrasah, academic_year, personas):
    """The PKG period of the year; the guru's appraisal by the Kepala, with a PDF as evidence (stored
    under the temporary MEDIA_ROOT of `world`)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kompetensi.appraisal.services.scores import appraisal_evidence_add
    from tests.factories import appraisal as factories

    period = factories.appraisal_period(madrasah, academic_year, personas["kepala"])
    appraisal = factories.appraisal(period, personas["guru"].staff, personas["kepala"].user)
    upload = SimpleUploadedFile("dokumen.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    section = appraisal.instrument_version.sections.order_by("order").first()
    evidence = appraisal_evidence_add(
        appraisal=appraisal, user=personas["kepala"].user, section_id=section.pk, upload=upload
    )
    return period, appraisal, evidence


def _pkb(madrasah, personas):
    """The guru's PKB entry, waiting, with a PDF (under the temporary MEDIA_ROOT); an in-house activity
    recorded by the Waka, attended by the guru."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("sertifikat.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    data = PkbData(
        kind="diklat",
        title="Diklat Kurikulum Merdeka",
        organiser="BDK Surabaya",
        start_date=dt.date(2026, 8, 3),
        end_date=dt.date(2026, 8, 5),
        jp=32,
    )
    entry = pkb_activity_create(teacher=personas["guru"].staff, user=personas["guru"].user, data=data, upload=upload)
    in_house = in_house_create(
        madrasah=madrasah,
        user=personas["waka"].user,
        data=InHouseData(
            title="IHT Asesmen",
            organiser="MTsN 3 Pamekasan",
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 9, 1),
            jp=8,
        ),
        attendees=[personas["guru"].staff],
    )
    return entry, in_house


def _mutu_money(madrasah, personas) -> dict:
    """Mutu: money and good practice. An entry of the entrepreneurship log recorded by the Kepala;
    the guru's good practice, submitted to the Kepala (written directly: no notification)."""
    import datetime as dt

    from mutu.models import GoodPracticeStatus
    from tests.factories.mutu_money import business_entry, good_practice

    return {
        "business_entry": business_entry(
            madrasah, personas["kepala"].user, date=dt.date(2026, 9, 1), income=1_250_000, expense=250_000
        ),
        "good_practice": good_practice(personas["guru"], status=GoodPracticeStatus.SUBMITTED),
    }


def _mutu_cycles(semester, personas) -> dict:
    """Mutu: cycles. The Kepala's cycle of the semester in Do, the guru on its team, one activity with
    a progress entry and its PDF; a manual cycle in Check with a measurement and its PDF; a third cycle
    in Act (files under the temporary MEDIA_ROOT of `world`). Written directly: no rules, no events."""
    from django.core.files.base import ContentFile

    from mutu.models import Stage
    from tests.factories import mutu as factories

    kepala, guru = personas["kepala"], personas["guru"]
    cycle = factories.cycle(owner=kepala, semester=semester, stage=Stage.DO, team=[guru.staff])
    activity = factories.activity(cycle)
    progress = factories.progress(activity, author=kepala)
    progress.evidence.save("bukti.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    manual = factories.cycle(
        owner=kepala, semester=semester, stage=Stage.CHECK, team=[guru.staff], indicator="manual", manual_name="Wifi"
    )
    measurement = factories.measurement(manual, by=kepala, value="40", note="Absensi wifi")
    measurement.evidence.save("bukti.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    act = factories.cycle(owner=kepala, semester=semester, stage=Stage.ACT, team=[guru.staff], title="Modul ajar")
    return {
        "cycle": cycle,
        "activity": activity,
        "activity_progress": progress,
        "measurement": measurement,
        "act_cycle": act,
    }


def _request(world, persona: str, method: str, url: str, data: dict):
    # Each persona acts on the same untouched world: roll back what the request wrote. Only the
    # persona's session cookie is sent: no cookie (a language, a message) travels between cases.
    client = world.client
    client.cookies = SimpleCookie()
    if persona != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    with transaction.atomic():
        response = client.get(url) if method == "get" else client.post(url, data)
        transaction.set_rollback(True)
    return response


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return _text(content)


def _text(content: bytes) -> str:
    """The text of a page, or of every file inside a ZIP (a workbook, a personal-data archive)."""
    if not content.startswith(b"PK\x03\x04"):
        return content.decode(errors="replace")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(_text(archive.read(name)) for name in archive.namelist())


def _leaks(world, persona: str, body: str, url_name: str) -> list[str]:
    """What a 200 page shows of a teacher's record to a persona who must not see it."""
    found = []
    for teacher, kept_from in PRIVATE_TO.items():
        staff = getattr(world, teacher).staff
        note = {"guru": NOTE_GURU, "guru_lain": NOTE_GURU_LAIN}[teacher]
        if persona in kept_from and staff.nip in body:
            found.append(f"{teacher}'s NIP")
        if persona in kept_from | RESULTS_KEPT_FROM and note in body:
            found.append(f"{teacher}'s result")
        public = NAMES_PUBLIC_AT.get(url_name, ()) if persona not in ("anonymous", "outsider") else ()
        if persona in kept_from and teacher not in public and staff.name in body:
            found.append(f"{teacher}'s name")
    return found


def _check(world, name: str, row: Row) -> list[str]:
    """Every persona × method of one row: the mismatches and leaks found (empty when it holds)."""
    url = reverse(name, args=row.args(world))
    problems = []
    for method in ("get", "post"):
        expected_row = getattr(row, method)
        if expected_row is None:
            continue
        for persona, expected in zip(PERSONAS, expected_row, strict=True):
            response = _request(world, persona, method, url, row.data(world))
            where = f"{method.upper()} {url} as {persona}"
            if response.status_code != expected:
                problems.append(f"{where}: {response.status_code}, expected {expected}")
            to_login = response.status_code != 302 or response.url.startswith(f"{reverse('madrasah:login')}?next=")
            if persona == "anonymous" and not to_login and name not in ANONYMOUS_REDIRECTS_ELSEWHERE:
                problems.append(f"{where}: sent to {response.url}, not to the login page")
            if response.status_code == 200:
                problems += [f"{where}: shows {leak}" for leak in _leaks(world, persona, _body(response), name)]
    return problems


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_matrix_holds(name, world):
    problems = _check(world, name, MATRIX[name])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_each_variant_holds(label, world):
    name, row = VARIANTS[label]
    problems = _check(world, name, row)
    assert not problems, "\n".join(problems)


def test_the_matrix_counts_its_cases():
    count = case_count()
    print(f"\npermission matrix: {count} cases (URL × persona × method or action)")
    assert count >= CASES_FLOOR


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    response = client.get(reverse("madrasah:staff-detail", args=[world.guru.staff_id]))
    assert response.url.startswith("/masuk/?next=")


def _reports(semester, personas):
    """Laporan: reports. The guru's record and the semester recap, built (a small PDF, and a workbook
    for the recap, under the temporary MEDIA_ROOT of `world`)."""
    from django.core.files.base import ContentFile

    from laporan.models import BundlePart, Report, ReportRevision, ReportStatus

    made = {}
    for name, kind, teacher in (("report", "guru", personas["guru"].staff), ("recap", "semester", None)):
        report = Report(
            madrasah=semester.madrasah, kind=kind, period=semester.slug, teacher=teacher, status=ReportStatus.DONE
        )
        report.file.save("laporan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        if kind == "semester":
            report.spreadsheet.save("laporan.xlsx", ContentFile(b"PK"), save=False)
        report.size, report.progress = report.file.size, 100
        report.save()
        made[name] = report
    # The guru's record as issued: Revisi 0 with a signed copy (the scan of the signed paper).
    revision = ReportRevision(
        report=made["report"], revision=0, dated=semester.start_date, file=made["report"].file.name, sha256="0" * 64
    )
    revision.signed_copy.save("ttd.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    revision.save()
    # A document of the yearly bundle that failed, in a bundle that did not (its "coba lagi" refuses).
    bundle = Report.objects.create(
        madrasah=semester.madrasah, kind="bundle", period=period_of_year(semester.academic_year).key
    )
    made["bundle_part"] = BundlePart.objects.create(
        report=bundle, position=1, name="program.pdf", kind="program", period=semester.slug, status=ReportStatus.FAILED
    )
    return made


# --- a district: two madrasah under one pengawas, a third outside, and the district reader ---------------
#
# The pengawas works in one madrasah at a time (the membership chosen at login). Working in their
# second madrasah (`pengawas_second`), every page of the first's objects is another madrasah's: 404,
# as for anyone; pages without an object answer as in the first (200). Rows whose object is not a
# madrasah's own (a national framework, a madrasah the pengawas oversees named in the URL) are listed
# with what they answer there.
SECOND_MADRASAH_ANSWERS: dict[str, int] = {
    "kompetensi:framework-detail": 200,  # the national PKG framework: every madrasah's
    "laporan:pengawas-madrasah": 200,  # the first madrasah, which they oversee too
}


def _pengawas_pages() -> list[str]:
    return sorted(
        name for name, row in MATRIX.items() if row.get is not None and row.get[PERSONAS.index("pengawas")] == 200
    )


@pytest.mark.parametrize("name", _pengawas_pages())
def test_the_pengawas_working_in_their_second_madrasah_gets_nothing_of_the_first(name, world):
    row = MATRIX[name]
    args = row.args(world)
    expected = SECOND_MADRASAH_ANSWERS.get(name, 404 if args else 200)
    response = _request(world, "pengawas_second", "get", reverse(name, args=args), {})
    assert response.status_code == expected


@pytest.mark.parametrize("persona", ["pengawas", "pengawas_second"])
def test_the_pengawas_opens_both_madrasah_they_oversee_and_not_a_third(persona, world):
    first, second, third = world.madrasah, world.second.madrasah, world.outsider.madrasah
    for madrasah, expected in ((first, 200), (second, 200), (third, 404)):
        url = reverse("laporan:pengawas-madrasah", args=[madrasah.pk])
        assert _request(world, persona, "get", url, {}).status_code == expected, madrasah.name
    compared = _body(_request(world, persona, "get", reverse("laporan:district-comparison"), {}))
    assert first.name in compared and second.name in compared and third.name not in compared


# The district reader belongs to no madrasah: every page of one answers 403 before any object is
# looked up (the same for an id that exists and one that does not); their home sends them to the
# overview, the only page that is theirs. Rows answered otherwise, and why:
READER_ANSWERS: dict[str, dict[str, int]] = {
    "healthz": {"get": 200},
    "set_language": {"get": 302, "post": 302},
    "madrasah:home": {"get": 302},  # to the overview
    "madrasah:login": {"get": 302},  # already logged in
    "madrasah:logout": {"post": 302},
    "madrasah:slip-start": {"get": 404, "post": 404},  # a link that answers everyone alike
    "a live start link": {"get": 302},
    "the start link's form without a token in the session": {"get": 404, "post": 404},
    "madrasah:my-account": {"get": 200, "post": 302},  # the account's own
    "madrasah:invitation-accept": {"post": 404},  # an invitation to another account: not theirs
    "madrasah:invitation-decline": {"post": 404},
    "kompetensi:observation-service-worker": {"get": 200},  # a static script, the same for all
    "madrasah:password-change": {"get": 200},  # the account's own
    "madrasah:choose-madrasah": {"get": 200},  # says there is none to choose
    "laporan:district-overview": {"get": 200},
}


def _reader_expected(key: str, method: str, row: Row) -> int:
    """READER_ANSWERS by URL name or VARIANTS label, else 405 where every member gets it, else 403."""
    if method in READER_ANSWERS.get(key, {}):
        return READER_ANSWERS[key][method]
    return 405 if getattr(row, method)[PERSONAS.index("guru")] == 405 else 403


def _reader_cases() -> list[tuple[str, str, str, Row]]:
    rows = [(name, name, row) for name, row in MATRIX.items()]
    rows += [(label, name, row) for label, (name, row) in VARIANTS.items()]
    return [
        (key, name, method, row)
        for key, name, row in rows
        for method in ("get", "post")
        if getattr(row, method) is not None
    ]


def test_the_district_reader_opens_the_overview_and_nothing_else(world):
    problems = []
    for key, name, method, row in _reader_cases():
        url = reverse(name, args=row.args(world))
        response = _request(world, "reader", method, url, row.data(world))
        expected = _reader_expected(key, method, row)
        if response.status_code != expected:
            problems.append(f"{method.upper()} {url}: {response.status_code}, expected {expected}")
        if response.status_code == 200:
            body = _body(response)
            for teacher in ("guru", "guru_lain", "waka", "kepala"):
                staff = getattr(world, teacher).staff
                if staff.nip in body or staff.name in body:
                    problems.append(f"{method.upper()} {url}: shows {teacher}")
            if NOTE_GURU in body or NOTE_GURU_LAIN in body:
                problems.append(f"{method.upper()} {url}: shows a result")
    assert not problems, "\n".join(problems)
