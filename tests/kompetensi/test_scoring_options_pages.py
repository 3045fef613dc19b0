"""Scoring options through the pages: the Waka sets them on an unused supervision version, an
observation on it is scored by them, the version page states the rule with a worked example, a used
version and the PKG refuse, a copy to the next year keeps them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kompetensi.instruments.scoring import scoring_rule_sentence
from kompetensi.models import InstrumentVersion, Item, Observation, Section
from tests.factories.kompetensi import instrument_version
from tests.factories.supervision import approved_programme

OPTIONS = {"item_scoring": "normalised", "section_combining": "section_mean", "band_rounding": "whole"}


@pytest.fixture
def row(madrasah, kepala, waka, guru):
    """The Waka supervises the guru with the test instrument (scale 1–4, bands 91/81/71/0): section A
    of three items and, added here, section B of one item, both of weight 1."""
    row = approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru).rows.get()
    version = row.instruments.get()
    section = Section.objects.create(version=version, order=2, title="Bagian B")
    Item.objects.create(section=section, order=1, text="Butir B1")
    return row


@pytest.fixture
def version(row):
    return row.instruments.get()


def settings_data(**overrides) -> dict:
    data = {
        "scale_min": 1,
        "scale_max": 4,
        "scale_labels": "1 = Belum ada\n4 = Lengkap",
        "follow_up_below": "3",
        "bands": "91 Amat Baik\n81 Baik\n71 Cukup\n0 Kurang",
    }
    return {**data, **overrides}


def settings_url(version) -> str:
    return reverse("kompetensi:instrument-settings", args=[version.pk])


def indonesian(msgid: str, **params) -> str:
    with translation.override("id"):
        text = gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text % params if params else text


def rule_in_indonesian(**options) -> str:
    with translation.override("id"):
        return scoring_rule_sentence(**options, scale_min=1, scale_max=4)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def items_of(version) -> list[Item]:
    return list(Item.objects.filter(section__version=version).order_by("section__order", "order"))


def test_the_waka_sets_options_and_an_observation_is_scored_by_them(login, waka, guru, row, version):
    client = login(waka)
    page = client.get(settings_url(version)).content.decode()
    assert 'name="item_scoring" value="normalised"' in page and indonesian("Predikat read from") in page
    response = client.post(settings_url(version), settings_data(**OPTIONS))
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.item_scoring, version.section_combining, version.band_rounding) == tuple(OPTIONS.values())

    client.post(reverse("kompetensi:observation-start", args=[row.pk, version.pk]))
    observation = Observation.objects.get(row=row)
    a1, a2, a3, b1 = items_of(version)
    edit = reverse("kompetensi:observation-edit", args=[observation.pk])
    scores = {f"item-{a1.pk}": "4", f"item-{a2.pk}": "3", f"item-{a3.pk}": "3", f"item-{b1.pk}": "2"}
    client.post(edit, {"base_revision": "0", **scores})
    # A: (3 + 2 + 2) ÷ 9 = 77.78 %, B: 1 ÷ 3 = 33.33 %; mean 55.56, read as 56 → Kurang.
    # (The default rule would give 12 ÷ 16 = 75,00 → Cukup.)
    observation.refresh_from_db()
    assert observation.predikat == "Kurang"
    assert abs(observation.percentage - Decimal("55.5556")) < Decimal("0.0001")  # stored unrounded
    page = client.get(reverse("kompetensi:observation-detail", args=[observation.pk])).content.decode()
    assert 'data-testid="total">56<' in page and 'data-testid="predikat">Kurang<' in page
    assert "77,78" in page and "33,33" in page  # the section percentages
    assert rule_in_indonesian(**OPTIONS) in page
    autosave = client.post(
        reverse("kompetensi:observation-autosave", args=[observation.pk]),
        data={"base_revision": 1, "scores": {}},
        content_type="application/json",
    )
    assert autosave.json()["percentage"] == "56" and autosave.json()["predikat"] == "Kurang"


def test_the_version_page_states_the_rule_with_a_worked_example(login, kepala, version):
    InstrumentVersion.objects.filter(pk=version.pk).update(**OPTIONS)
    page = login(kepala).get(version.get_absolute_url()).content.decode()
    assert rule_in_indonesian(**OPTIONS) in page
    # The example on 1–4: section A (weight 1) scored 4 = 100 %, section B (weight 2) scored 1, 2, 3
    # = 33,33 % normalised; mean (100 + 2 × 33,33) ÷ 3 = 55,56, read as 56 → Kurang.
    assert "4</td>" in page and "1, 2, 3" in page
    assert 'data-testid="example-total">55,56<' in page
    assert 'data-testid="example-predikat">56 · Kurang<' in page


def test_the_default_version_page_shows_the_pooled_rule(login, guru, version):
    page = login(guru).get(version.get_absolute_url()).content.decode()
    default = {"item_scoring": "as_given", "section_combining": "pooled", "band_rounding": "none"}
    assert rule_in_indonesian(**default) in page
    assert 'data-testid="example-total">57,14<' in page  # (4 + 2 × 6) ÷ (4 + 2 × 12)


def test_a_used_version_refuses_with_a_message(login, waka, row, version):
    client = login(waka)
    client.post(reverse("kompetensi:observation-start", args=[row.pk, version.pk]))
    version.refresh_from_db()
    assert version.is_frozen
    response = client.post(settings_url(version), settings_data(**OPTIONS))
    assert response.status_code == 302 and response.url == version.get_absolute_url()
    assert indonesian("This version is already used by records and cannot change.") in messages_of(response)
    version.refresh_from_db()
    assert version.item_scoring == "as_given" and version.band_rounding == "none"


def test_the_pkg_is_not_offered_options_and_refuses_them(login, waka, madrasah):
    year = madrasah.semesters.get().academic_year
    pkg = instrument_version(madrasah=madrasah, academic_year=year, code="pkg-uji", kind="pkg")
    client = login(waka)
    page = client.get(settings_url(pkg)).content.decode()
    assert 'name="item_scoring"' not in page and 'name="band_rounding"' not in page
    response = client.post(settings_url(pkg), settings_data(band_rounding="whole"))
    assert response.status_code == 200
    message = indonesian(
        "%(instrument)s is scored by the official rule of its guide: its scoring options cannot change.",
        instrument=pkg.instrument.name,
    )
    assert message in response.content.decode()
    pkg.refresh_from_db()
    assert pkg.band_rounding == "none"
    assert client.post(settings_url(pkg), settings_data()).status_code == 302  # the rest still saves
    assert 'data-testid="scoring-rule"' not in client.get(pkg.get_absolute_url()).content.decode()


def test_an_unknown_option_is_refused_at_its_field(login, waka, version):
    response = login(waka).post(settings_url(version), settings_data(band_rounding="ceiling"))
    assert response.status_code == 200
    assert response.context["form"].errors["band_rounding"]
    version.refresh_from_db()
    assert version.band_rounding == "none"


def test_a_teacher_may_not_set_options(login, guru, version):
    assert login(guru).post(settings_url(version), settings_data(**OPTIONS)).status_code == 403
    version.refresh_from_db()
    assert version.item_scoring == "as_given"


def test_the_copy_to_the_next_year_keeps_the_options(login, waka, version):
    InstrumentVersion.objects.filter(pk=version.pk).update(**OPTIONS)
    response = login(waka).post(reverse("kompetensi:instrument-copy", args=[version.pk]))
    copy = InstrumentVersion.objects.get(copied_from=version)
    assert response.url == copy.get_absolute_url()
    assert (copy.item_scoring, copy.section_combining, copy.band_rounding) == tuple(OPTIONS.values())
