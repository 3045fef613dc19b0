"""Texts the product generates are composed when shown, in the reader's language; those stored
before are migrated (kompetensi 0010 and mutu 0003, `composed_texts`): a programme's standard texts
and a PDCA cycle's period names, stored in the language of the session that wrote them ("semester
2026/2027 Odd (ganjil)"), read in Indonesian and in English alike afterwards. Texts people wrote stay."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from kompetensi.models import Programme
from kompetensi.supervision.rules import programme_texts
from mutu.models import Cycle, Measurement
from tests.factories import mutu as f
from tests.factories import supervision

BEFORE = [("kompetensi", "0009_observation_class"), ("mutu", "0002_cycle_plan_version")]
ENGLISH_TARGET = (
    "1. Seluruh guru madrasah disupervisi sekurang-kurangnya satu kali pada semester 2026/2027 Odd (ganjil)."
)
OWN_PURPOSE = "Membina guru baru agar siap mengajar di kelas VII."


OLD = importlib.import_module("kompetensi.migrations.0010_composed_texts").OLD_STANDARD


def old_standard_programme(semester, waka, *, semester_name: str) -> Programme:
    """A programme as the release drafted it: the standard texts stored, the semester named as the
    session's language named it."""
    year = semester.academic_year.name
    texts = {name: text.format(year=year, semester=semester_name) for name, text in OLD.items()}
    return Programme.objects.create(madrasah=semester.madrasah, semester=semester, created_by=waka.user, **texts)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_generated_texts_are_migrated_and_read_in_either_language(madrasah, kepala, waka):
    semester = supervision.active_semester(madrasah)
    programme = old_standard_programme(semester, waka, semester_name="2026/2027 Odd (ganjil)")
    cycle = f.cycle(owner=kepala, semester=semester, baseline=Decimal(70))
    measured = f.measurement(cycle, by=kepala, value="36.84")
    year_cycle = f.cycle(owner=kepala, academic_year=semester.academic_year, title="PKB")
    year_measured = f.measurement(year_cycle, by=kepala, value="18", period_semester="")

    # The release's state: what it stored, in the language of the session (English here).
    old = _migrate(BEFORE)
    old.get_model("kompetensi", "Programme").objects.filter(pk=programme.pk).update(purpose=OWN_PURPOSE)
    assert ENGLISH_TARGET in old.get_model("kompetensi", "Programme").objects.get(pk=programme.pk).targets
    old_measurement = old.get_model("mutu", "Measurement")
    old_measurement.objects.filter(pk=measured.pk).update(period_label="2026/2027 Odd (ganjil)")
    old_measurement.objects.filter(pk=year_measured.pk).update(period_label="2026/2027")
    old.get_model("mutu", "Cycle").objects.filter(pk=cycle.pk).update(baseline_period="2025/2026 Even (genap)")

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    programme = Programme.objects.select_related("semester__academic_year").get(pk=programme.pk)
    assert (programme.targets, programme.legal_basis, programme.purpose) == ("", "", OWN_PURPOSE)
    measured, year_measured = Measurement.objects.get(pk=measured.pk), Measurement.objects.get(pk=year_measured.pk)
    cycle = Cycle.objects.get(pk=cycle.pk)
    with translation.override("id"):
        texts = programme_texts(programme)
        assert texts["targets"].startswith(
            "1. Seluruh guru madrasah disupervisi sekurang-kurangnya satu kali pada semester 2026/2027 Ganjil."
        )
        assert texts["purpose"] == OWN_PURPOSE  # the Waka's own text, kept as written
        assert "Rencana Kerja dan Anggaran Madrasah (RKAM) Tahun Pelajaran 2026/2027." in texts["legal_basis"]
        assert (measured.period_label, year_measured.period_label) == ("2026/2027 Ganjil", "2026/2027")
        assert cycle.baseline_period == "2025/2026 Genap"
    with translation.override("en"):
        texts = programme_texts(programme)
        assert texts["targets"].startswith(
            "1. All teachers of the madrasah are supervised at least once in semester 2026/2027 Odd (ganjil)."
        )
        assert texts["purpose"] == OWN_PURPOSE
        assert (measured.period_label, cycle.baseline_period) == ("2026/2027 Odd (ganjil)", "2025/2026 Even (genap)")


@pytest.mark.django_db
def test_a_programme_left_standard_is_shown_in_indonesian_and_a_changed_text_as_written(login, madrasah, waka):
    client = login(waka)
    client.post(reverse("kompetensi:programme-create-quick"))
    programme = Programme.objects.get()
    page = client.get(reverse("kompetensi:programme-detail", args=[programme.pk])).content.decode()
    assert "pada semester 2026/2027 Ganjil." in page and "Odd (ganjil)" not in page

    form = {**programme_texts(programme), "techniques": "Kunjungan kelas bersama MGMP."}
    response = client.post(reverse("kompetensi:programme-update", args=[programme.pk]), form)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.targets, programme.techniques) == ("", "Kunjungan kelas bersama MGMP.")


@pytest.mark.django_db
def test_a_measurement_stores_its_period_as_values(login, madrasah, kepala):
    semester = supervision.active_semester(madrasah)
    cycle = f.cycle(owner=kepala, semester=semester, indicator="tindak_lanjut_tepat_waktu", target=90, stage="check")
    response = login(kepala).post(reverse("mutu:cycle-measure", args=[cycle.pk]))
    assert response.status_code == 302
    measured = Measurement.objects.get(cycle=cycle)
    assert (measured.period_start_year, measured.period_semester) == (2026, "ganjil")
