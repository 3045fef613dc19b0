"""The class (rombel) of an observation: it starts as the class the row planned, the supervisor
corrects it on the entry sheet in the classroom (offered the madrasah's class names), and it is what
the result page, the teacher and the printed sheet show. The planned row keeps its own class."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from kompetensi.models import ObservationEvent
from kompetensi.supervision.selectors.programme import class_names_offered
from kompetensi.supervision.services import transitions
from kompetensi.supervision.services.observations import observation_save, observation_start
from madrasah.models import AcademicYear, SchoolClass
from tests.factories import supervision, timetable
from tests.laporan.document_helpers import build, semester_period

from .test_workflow import items_of


@pytest.fixture
def row(madrasah, kepala, waka, guru):
    return supervision.approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru).rows.get()


@pytest.fixture
def observation(row, waka):
    return observation_start(row=row, version=row.instruments.get(), user=waka.user)


def edit_url(observation) -> str:
    return reverse("kompetensi:observation-edit", args=[observation.pk])


def test_an_observation_starts_with_the_planned_class(observation):
    assert observation.class_name == "VIII-A"


def test_the_sheet_offers_the_class_names_used_in_the_madrasah(
    client, observation, row, waka, guru_lain, other_madrasah, outsider
):
    supervision.programme_row(programme=row.programme, teacher=guru_lain, supervisor=waka, class_name="IX-C")
    theirs = supervision.programme(madrasah=other_madrasah, created_by=outsider)
    supervision.programme_row(programme=theirs, teacher=outsider, supervisor=outsider, class_name="VII-Z")
    client.force_login(waka.user)
    response = client.get(edit_url(observation))
    body = response.content.decode()
    assert 'name="class_name" value="VIII-A"' in body
    assert response.context["class_names"] == ["VIII-A", "IX-C"]  # by grade: VIII before IX
    assert '<option value="IX-C">' in body
    assert "VII-Z" not in body


def test_the_classes_entered_for_the_timetable_come_first_on_the_sheet(
    client, login, madrasah, observation, row, operator, waka, guru_lain, other_madrasah
):
    # The operator types the year's classes on the timetable page, in no particular order.
    response = login(operator).post(reverse("madrasah:timetable-classes"), {"names": "IX-A, VII-B\nVIII-A, VII-A"})
    assert response.status_code == 302
    # Names typed in rows before: 7A is VII-A (offered once, as the timetable writes it); X-C is not
    # in this year's list (a row of an older year, a typing variant): offered after the list.
    for name in ("7A", "X-C", "IX-C"):
        supervision.programme_row(programme=row.programme, teacher=guru_lain, supervisor=waka, class_name=name)
    following, _ = AcademicYear.objects.get_or_create(madrasah=madrasah, start_year=2027)
    SchoolClass.objects.create(madrasah=madrasah, academic_year=following, name="VII-F")  # next year's
    timetable.classes(other_madrasah.semesters.get(), "VII-Q")  # another madrasah's

    client.force_login(waka.user)
    response = client.get(edit_url(observation))

    timetable_first = ["VII-A", "VII-B", "VIII-A", "IX-A"]
    assert response.context["class_names"] == timetable_first + ["IX-C", "X-C"]
    options = re.findall(r'<option value="([^"]+)">', response.content.decode().split('id="class-names"')[1])
    assert options[:6] == timetable_first + ["IX-C", "X-C"]
    assert {"7A", "VII-F", "VII-Q"}.isdisjoint(options)


def test_the_planning_form_offers_the_same_classes(client, madrasah, row, waka):
    timetable.classes(row.programme.semester, "VIII-B", "VII-A")
    client.force_login(waka.user)
    response = client.get(reverse("kompetensi:programme-row-create", args=[row.programme_id]))
    assert response.status_code == 200
    assert response.context["class_names"] == ["VII-A", "VIII-B", "VIII-A"]
    assert '<option value="VIII-B">' in response.content.decode()


def test_the_class_names_take_one_query_however_many_there_are(row, waka, guru_lain, django_assert_num_queries):
    semester = row.programme.semester
    timetable.classes(semester, *(f"{grade}-{group}" for grade in ("VII", "VIII", "IX") for group in "ABCDEFGH"))
    for n in range(1, 6):
        supervision.programme_row(programme=row.programme, teacher=guru_lain, supervisor=waka, class_name=f"X-{n}")
    with django_assert_num_queries(1):
        names = class_names_offered(madrasah_id=row.programme.madrasah_id, academic_year_id=semester.academic_year_id)
    assert names[:3] == ["VII-A", "VII-B", "VII-C"] and names[23] == "IX-H"
    assert names[24:] == ["X-1", "X-2", "X-3", "X-4", "X-5"]  # the row's VIII-A is the timetable's


def test_the_supervisor_corrects_the_class_on_the_sheet(client, observation, row, waka):
    client.force_login(waka.user)
    response = client.post(edit_url(observation), {"base_revision": "0", "class_name": "  VIII-C "})
    assert response.status_code == 302
    observation.refresh_from_db()
    row.refresh_from_db()
    assert observation.class_name == "VIII-C"
    assert row.class_name == "VIII-A"  # the plan stays as it was
    event = ObservationEvent.objects.filter(observation=observation, action="saved").get()
    assert event.changes == [{"what": "class_name", "from": "VIII-A", "to": "VIII-C"}]
    history = client.get(reverse("kompetensi:observation-detail", args=[observation.pk])).content.decode()
    assert "Kelas: VIII-A → VIII-C" in history


def test_autosave_carries_the_class_and_refuses_a_long_one(client, observation, waka):
    client.force_login(waka.user)
    autosave = reverse("kompetensi:observation-autosave", args=[observation.pk])
    ok = client.post(
        autosave, json.dumps({"base_revision": 0, "fields": {"class_name": "VII-B"}}), content_type="application/json"
    )
    assert ok.status_code == 200
    too_long = client.post(
        autosave,
        json.dumps({"base_revision": ok.json()["revision"], "fields": {"class_name": "X" * 31}}),
        content_type="application/json",
    )
    assert too_long.status_code == 400
    assert too_long.json()["error"] == "Kelas paling banyak 30 karakter, mis. VIII-A."
    observation.refresh_from_db()
    assert observation.class_name == "VII-B"


def test_the_result_and_the_printed_sheet_show_the_class_observed(client, madrasah, observation, row, waka, guru):
    scores = {item.pk: {"points": 3} for item in items_of(observation.instrument_version)}
    observation_save(
        observation=observation, user=waka.user, base_revision=0, scores=scores, fields={"class_name": "VII-D"}
    )
    observation.refresh_from_db()
    transitions.observation_submit(observation=observation, user=waka.user)

    client.force_login(guru.user)  # the teacher's view of the submitted result
    detail = client.get(reverse("kompetensi:observation-detail", args=[observation.pk]))
    assert '<dd data-testid="class-name">VII-D</dd>' in detail.content.decode()

    context, text, _pages = build(
        "lembar-isi", madrasah=madrasah, period=semester_period(row.programme.semester), teacher=guru.staff
    )
    [sheet] = context["sheets"]
    assert sheet.class_name == "VII-D"
    assert "VII-D" in text and "VIII-A" not in text
