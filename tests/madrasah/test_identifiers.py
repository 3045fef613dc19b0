"""Identifier rules of docs/domain.md §5 "Identifiers": what is an error and what is only a warning."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from madrasah import identifiers

VALID_NIP = "197001011998031002"


def test_it_parses_a_civil_servant_nip():
    parts = identifiers.parse_nip(VALID_NIP, pppk=False)
    assert parts.birth_date == dt.date(1970, 1, 1)
    assert (parts.appointment_year, parts.appointment_code) == (1998, "03")
    assert parts.sex == "L"
    assert parts.sequence == "002"


def test_it_accepts_the_printed_form_with_spaces():
    assert identifiers.parse_nip("19700101 199803 1 002").nip == VALID_NIP


def test_it_accepts_a_pppk_nip_whose_code_is_not_a_month():
    parts = identifiers.parse_nip("198502142022212001", pppk=True)
    assert parts.is_pppk_form
    assert parts.sex == "P"


def test_an_unknown_status_accepts_either_form():
    assert identifiers.parse_nip("198502142022212001").is_pppk_form
    assert not identifiers.parse_nip(VALID_NIP).is_pppk_form


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("19700101199803100", "length"),  # 17 digits
        ("1970010119980310021", "length"),  # 19 digits
        ("19700101199803100A", "digits"),
        ("197013011998031002", "birth_date"),  # month 13
        ("197002301998031002", "birth_date"),  # 30 February
        ("197001011998033002", "sex"),  # sex digit 3
        ("197001011998030002", "sex"),  # sex digit 0
        ("197001011980031002", "appointment"),  # appointed at age 10
    ],
)
def test_it_rejects_impossible_nips(value, code):
    with pytest.raises(ValidationError) as error:
        identifiers.parse_nip(value)
    assert error.value.code == code


def test_a_civil_servant_nip_needs_a_real_appointment_month():
    with pytest.raises(ValidationError) as error:
        identifiers.parse_nip("197001011998211002", pppk=False)
    assert error.value.code == "appointment"


def test_the_length_message_is_indonesian_and_names_the_count():
    from django.utils.translation import override

    with override("id"), pytest.raises(ValidationError) as error:
        identifiers.parse_nip("1970")
    assert error.value.messages == ["NIP harus 18 digit (sekarang 4)."]


def test_a_birth_date_that_differs_from_the_record_is_only_a_warning():
    warnings = identifiers.nip_warnings(VALID_NIP, birth_date=dt.date(1970, 1, 2), sex="L")
    assert len(warnings) == 1
    assert "01-01-1970" in warnings[0]
    assert identifiers.nip_warnings(VALID_NIP, birth_date=dt.date(1970, 1, 1), sex="L") == []


def test_a_sex_that_differs_from_the_record_is_only_a_warning():
    assert len(identifiers.nip_warnings(VALID_NIP, birth_date=None, sex="P")) == 1


def test_it_formats_a_nip_as_printed():
    assert identifiers.format_nip(VALID_NIP) == "19700101 199803 1 002"


def test_nignp_is_eighteen_digits_of_text():
    assert identifiers.validate_nignp("000123456789012345") == "000123456789012345"
    with pytest.raises(ValidationError):
        identifiers.validate_nignp("12345")


def test_nuptk_is_sixteen_digits():
    assert identifiers.validate_nuptk("1234567890123456") == "1234567890123456"
    for wrong in ("123456789012345", "12345678901234567", "12345678901234AB"):
        with pytest.raises(ValidationError):
            identifiers.validate_nuptk(wrong)


def test_an_emis_id_plus_pegid_in_the_nuptk_column_means_no_nuptk():
    assert identifiers.split_nuptk_column("ID123456789") == ("", "123456789")
    assert identifiers.split_nuptk_column("1234567890123456") == ("1234567890123456", "")
    assert identifiers.split_nuptk_column("") == ("", "")


def test_npk_is_thirteen_digits():
    assert identifiers.validate_npk("1234567890123")
    with pytest.raises(ValidationError):
        identifiers.validate_npk("123456789012")


def test_nsm_of_an_mts_starts_with_1211_or_1212():
    assert identifiers.validate_nsm("121135280003") == "121135280003"
    assert identifiers.validate_nsm("121235280004") == "121235280004"
    with pytest.raises(ValidationError) as error:
        identifiers.validate_nsm("111135280003")
    assert error.value.code == "prefix"
    with pytest.raises(ValidationError) as error:
        identifiers.validate_nsm("12113528000")
    assert error.value.code == "length"


def test_npsn_is_eight_digits():
    assert identifiers.validate_npsn("20580456") == "20580456"
    with pytest.raises(ValidationError):
        identifiers.validate_npsn("2058045")


# --- the identifier a document prints: NIP, else NIGNP, else PegID -------------------------------------


@pytest.mark.parametrize(
    ("fields", "printed", "cell"),
    [
        (
            {"nip": "197001011998031002", "nignp": "123456789012345678", "peg_id": "352801001"},
            "NIP. 19700101 199803 1 002",
            "19700101 199803 1 002",
        ),
        (
            {"nignp": "123456789012345678", "peg_id": "352801001"},
            "NIGNP. 123456789012345678",
            "NIGNP 123456789012345678",
        ),
        ({"peg_id": "352801001"}, "PegID. 352801001", "PegID 352801001"),
        ({"nip": "  ", "nignp": "", "peg_id": "352801001"}, "PegID. 352801001", "PegID 352801001"),
        ({}, "NIP. -", "-"),
    ],
)
def test_a_person_is_printed_by_nip_else_nignp_else_pegid(fields, printed, cell):
    identifier = identifiers.staff_identifier(**fields)
    assert str(identifier) == printed
    assert identifiers.identifier_cell_text(identifier) == cell
