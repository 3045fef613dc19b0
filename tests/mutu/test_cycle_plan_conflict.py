"""A PDCA plan edited from two copies (issue 16, finding 10): the plan form carries the plan's version;
a save from an older copy writes nothing, keeps what was typed, shows what is stored now, and saving
again from there is the person's choice."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from mutu.models import Cycle, IndicatorKind
from tests.factories import mutu as f


@pytest.fixture
def cycle(kepala):
    ganjil = f.semester(kepala.madrasah, 2026, "ganjil")
    version = f.planning_version(ganjil.madrasah, ganjil.academic_year)
    return f.cycle(owner=kepala, semester=ganjil, instrument=version, target=Decimal(80))


def device(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def form_data(client, cycle) -> dict:
    """The plan form as the page fills it in, hidden version token included."""
    page = client.get(reverse("mutu:cycle-update", args=[cycle.pk])).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if kind and kind.group(1) in ("radio", "checkbox") and "checked" not in tag:
            continue
        data.setdefault(name.group(1), value.group(1) if value else "")
    for select in re.findall(r'<select name="([^"]+)".*?</select>', page, flags=re.S):
        block = re.search(rf'<select name="{select}".*?</select>', page, flags=re.S).group(0)
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', block)
        if chosen:
            data[select] = chosen.group(1)
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, flags=re.S):
        data[name] = text.strip()
    return data


def update(client, cycle, data):
    return client.post(reverse("mutu:cycle-update", args=[cycle.pk]), data)


def test_the_plan_form_carries_the_plans_version(cycle, kepala):
    assert form_data(device(kepala), cycle)["version"] == "0"


def test_a_second_device_with_an_old_form_overwrites_nothing(cycle, kepala):
    laptop, phone = device(kepala), device(kepala)
    on_laptop, on_phone = form_data(laptop, cycle), form_data(phone, cycle)
    assert update(laptop, cycle, on_laptop | {"target": "85"}).status_code == 302

    response = update(phone, cycle, on_phone | {"target": "90", "title": "Judul dari HP"})
    assert response.status_code == 409
    cycle.refresh_from_db()
    assert (cycle.target, cycle.title, cycle.version) == (Decimal(85), on_laptop["title"], 1)
    assert cycle.events.filter(action="plan_changed").count() == 1
    page = response.content.decode()
    assert "perangkat lain" in page  # the Indonesian conflict message
    rows = page.split('data-testid="version-conflict"', 1)[1].split("</section>", 1)[0]
    assert "85,00" in rows and "90,00" in rows and "Judul dari HP" in rows
    # What was typed is still in the form; the token is now the stored version.
    assert 'value="Judul dari HP"' in page and 'name="target" value="90"' in page
    assert re.search(r'name="version" value="1"', page)


def test_saving_again_from_the_conflict_page_keeps_the_typed_plan(cycle, kepala):
    laptop, phone = device(kepala), device(kepala)
    on_phone = form_data(phone, cycle)
    update(laptop, cycle, form_data(laptop, cycle) | {"target": "85"})
    refused = update(phone, cycle, on_phone | {"target": "90"})
    token = re.search(r'name="version" value="(\d+)"', refused.content.decode()).group(1)
    assert update(phone, cycle, on_phone | {"target": "90", "version": token}).status_code == 302
    cycle.refresh_from_db()
    assert (cycle.target, cycle.version) == (Decimal(90), 2)


def test_another_persons_newer_save_is_a_conflict_too(cycle, kepala, waka):
    on_kepala = form_data(device(kepala), cycle)
    assert update(device(waka), cycle, form_data(device(waka), cycle) | {"target": "70"}).status_code == 302
    assert update(device(kepala), cycle, on_kepala | {"target": "95"}).status_code == 409
    cycle.refresh_from_db()
    assert cycle.target == Decimal(70)


@pytest.mark.parametrize("version", [None, "", "satu", "-1", "99999999999999999999"])
def test_a_plan_form_without_a_valid_version_is_refused_with_a_message(cycle, kepala, version):
    client = device(kepala)
    data = form_data(client, cycle) | {"target": "85"}
    data.pop("version")
    if version is not None:
        data["version"] = version
    response = update(client, cycle, data)
    assert response.status_code == 200
    assert "Buka formulir ini lagi" in response.content.decode()
    cycle.refresh_from_db()
    assert (cycle.target, cycle.version) == (Decimal(80), 0)


def test_a_new_plan_needs_no_version(kepala):
    ganjil = f.semester(kepala.madrasah, 2026, "ganjil")
    version = f.planning_version(ganjil.madrasah, ganjil.academic_year)
    response = device(kepala).post(
        reverse("mutu:cycle-create"),
        {
            "title": "Rata-rata nilai perencanaan ≥ 80",
            "standard": "ptk",
            "edm_aspect": "proses_pembelajaran",
            "edm_indicator": "Guru menyusun perencanaan pembelajaran",
            "owner": str(kepala.staff_id),
            "period": f"s{ganjil.pk}",
            "indicator": IndicatorKind.INSTRUMENT_AVERAGE,
            "instrument": str(version.instrument_id),
            "direction": "min",
            "target": "80",
        },
    )
    assert response.status_code == 302
    assert Cycle.objects.get().version == 0


def test_an_old_form_that_changes_nothing_is_no_conflict(cycle, kepala):
    laptop, phone = device(kepala), device(kepala)
    on_phone = form_data(phone, cycle)
    update(laptop, cycle, form_data(laptop, cycle) | {"target": "85"})
    assert update(phone, cycle, on_phone | {"target": "85"}).status_code == 302
    cycle.refresh_from_db()
    assert (cycle.target, cycle.version) == (Decimal(85), 1)
