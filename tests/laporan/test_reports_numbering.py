"""Document numbers: the shape of KMA 9/2016, a sequence per madrasah and per year, never twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from laporan.documents.services.numbering import document_number_issue, format_document_number
from laporan.models import DocumentNumber
from madrasah.errors import ApplicationError


def test_the_number_has_the_shape_of_the_regulation():
    number = format_document_number(
        security_code="B", sequence=123, unit_code="Mts.13.28.03", classification_code="PP.00.4", month=11, year=2026
    )
    assert number == "B-123/Mts.13.28.03/PP.00.4/11/2026"
    assert format_document_number(
        security_code="R", sequence=1, unit_code="Mts.13.28.03", classification_code="PP.00.4", month=1, year=2027
    ).endswith("/01/2027")


@pytest.mark.parametrize("bad", [{"security_code": "X"}, {"sequence": 0}, {"month": 13}])
def test_it_refuses_an_impossible_number(bad):
    values = {
        "security_code": "B",
        "sequence": 1,
        "unit_code": "Mts.13.28.03",
        "classification_code": "PP.00.4",
        "month": 11,
        "year": 2026,
    }
    with pytest.raises(ValueError):
        format_document_number(**{**values, **bad})


@pytest.mark.django_db
def test_the_sequence_runs_per_madrasah_and_per_year(madrasah, other_madrasah):
    on = dt.date(2026, 11, 26)
    first = document_number_issue(madrasah=madrasah, kind="semester", on=on)
    second = document_number_issue(madrasah=madrasah, kind="guru", on=on)
    elsewhere = document_number_issue(madrasah=other_madrasah, kind="semester", on=on)
    next_year = document_number_issue(madrasah=madrasah, kind="semester", on=dt.date(2027, 1, 4))
    assert first.number == "B-1/Mts.13.28.03/PP.00.4/11/2026"
    assert second.number == "B-2/Mts.13.28.03/PP.00.4/11/2026"
    assert elsewhere.sequence == 1
    assert next_year.number == "B-1/Mts.13.28.03/PP.00.4/01/2027"


@pytest.mark.django_db
def test_a_kind_may_bring_its_own_classification_code(madrasah):
    issued = document_number_issue(madrasah=madrasah, kind="sk", classification_code="KP.01.1", on=dt.date(2026, 3, 2))
    assert issued.number == "B-1/Mts.13.28.03/KP.01.1/03/2026"


@pytest.mark.django_db
def test_without_a_unit_code_it_says_what_to_fill_in(madrasah):
    madrasah.unit_code = ""
    with pytest.raises(ApplicationError, match="kode satuan kerja"):
        document_number_issue(madrasah=madrasah, kind="semester")
    assert not DocumentNumber.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_builders_never_get_the_same_number(madrasah):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("threads cannot share an in-memory database")
    issued, errors = [], []

    def take(count: int) -> None:
        try:
            for _n in range(count):
                issued.append(document_number_issue(madrasah=madrasah, kind="semester").sequence)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(5,)) for _t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(issued) == list(range(1, 21))
    assert DocumentNumber.objects.filter(madrasah=madrasah).count() == 20
