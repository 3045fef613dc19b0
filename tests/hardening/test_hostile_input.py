"""Hostile input on every form of the product (issue 12).

Each URL that takes a POST is fetched as a persona allowed to use it; the controls of its form are
read from the page itself (a new field is fuzzed the day it appears) and posted back with one or more
of them replaced by generated hostile values: huge and unicode text, NUL, markup, negative, huge and
non-numbers, impossible dates, several values for one field, missing fields, and ids of another
madrasah's objects. Whatever comes in:

- the server never fails (no exception, status below 500);
- a refused post (the form back with its errors, a 4xx, or a redirect with an error message) has
  written no row in any table of the project;
- markup that was sent never comes back unescaped;
- NUL never reaches the database (PostgreSQL refuses it; on SQLite a wrapper refuses it the same way).

The world is the permission matrix's; every example runs in a transaction that is rolled back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.messages import constants, get_messages
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tests.hardening import hostile
from tests.test_permission_matrix import MATRIX, PERSONAS, world  # noqa: F401  (the fixture)

POSTERS = ("kepala", "waka", "operator", "guru", "outsider", "pengawas")
# 400: the persona may post, and the matrix's empty post was refused for what it lacks (a version token).
ALLOWED = (200, 302, 400)


@dataclass(frozen=True)
class Target:
    """A URL taking a POST, who posts, and the page whose form posts to it."""

    name: str
    persona: str
    args: Callable[[SimpleNamespace], list] = field(default=lambda w: [])
    page: str | None = None  # the URL name of the page with the form; None: the URL itself
    page_args: Callable[[SimpleNamespace], list] | None = None
    # Controls posted when the world's state does not show the form (a step not yet open, say).
    extra: dict[str, str] = field(default_factory=dict)
    setup: Callable[[SimpleNamespace], None] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return self.label or self.name


# Where the form of a POST-only URL is shown.
FORM_PAGES = {
    "madrasah:staff-set-active": ("madrasah:staff-detail", lambda w: [w.guru.staff_id]),
    "madrasah:staff-delete": ("madrasah:staff-detail", lambda w: [w.guru.staff_id]),
    "madrasah:staff-account": ("madrasah:staff-detail", lambda w: [w.guru.staff_id]),
    "madrasah:staff-password-reset": ("madrasah:staff-detail", lambda w: [w.guru.staff_id]),
    "madrasah:semester-activate": ("madrasah:semester-list", lambda w: []),
    "madrasah:lockout-unlock": ("madrasah:lockout-list", lambda w: []),
    "kompetensi:instrument-defaults": ("kompetensi:instrument-list", lambda w: []),
    "kompetensi:instrument-copy": ("kompetensi:instrument-detail", lambda w: [w.version.pk]),
    "kompetensi:section-delete": ("kompetensi:instrument-detail", lambda w: [w.version.pk]),
    "kompetensi:programme-approve": ("kompetensi:programme-detail", lambda w: [w.programme.pk]),
    "kompetensi:blocked-period-delete": ("kompetensi:programme-detail", lambda w: [w.programme.pk]),
    "kompetensi:observation-start": ("kompetensi:programme-detail", lambda w: [w.programme.pk]),
    "kompetensi:observation-autosave": ("kompetensi:observation-edit", lambda w: [w.observation.pk]),
    "kompetensi:observation-submit": ("kompetensi:observation-detail", lambda w: [w.submitted.pk]),
    "kompetensi:observation-acknowledge": ("kompetensi:observation-detail", lambda w: [w.submitted.pk]),
    "kompetensi:observation-clarify": ("kompetensi:observation-detail", lambda w: [w.submitted.pk]),
    "kompetensi:observation-finalise": ("kompetensi:observation-detail", lambda w: [w.submitted.pk]),
    "kompetensi:observation-reopen": ("kompetensi:observation-detail", lambda w: [w.submitted.pk]),
    "kompetensi:observation-evidence-upload": ("kompetensi:observation-detail", lambda w: [w.submitted.pk]),
    "kompetensi:observation-finalise-bulk": ("kompetensi:observation-recap", lambda w: []),
    "kompetensi:follow-up-progress": ("kompetensi:follow-up-detail", lambda w: [w.follow_up.pk]),
    "kompetensi:follow-up-close": ("kompetensi:follow-up-detail", lambda w: [w.follow_up.pk]),
    "kompetensi:appraisal-submit": ("kompetensi:appraisal-detail", lambda w: [w.appraisal.pk]),
    "kompetensi:appraisal-sign": ("kompetensi:appraisal-detail", lambda w: [w.appraisal.pk]),
    "kompetensi:appraisal-clarify": ("kompetensi:appraisal-detail", lambda w: [w.appraisal.pk]),
    "kompetensi:appraisal-approve": ("kompetensi:appraisal-detail", lambda w: [w.appraisal.pk]),
    "kompetensi:appraisal-reopen": ("kompetensi:appraisal-detail", lambda w: [w.appraisal.pk]),
    "kompetensi:appraisal-score": ("kompetensi:appraisal-detail", lambda w: [w.appraisal.pk]),
    "kompetensi:appraisal-evidence-add": ("kompetensi:appraisal-detail", lambda w: [w.appraisal.pk]),
    "kompetensi:appraisal-assign": ("kompetensi:appraisal-period-detail", lambda w: [w.appraisal_period.pk]),
    "kompetensi:appraisal-assign-bulk": ("kompetensi:appraisal-period-detail", lambda w: [w.appraisal_period.pk]),
    "kompetensi:appreciation-create": ("kompetensi:teacher-page", lambda w: [w.guru.staff_id]),
    "kompetensi:pkb-verify": ("kompetensi:pkb-detail", lambda w: [w.pkb.pk]),
    "kompetensi:pkb-return": ("kompetensi:pkb-detail", lambda w: [w.pkb.pk]),
    "laporan:report-request": ("laporan:report-list", lambda w: []),
    "laporan:report-retry": ("laporan:report-status", lambda w: [w.report.pk]),
    "mutu:business-delete": ("mutu:business-update", lambda w: [w.business_entry.pk]),
    "mutu:good-practice-submit": ("mutu:good-practice-detail", lambda w: [w.good_practice.pk]),
    "mutu:good-practice-publish": ("mutu:good-practice-detail", lambda w: [w.good_practice.pk]),
    "mutu:good-practice-return": ("mutu:good-practice-detail", lambda w: [w.good_practice.pk]),
    "mutu:cycle-advance": ("mutu:cycle-detail", lambda w: [w.cycle.pk]),
    "mutu:cycle-reopen": ("mutu:cycle-detail", lambda w: [w.cycle.pk]),
    "mutu:cycle-measure": ("mutu:cycle-detail", lambda w: [w.cycle.pk]),
    "mutu:activity-delete": ("mutu:activity-update", lambda w: [w.activity.pk]),
    "madrasah:notification-list": ("madrasah:notification-list", lambda w: []),
}

# Controls read straight from the request by views whose form the world's state does not show.
EXTRA_CONTROLS = {
    "kompetensi:appraisal-sign": {"response": "text"},
    "kompetensi:appraisal-clarify": {"text": "text"},
    "kompetensi:appraisal-approve": {"confirm": "bool"},
    "kompetensi:appraisal-reopen": {"reason": "text"},
    "kompetensi:observation-acknowledge": {"response": "text"},
    "kompetensi:observation-clarify": {"text": "text"},
    "kompetensi:observation-finalise": {"confirm": "bool"},
    "kompetensi:observation-reopen": {"reason": "text"},
    "kompetensi:observation-finalise-bulk": {"observation": "multi", "confirm": "multi", "semester": "hidden"},
    "kompetensi:programme-create": {"legal_basis": "text", "purpose": "text", "targets": "text", "techniques": "text"},
    "kompetensi:programme-update": {"legal_basis": "text", "purpose": "text", "targets": "text", "techniques": "text"},
    "madrasah:lockout-unlock": {"username": "text"},
    "madrasah:staff-set-active": {"active": "choice"},
    "mutu:cycle-advance": {"to": "choice"},
    "mutu:cycle-reopen": {"reason": "text"},
    "mutu:good-practice-return": {"note": "text"},
    "laporan:report-request": {"kind": "choice", "period": "choice", "teacher": "choice", "paper": "choice"},
}

SKIPPED = {
    "madrasah:logout": "no input; it ends the session the other examples use",
    "kompetensi:observation-autosave": "a JSON body: fuzzed by test_autosave_survives_any_body",
    "madrasah:staff-import": "a file only: fuzzed in test_uploads",
}
# The installation administrator's pages (its accounts, the Kepala's appointment, the setup wizard): no
# persona of the matrix may post there; tests/madrasah/test_account_control.py and
# tests/madrasah/test_setup_wizard.py post as the administrator.
SKIPPED |= {
    name: "no persona of the matrix may post: the installation administrator's"
    for name, row in MATRIX.items()
    if row.post is not None
    and not any(status in ALLOWED for persona, status in zip(PERSONAS, row.post, strict=True) if persona in POSTERS)
}


def _poster(name: str) -> str:
    row = MATRIX[name]
    statuses = dict(zip(PERSONAS, row.post, strict=True))
    gets = dict(zip(PERSONAS, row.get, strict=True)) if row.get and name not in FORM_PAGES else None
    for persona in POSTERS:
        if statuses[persona] in ALLOWED and (gets is None or gets[persona] == 200):
            return persona
    for persona in POSTERS:
        if statuses[persona] in ALLOWED:
            return persona
    raise AssertionError(f"nobody may post to {name}")


def _cycle_in_act(w) -> None:
    from mutu.models import Stage

    type(w.cycle).objects.filter(pk=w.cycle.pk).update(stage=Stage.ACT)


def _targets() -> list[Target]:
    targets = []
    for name in sorted(MATRIX):
        if MATRIX[name].post is None or name in SKIPPED:
            continue
        page, page_args = FORM_PAGES.get(name, (None, None))
        targets.append(
            Target(
                name,
                _poster(name),
                args=MATRIX[name].args,
                page=page,
                page_args=page_args,
                extra=EXTRA_CONTROLS.get(name, {}),
            )
        )
    # Forms the matrix reaches only by GET, and states the matrix's world does not show.
    targets += [
        Target("madrasah:login", "anonymous"),
        Target("madrasah:password-change", "guru"),
        Target("madrasah:choose-madrasah", "guru"),
        Target(
            "mutu:cycle-measure",
            "kepala",
            args=lambda w: [w.measurement.cycle_id],
            page="mutu:cycle-detail",
            page_args=lambda w: [w.measurement.cycle_id],
            extra={"value": "number", "note": "text"},
            label="mutu:cycle-measure (manual indicator)",
        ),
        Target(
            "mutu:cycle-act",
            "kepala",
            args=lambda w: [w.cycle.pk],
            setup=_cycle_in_act,
            label="mutu:cycle-act (in Act)",
        ),
    ]
    return targets


TARGETS = _targets()
GROUPS = ("madrasah", "kompetensi", "mutu", "laporan")


def _forged_ids(w, persona: str) -> list[str]:
    """Ids of objects of a madrasah the poster does not belong to, as a form would carry them."""
    from tests.factories.kompetensi import instrument_version

    cache = w.__dict__.setdefault("_forged", {})
    if persona == "outsider" and "ours" in cache:
        return cache["ours"]
    if persona != "outsider" and "theirs" in cache:
        return cache["theirs"]

    if persona == "outsider":
        staff, user, semester = w.guru.staff, w.guru.user, w.semester
        version = w.version
    else:
        staff, user = w.outsider.staff, w.outsider.user
        semester = w.outsider.madrasah.semesters.select_related("academic_year").get()
        version = instrument_version(madrasah=w.outsider.madrasah, academic_year=semester.academic_year)
    ids = {staff.pk, user.pk, semester.pk, semester.academic_year_id, version.pk, version.instrument_id}
    ids |= set(version.sections.values_list("pk", flat=True))
    ids |= set(version.sections.values_list("items__pk", flat=True))
    forged = [str(i) for i in sorted(i for i in ids if i)]
    forged += [f"s{semester.pk}", f"y{semester.academic_year_id}", semester.slug, "0", "-1", "9" * 30]
    cache["ours" if persona == "outsider" else "theirs"] = forged
    return forged


def _client_for(client, w, persona: str):
    client.logout()
    if persona != "anonymous":
        client.force_login(getattr(w, persona).user)
    return client


def _controls(client, w, target: Target) -> dict[str, hostile.FormField]:
    args = target.args(w)
    url = reverse(target.name, args=args)
    page_url = reverse(target.page, args=target.page_args(w)) if target.page else url
    response = client.get(page_url)
    controls = {}
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        controls = hostile.forms_posting_to(
            response.content.decode(), page_url=page_url, view_name=target.name, args=args
        )
    for name, kind in target.extra.items():
        controls.setdefault(name, hostile.FormField(name, kind))
    return controls


def _refused(response) -> bool:
    """A post the product turned down: its form back with errors, a 4xx, or a redirect carrying an
    error message."""
    status = response.status_code
    if 400 <= status < 500:
        return True
    if status == 200 and "html" in response.get("Content-Type", ""):
        body = response.content.decode(errors="replace")
        return any(marker in body for marker in hostile.ERROR_MARKERS)
    if status in (301, 302, 303):
        return any(m.level == constants.ERROR for m in get_messages(response.wsgi_request))
    return False


def _short(data) -> str:
    text = repr(data)
    return text if len(text) < 600 else text[:600] + "…"


def _post_and_check(client, w, target: Target, url: str, tables: list[str], data, **kwargs) -> None:
    _client_for(client, w, target.persona)
    with transaction.atomic():
        before = hostile.row_counts(tables)
        with connection.execute_wrapper(hostile.refuse_nul_like_postgresql):
            response = client.post(url, data, **kwargs)
        after = hostile.row_counts(tables)
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{target.id}: {response.status_code} for {_short(data)}"
    if _refused(response):
        changed = hostile.changed_tables(before, after)
        assert not changed, f"{target.id}: refused, yet rows were written {changed} for {_short(data)}"
    if "html" in response.get("Content-Type", ""):
        body = response.content.decode(errors="replace")
        for marker in hostile.RAW_MARKERS:
            assert marker not in body, f"{target.id}: {marker} came back unescaped for {_short(data)}"


def _fuzz(client, w, target: Target, tables: list[str]) -> None:
    if target.setup:
        target.setup(w)
    _client_for(client, w, target.persona)
    controls = _controls(client, w, target)
    forged = _forged_ids(w, target.persona)
    url = reverse(target.name, args=target.args(w))

    @given(data=hostile.payloads(controls, forged))
    def post_hostile(data):
        _post_and_check(client, w, target, url, tables, data)

    post_hostile()


@pytest.mark.parametrize("group", GROUPS)
def test_hostile_posts_never_fail_write_or_echo_markup(group, world, client):  # noqa: F811
    """Every form of the app survives hostile input (one world per app; each URL its own run)."""
    tables = hostile.project_tables()
    failures = []
    for target in (t for t in TARGETS if t.name.split(":")[0] == group or (group == "madrasah" and ":" not in t.name)):
        try:
            _fuzz(client, world, target, tables)
        except Exception as error:  # noqa: BLE001  (collected: one report for every form of the app)
            failures.append(f"{target.id}: {type(error).__name__}: {str(error)[:1500]}")
    assert failures == [], "\n\n".join(failures)


def _baseline(controls: dict[str, hostile.FormField]) -> dict:
    """What the page would post back untouched (files left out)."""
    data = {}
    for name, control in controls.items():
        if control.kind != "file" and control.baseline:
            data[name] = control.baseline if len(control.baseline) > 1 else control.baseline[0]
    return data


ID_KINDS = ("choice", "multi", "bool", "hidden", "number")


def _one_per_family(names) -> list[str]:
    """The controls to walk: one of each family that differs only by numbers (`item-12`, `item-13`
    …, the rows of a formset), since one field class reads them all; every other control as it is."""
    chosen: dict[str, str] = {}
    for name in sorted(names):
        chosen.setdefault(re.sub(r"\d+", "#", name), name)
    return sorted(chosen.values())


@pytest.mark.parametrize("group", GROUPS)
def test_ids_outside_64_bits_are_refused_not_a_server_error(group, world, client):  # noqa: F811
    """Every control that may carry an id (a select, a checkbox, a radio, a hidden or a number field)
    gets an id no 64-bit key can hold, alone, and a negative one next to the page's own values, the
    rest of the form as the page shows it: never a 500, and a refusal writes nothing. The generated
    examples above may miss one control of one form; this walks them all."""
    tables = hostile.project_tables()
    failures = []
    for target in (t for t in TARGETS if t.name.split(":")[0] == group or (group == "madrasah" and ":" not in t.name)):
        if target.setup:
            target.setup(world)
        _client_for(client, world, target.persona)
        controls = _controls(client, world, target)
        url = reverse(target.name, args=target.args(world))
        too_big, too_small = hostile.HUGE_IDS[:2]
        # A formset's counts are not ids (Django caps them); the generated examples post huge ones.
        names = _one_per_family(n for n, c in controls.items() if c.kind in ID_KINDS and not n.endswith("_FORMS"))
        for name in names:
            for value in ([too_big], [*controls[name].baseline, too_small]):
                data = {**_baseline(controls), name: value}
                try:
                    _post_and_check(client, world, target, url, tables, data)
                except Exception as error:  # noqa: BLE001  (collected: one report for every control)
                    failures.append(f"{target.id} [{name}={value}]: {type(error).__name__}: {str(error)[:300]}")
    assert failures == [], "\n".join(failures)


def test_every_form_url_is_fuzzed():
    fuzzed = {t.name for t in TARGETS}
    posting = {name for name, row in MATRIX.items() if row.post is not None}
    assert posting - fuzzed == set(SKIPPED), "a URL taking a POST is neither fuzzed nor skipped with a reason"


def test_the_forms_are_read_from_their_pages(world, client):  # noqa: F811
    """The fuzzer really posts the fields a user sees (not an empty form): spot checks."""
    by_label = {t.id: t for t in TARGETS}
    expected = {
        "madrasah:staff-create": {"name", "nip", "birth_date", "subjects", "certified"},
        "mutu:cycle-create": {"title", "owner", "team", "period", "target"},
        "kompetensi:observation-edit": {"base_revision", "observed_on", "strengths"},
        "kompetensi:section-create": {"title", "weight", "items-TOTAL_FORMS", "items-0-text"},
    }
    for label, names in expected.items():
        target = by_label[label]
        _client_for(client, world, target.persona)
        controls = _controls(client, world, target)
        assert names <= set(controls), f"{label}: {sorted(controls)}"
        if label == "kompetensi:observation-edit":
            assert any(name.startswith("item-") for name in controls), sorted(controls)


def test_nul_in_fields_read_straight_from_the_request_never_reaches_the_database(world, client):  # noqa: F811
    """Views that read a field without a form (reasons, notes, usernames) get NUL in every such field:
    PostgreSQL would refuse it with a server error, so it must be turned down before any query."""
    tables = hostile.project_tables()
    raw = [t for t in TARGETS if t.extra] + [Target("madrasah:login", "anonymous", extra={"username": "text"})]
    for target in raw:
        if target.setup:
            target.setup(world)
        url = reverse(target.name, args=target.args(world))
        for name, kind in target.extra.items():
            if kind == "text":
                _post_and_check(client, world, target, url, tables, {name: "nama\x00guru", "password": "x"})


# --- the autosave's JSON body ------------------------------------------------------------------------

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**30, -(10**30), 2**63, -(2**63) - 1]),
    st.floats(),  # NaN and ±Infinity too: Python's json writes and reads them
    hostile.text_values,
)
json_values = st.recursive(
    json_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)


@st.composite
def autosave_bodies(draw, item_ids: list[int], forged: list[str]) -> bytes:
    """A body shaped like the sheet's (ids of the version's items, or forged ones; any values) or any
    JSON at all, or bytes that are not JSON."""
    shape = draw(st.sampled_from(["sheet", "any-json", "bytes", "hostile"]))
    if shape == "bytes":
        return draw(st.binary(max_size=200))
    if shape == "hostile":
        return draw(st.sampled_from(hostile.HOSTILE_JSON_BODIES))
    if shape == "any-json":
        return json.dumps(draw(json_values)).encode()
    ids = st.sampled_from([str(i) for i in item_ids] + forged + hostile.HUGE_IDS)
    score = st.fixed_dictionaries({}, optional={"points": json_values, "na": json_values, "note": json_values})
    fields = st.fixed_dictionaries(
        {},
        optional={
            "observed_on": st.one_of(hostile.date_values, json_values),
            "strengths": json_values,
            "improvements": json_values,
            "pre_notes": json_values,
            "post_notes": json_values,
        },
    )
    body = {
        "base_revision": draw(st.one_of(st.just(0), json_values)),
        "scores": draw(st.one_of(st.dictionaries(ids, st.one_of(score, json_values), max_size=4), json_values)),
        "fields": draw(st.one_of(fields, json_values)),
    }
    return json.dumps(body).encode()


def test_autosave_survives_any_body(world, client):  # noqa: F811
    from kompetensi.models import Item

    tables = hostile.project_tables()
    target = Target("kompetensi:observation-autosave", "waka", args=lambda w: [w.observation.pk])
    url = reverse(target.name, args=target.args(world))
    item_ids = list(
        Item.objects.filter(section__version=world.observation.instrument_version).values_list("pk", flat=True)
    )
    forged = _forged_ids(world, "waka")

    @given(body=autosave_bodies(item_ids, forged))
    def autosave(body):
        _post_and_check(client, world, target, url, tables, body, content_type="application/json")

    autosave()


def test_autosave_answers_a_malformed_body_with_400_and_a_message(world, client):  # noqa: F811
    """Bodies Python's parser reads into numbers nothing can use (1e400, NaN, 10**30), cannot read
    without running out of stack (100,000 brackets), or reads into the wrong types: each a 400 with
    the sheet's Indonesian message, nothing written."""
    tables = hostile.project_tables()
    target = Target("kompetensi:observation-autosave", "waka", args=lambda w: [w.observation.pk])
    url = reverse(target.name, args=target.args(world))
    item = world.observation.instrument_version.sections.first().items.first()
    bodies = [body.replace(b'"1":', f'"{item.pk}":'.encode()) for body in hostile.HOSTILE_JSON_BODIES]
    answers = {}
    for body in bodies:
        _client_for(client, world, target.persona)
        with transaction.atomic():
            before = hostile.row_counts(tables)
            response = client.post(url, body, content_type="application/json")
            after = hostile.row_counts(tables)
            transaction.set_rollback(True)
        assert not hostile.changed_tables(before, after), body[:80]
        answers[body[:60]] = (response.status_code, response.json().get("error", ""))
    refused = {body: answer for body, answer in answers.items() if answer[0] != 400 or not answer[1]}
    assert refused == {}, refused
    messages = {message for _status, message in answers.values()}
    assert "Data yang dikirim tidak dapat dibaca. Muat ulang halaman." in messages, messages
    # Each message is one of the Indonesian catalog's sentences, its placeholders filled in.
    placeholder = r"%\(\w+\)[sd]"
    catalog = [
        text
        for source, text in translation.trans_real.translation("id")._catalog.items()
        if text != source and len(re.sub(placeholder + r"|\W", "", text)) >= 10
    ]
    indonesian = [re.compile(re.sub(r"%\\\(\w+\\\)[sd]", ".+", re.escape(text)) + "$") for text in catalog]
    english = [m for m in messages if not any(pattern.match(m) for pattern in indonesian)]
    assert english == [], english
