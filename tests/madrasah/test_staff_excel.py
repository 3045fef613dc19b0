"""The teacher registry through Excel: template, export → edit → import, EMIS exports, errors per row
and column that block the whole file, warnings that do not, and files refused as a whole."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from madrasah.models import Membership, Staff, Subject, User
from madrasah.staff_excel import COLUMNS
from tests.factories.madrasah import StaffFactory

HEADERS = [c.header for c in COLUMNS]
IMPORT_URL = "/pegawai/impor/"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: list[list], *, title_rows: list[list] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [*title_rows, *rows]:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def nip_for(i: int, *, sex: str = "L") -> tuple[str, str]:
    """A valid NIP and its birth date (dd-mm-yyyy), unique for i < 1000."""
    birth = dt.date(1970 + i % 16, i % 12 + 1, i % 28 + 1)
    return f"{birth:%Y%m%d}201001{1 if sex == 'L' else 2}{i % 1000:03d}", f"{birth:%d-%m-%Y}"


def person(**values) -> list:
    """A row of our template: a PNS teacher of mathematics unless told otherwise (keys: headers)."""
    nip, birth = nip_for(values.pop("i", 1))
    row = {
        "Nama": "Siti Aminah",
        "L/P": "L",
        "Tanggal Lahir": birth,
        "NIP": nip,
        "Status Kepegawaian": "PNS",
        "Mata Pelajaran": "Matematika",
        **values,
    }
    return [row.get(header) for header in HEADERS]


def template_file(*rows: list) -> bytes:
    return xlsx([HEADERS, *rows])


def upload(client, content: bytes, name: str = "pegawai.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def error_texts(response) -> list[str]:
    return [str(issue) for issue in response.context["errors"]]


def counts() -> tuple[int, int, int]:
    return Staff.objects.count(), User.objects.count(), Membership.objects.count()


STAFF_FIELDS = [f.attname for f in Staff._meta.concrete_fields]


def snapshot(madrasah) -> dict:
    return {
        staff.pk: ({name: getattr(staff, name) for name in STAFF_FIELDS}, sorted(s.code for s in staff.subjects.all()))
        for staff in Staff.objects.filter(madrasah=madrasah).prefetch_related("subjects")
    }


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator.user)
    return client


@pytest.fixture
def registry(madrasah, guru):
    """A madrasah whose staff covers every column: titles, each status, ranks, subjects, inactive."""
    subject = {s.code: s for s in Subject.objects.all()}
    honorer = StaffFactory(
        madrasah=madrasah,
        name="Abdul Karim",
        front_title="H.",
        back_title="S.Pd.I.",
        sex="L",
        birth_place="Pakong",
        birth_date=dt.date(1992, 5, 3),
        employment_status="honorer",
        nip="",
        nignp="123456789012345678",
        nuptk="1234567890123456",
        peg_id="99887766",
        certified=True,
        extra_duties="Wali Kelas VII-A",
        phone="081234567890",
    )
    honorer.subjects.set([subject["fikih"], subject["bahasa-arab"]])
    pppk = StaffFactory(
        madrasah=madrasah,
        name="Nur Laila",
        sex="P",
        birth_date=dt.date(1990, 4, 17),
        employment_status="pppk",
        nip="199004172023212008",
        rank="PPPK-IX",
        career_level="pertama",
    )
    pppk.subjects.set([subject["ipa"]])
    counsellor = StaffFactory(
        madrasah=madrasah, teacher_type="bk", rank="III/c", career_level="muda", npk="1234567890123"
    )
    counsellor.subjects.set([subject["bk"]])
    StaffFactory(
        madrasah=madrasah,
        name="Nur Hasanah",
        is_active=False,
        birth_date=None,
        employment_status="gty",
        nip="",
        peg_id="55544433",
    )
    return madrasah


def test_the_template_has_our_headers_and_the_instructions(operator_client):
    response = operator_client.get("/pegawai/templat/")
    assert response["Content-Type"] == XLSX_MIME
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Pegawai", "Petunjuk"]
    assert [c.value for c in workbook["Pegawai"][1]] == HEADERS
    assert workbook["Pegawai"].max_row == 1
    instructions = [row[0] for row in workbook["Petunjuk"].iter_rows(values_only=True)]
    assert any("NIP, NIGNP, NPK, NUPTK, PegID" in (line or "") for line in instructions)
    assert "Siti Aminah" in [row[1] for row in workbook["Petunjuk"].iter_rows(values_only=True)]


def test_the_import_page_offers_the_template(operator_client):
    response = operator_client.get(IMPORT_URL)
    assert b'href="/pegawai/templat/"' in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_export_then_import_changes_nothing(operator_client, registry):
    before = snapshot(registry)
    exported = operator_client.get("/pegawai/ekspor/")
    sheet = load_workbook(io.BytesIO(exported.content))["Pegawai"]
    assert sheet.max_row == len(before) + 1
    assert {c.number_format for c in sheet["H"][1:]} == {"@"}  # NIP as text
    assert isinstance(sheet["G2"].value, dt.datetime)  # birth date as a real date

    response = upload(operator_client, exported.content)

    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(before))
    assert snapshot(registry) == before


def test_export_edit_one_cell_import_updates_exactly_that(operator_client, registry, guru):
    before = snapshot(registry)
    workbook = load_workbook(io.BytesIO(operator_client.get("/pegawai/ekspor/").content))
    sheet = workbook["Pegawai"]
    nip_column, phone_column = HEADERS.index("NIP") + 1, HEADERS.index("No. HP") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, nip_column).value == guru.staff.nip)
    sheet.cell(row, phone_column).value = "085231000111"
    edited = io.BytesIO()
    workbook.save(edited)

    response = upload(operator_client, edited.getvalue())

    assert (response.context["result"].updated, response.context["result"].created) == (1, 0)
    after = snapshot(registry)
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert changed == {guru.staff_id}
    fields_before, fields_after = before[guru.staff_id][0], after[guru.staff_id][0]
    # The version moves on too: a form opened before the import is then a conflict, not an overwrite.
    assert {k for k in fields_before if fields_before[k] != fields_after[k]} == {"phone", "updated_at", "version"}
    assert fields_after["phone"] == "085231000111"


EMIS_TITLE = [["DAFTAR GTK MTs NEGERI 3 PAMEKASAN"], ["Tahun Pelajaran 2026/2027"], []]
EMIS_HEADERS = [
    "NO",
    "NAMA LENGKAP",
    "JENIS KELAMIN",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "NIP",
    "NUPTK",
    "PEG ID",
    "STATUS KEPEGAWAIAN",
    "MAPEL",
    "SERTIFIKASI",
]
EMIS_ROWS = [
    [
        1,
        "Moh. Holis",
        "Laki-laki",
        "Pamekasan",
        "12-03-1995",
        "123456789012345678",
        "ID352899001",
        None,
        "Honorer",
        "Fikih",
        "Belum",
    ],
    [
        2,
        "Nurul Jannah",
        "Perempuan",
        "Sumenep",
        dt.datetime(1997, 7, 1),
        None,
        "ID352899002",
        None,
        "GTT",
        "Bahasa Arab; IPA",
        "Tidak",
    ],
    [
        3,
        "Ach. Baidowi",
        "L",
        "Waru",
        "30/11/1993",
        " 987654321098765432 ",
        "3647750652200099",
        "352899003",
        "Non PNS",
        "Matematika",
        "Ya",
    ],
]


def emis_file() -> bytes:
    return xlsx([EMIS_HEADERS, *EMIS_ROWS], title_rows=EMIS_TITLE)


def test_an_emis_export_of_honorary_teachers_imports_and_creates_accounts(operator_client, madrasah):
    response = upload(operator_client, emis_file())

    result = response.context["result"]
    assert (result.created, result.accounts_created) == (3, 3)
    holis = Staff.objects.get(madrasah=madrasah, name="Moh. Holis")
    assert (holis.nip, holis.nignp, holis.nuptk, holis.peg_id) == ("", "123456789012345678", "", "352899001")
    assert (holis.sex, holis.birth_date, holis.employment_status) == ("L", dt.date(1995, 3, 12), "honorer")
    jannah = Staff.objects.get(madrasah=madrasah, name="Nurul Jannah")
    assert (jannah.peg_id, jannah.sex, jannah.birth_date) == ("352899002", "P", dt.date(1997, 7, 1))
    assert sorted(jannah.subjects.values_list("code", flat=True)) == ["bahasa-arab", "ipa"]
    baidowi = Staff.objects.get(madrasah=madrasah, name="Ach. Baidowi")
    assert (baidowi.nignp, baidowi.nuptk, baidowi.certified) == ("987654321098765432", "3647750652200099", True)
    for staff, username in [(holis, "123456789012345678"), (jannah, "352899002"), (baidowi, "987654321098765432")]:
        membership = Membership.objects.get(staff=staff)
        assert membership.user.username == username
        assert membership.user.must_change_password
        assert not membership.user.has_usable_password()
        assert membership.role_set == {"guru"}


def test_importing_the_same_file_again_changes_nothing(operator_client, madrasah):
    upload(operator_client, emis_file())
    before, numbers = snapshot(madrasah), counts()

    result = upload(operator_client, emis_file()).context["result"]

    assert (result.created, result.updated, result.unchanged, result.accounts_created) == (0, 0, 3, 0)
    assert (snapshot(madrasah), counts()) == (before, numbers)


def test_two_bad_rows_are_both_listed_and_nothing_is_written(operator_client):
    numbers = counts()
    content = template_file(
        person(i=1, Nama="Guru Satu"),
        person(i=2, Nama="Guru Dua", NIP="1985021420100120"),
        person(i=3, Nama="Guru Tiga"),
        person(i=4, Nama="Guru Empat", NIP="198513142010012003"),
    )

    response = upload(operator_client, content)

    assert response.status_code == 200
    assert error_texts(response) == [
        "Baris 3, kolom NIP: NIP harus 18 digit (sekarang 16).",
        "Baris 5, kolom NIP: NIP: tanggal lahir 19851314 (digit 1-8) bukan tanggal yang ada.",
    ]
    assert "Tidak ada yang diimpor" in response.context["form"].errors["file"][0]
    body = response.content.decode()
    assert body.count('data-testid="import-error"') == 2
    assert counts() == numbers


def test_errors_of_other_columns_name_their_column(operator_client):
    content = template_file(
        person(i=1, Nama=None),
        person(i=2, **{"L/P": "X", "Tanggal Lahir": "31-02-1990", "Sertifikasi (Ya/Tidak)": "mungkin"}),
        person(i=3, NUPTK="12345", **{"Status Kepegawaian": "Kontrak"}),
    )

    texts = error_texts(upload(operator_client, content))

    assert "Baris 2, kolom Nama: Wajib diisi." in texts
    assert any(t.startswith("Baris 3, kolom L/P: Tulis L atau P") for t in texts)
    assert any(t.startswith("Baris 3, kolom Tanggal Lahir: 31-02-1990 bukan tanggal") for t in texts)
    assert any(t.startswith("Baris 3, kolom Sertifikasi (Ya/Tidak): Tulis Ya atau Tidak") for t in texts)
    assert "Baris 4, kolom NUPTK: NUPTK harus 16 digit (sekarang 5)." in texts
    assert any(t.startswith("Baris 4, kolom Status Kepegawaian: Status kepegawaian Kontrak") for t in texts)


def test_a_duplicate_within_the_file_names_both_rows(operator_client):
    numbers = counts()
    content = template_file(person(i=1, Nama="Guru Satu"), person(i=2, Nama="Guru Dua"), person(i=1, Nama="Guru Tiga"))

    texts = error_texts(upload(operator_client, content))

    nip, _birth = nip_for(1)
    assert texts == [f"Baris 4, kolom NIP: NIP {nip} juga ada di baris 2."]
    assert counts() == numbers


def test_an_identifier_of_another_recorded_person_is_refused(operator_client, madrasah, guru):
    other = StaffFactory(madrasah=madrasah, name="Siti Qomariyah", nuptk="3647750652200013")
    numbers = counts()
    content = template_file(
        # the guru's NIP, but the NUPTK of someone else
        person(Nama=guru.staff.name, NIP=guru.staff.nip, NUPTK=other.nuptk, **{"Tanggal Lahir": None}),
        # a new NIP, but the NUPTK of the same someone else and another name
        person(i=7, Nama="Orang Baru", NUPTK=other.nuptk),
    )

    texts = error_texts(upload(operator_client, content))

    assert texts == [
        f"Baris 2, kolom NUPTK: NUPTK {other.nuptk} sudah tercatat untuk {other.full_name}.",
        f"Baris 3, kolom NUPTK: NUPTK {other.nuptk} juga ada di baris 2.",
    ]
    assert counts() == numbers

    texts = error_texts(upload(operator_client, template_file(person(i=7, Nama="Orang Baru", NUPTK=other.nuptk))))
    assert texts == [f"Baris 2, kolom NUPTK: NUPTK {other.nuptk} sudah tercatat untuk {other.full_name}."]


def test_two_rows_for_the_same_recorded_person_are_refused(operator_client, madrasah):
    staff = StaffFactory(
        madrasah=madrasah, employment_status="honorer", nip="", peg_id="352811111", nuptk="3647750652200013"
    )
    row = {"Nama": staff.name, "NIP": None, "Status Kepegawaian": "Honorer", "Tanggal Lahir": None}
    content = template_file(person(PegID=staff.peg_id, **row), person(NUPTK=staff.nuptk, PegID="352822222", **row))

    texts = error_texts(upload(operator_client, content))

    assert texts == [f"Baris 3: Baris ini dan baris 2 sama-sama merujuk ke {staff.full_name}."]


def test_a_number_cell_that_lost_digits_is_refused_not_guessed(operator_client):
    numbers = counts()
    row = person(i=1)
    row[HEADERS.index("NIP")] = 1.97001011998031e17
    row[HEADERS.index("PegID")] = 352899001  # short enough for Excel to keep every digit

    texts = error_texts(upload(operator_client, template_file(row)))

    assert len(texts) == 1
    assert texts[0].startswith("Baris 2, kolom NIP: Sel berisi angka (1.97001011998031e+17)")
    assert "Format kolom sebagai Teks" in texts[0]
    assert counts() == numbers


def test_identifiers_with_spaces_and_apostrophes_are_read_as_text(operator_client, madrasah):
    nip, birth = nip_for(5)
    printed = f"'{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"

    upload(operator_client, template_file(person(i=5, NIP=printed, PegID=352899001)))

    staff = Staff.objects.get(madrasah=madrasah, nip=nip)
    assert staff.peg_id == "352899001"


def test_a_birth_date_mismatch_is_a_warning_that_does_not_block(operator_client, madrasah):
    content = template_file(person(i=1, Nama="Guru Satu", **{"Tanggal Lahir": "15-02-1990"}))
    nip, birth = nip_for(1)

    response = upload(operator_client, content)

    assert response.context["result"].created == 1
    warnings = [str(w) for w in response.context["result"].warnings]
    assert warnings == [
        f"Baris 2, kolom NIP: NIP menunjukkan tanggal lahir {birth}, tetapi tanggal lahir yang tercatat 15-02-1990."
    ]
    assert "NIP menunjukkan tanggal lahir" in response.content.decode()
    assert Staff.objects.filter(madrasah=madrasah, nip=nip).exists()


def test_warnings_are_shown_next_to_errors_too(operator_client):
    content = template_file(person(i=1, **{"Tanggal Lahir": "15-02-1990"}), person(i=2, NIP="123"))

    response = upload(operator_client, content)

    assert len(response.context["errors"]) == 1
    assert len(response.context["warnings"]) == 1


def test_an_imported_identifier_with_an_account_elsewhere_is_invited_never_linked(operator_client, madrasah, outsider):
    """The import of a row carrying another madrasah's Kepala's NIP must not hand that account to this
    madrasah (its operator could then reset the password and log in as that Kepala)."""
    from madrasah.models import Invitation

    users = User.objects.count()
    staff = outsider.staff
    row = person(
        Nama=staff.name, NIP=staff.nip, **{"L/P": staff.sex, "Tanggal Lahir": staff.birth_date.strftime("%d-%m-%Y")}
    )

    response = upload(operator_client, template_file(row))
    result = response.context["result"]

    assert result.accounts_created == 0
    assert User.objects.count() == users
    here = Staff.objects.get(madrasah=madrasah, nip=staff.nip)
    assert not Membership.objects.filter(staff=here).exists()
    assert list(Membership.objects.filter(user=outsider.user)) == [outsider]
    invitation = Invitation.objects.get(user=outsider.user)
    assert (invitation.madrasah, invitation.staff, invitation.status) == (madrasah, here, "pending")
    assert any(staff.nip in str(w.message) for w in result.warnings)


def test_setting_a_person_inactive_stops_their_login(operator_client, registry, guru):
    workbook = load_workbook(io.BytesIO(operator_client.get("/pegawai/ekspor/").content))
    sheet = workbook["Pegawai"]
    nip_column, active_column = HEADERS.index("NIP") + 1, HEADERS.index("Aktif (Ya/Tidak)") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, nip_column).value == guru.staff.nip)
    sheet.cell(row, active_column).value = "Tidak"
    edited = io.BytesIO()
    workbook.save(edited)

    upload(operator_client, edited.getvalue())

    guru.refresh_from_db()
    guru.staff.refresh_from_db()
    assert (guru.staff.is_active, guru.is_active) == (False, False)


def _encrypted_ooxml() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512


def _old_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 512


def _zip(members: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


def _empty_workbook() -> bytes:
    output = io.BytesIO()
    Workbook().save(output)
    return output.getvalue()


BAD_FILES = {
    "plain text": (lambda: b"ini bukan file excel", "bukan buku kerja Excel (.xlsx)"),
    "renamed csv": (lambda: b"Nama,L/P,NIP\nSiti,P,198502142010012003\n", "bukan buku kerja Excel (.xlsx)"),
    "zip of something else": (lambda: _zip({"word/document.xml": b"<w/>"}), "bukan buku kerja Excel (.xlsx)"),
    "corrupted zip": (lambda: template_file(person())[:-200], "rusak"),
    "damaged inside": (lambda: _zip({"xl/workbook.xml": b"<not xml", "[Content_Types].xml": b"<x"}), "rusak"),
    "password-protected": (_encrypted_ooxml, "dilindungi kata sandi"),
    "old xls": (_old_xls, "Excel 97-2003"),
    "empty file": (lambda: b"", "kosong"),
    "empty workbook": (_empty_workbook, "Baris judul kolom tidak ditemukan"),
    "header only": (lambda: template_file(), "tidak ada baris data"),
    "over 5 MB": (lambda: b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024), "lebih besar dari 5 MB"),
    "decompression bomb": (lambda: _zip({"xl/worksheets/sheet1.xml": b"\0" * (51 * 1024 * 1024)}), "50 MB"),
    "missing columns": (
        lambda: xlsx([["Nama", "Tempat Lahir", "Tanggal Lahir"], ["Siti", "Pamekasan", "14-02-1985"]]),
        "tidak memiliki kolom L/P, NIP / NIGNP / PegID",
    ),
    "too many rows": (lambda: template_file(*[person(i=i % 900) for i in range(2001)]), "lebih dari 2000 baris"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_gets_one_clear_message_and_writes_nothing(operator_client, kind):
    make, fragment = BAD_FILES[kind]
    numbers = counts()

    response = upload(operator_client, make())

    assert response.status_code == 200
    messages = response.context["form"].errors["file"]
    assert len(messages) == 1
    assert fragment in messages[0]
    assert response.context["errors"] == []
    assert counts() == numbers


def test_a_file_field_left_empty_is_refused_at_the_field(operator_client):
    response = operator_client.post(IMPORT_URL, {})
    assert response.context["form"].errors["file"]


def test_imported_accounts_wait_for_their_slips(operator_client):
    pending = operator_client.get("/akun/slip/").context["pending"]

    upload(operator_client, emis_file())

    page = operator_client.get("/akun/slip/")
    assert page.context["pending"] == pending + 3
    ticked = [str(row["membership"].pk) for row in page.context["rows"] if row["default"]]
    slips = operator_client.post("/akun/slip/", {"membership": ticked, "confirm": "1"}).context["slips"]
    usernames = {slip["username"] for slip in slips}
    assert {"123456789012345678", "352899002", "987654321098765432"} <= usernames


def test_the_import_costs_the_same_queries_for_10_or_40_rows(operator_client):
    operator_client.get(IMPORT_URL)  # the first request of a session also writes the session

    def queries_for(numbers: range) -> int:
        content = template_file(*[person(i=i, Nama=f"Guru {i}") for i in numbers])
        with CaptureQueriesContext(connection) as queries:
            response = upload(operator_client, content)
        assert response.context["result"].created == len(numbers)
        return len(queries)

    assert queries_for(range(10)) == queries_for(range(100, 140))
