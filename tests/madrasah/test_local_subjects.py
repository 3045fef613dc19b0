"""A madrasah's own local subjects (muatan lokal, issue 17 item 3): the operator and the Kepala add them
in the app; every place that offers subjects offers the national ones plus the madrasah's own, never
another madrasah's (a hostile operator gets a form error or a 404, never our subject)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kompetensi.models import ProgrammeRow
from madrasah.models import Staff, Subject
from madrasah.reference import SUBJECTS, ensure_reference_data
from madrasah.staff_excel import COLUMNS
from tests.factories import supervision
from tests.factories.madrasah import StaffFactory, member

LIST = "/mapel-lokal/"


def staff_data(**overrides):
    data = {
        "name": "Siti Aminah",
        "back_title": "S.Pd.",
        "sex": "P",
        "birth_date": "1985-02-14",
        "employment_status": "pns",
        "nip": "19850214 201001 2 003",
        "teacher_type": "mapel",
        "subjects": [],
    }
    data.update(overrides)
    return data


@pytest.fixture
def operator_b(other_madrasah):
    """The operator of another madrasah: hostile."""
    staff = StaffFactory(
        madrasah=other_madrasah, teacher_type="none", employment_status="honorer", nip="", peg_id="99887766"
    )
    return member(madrasah=other_madrasah, roles=["operator"], staff=staff)


@pytest.fixture
def mulok(client, operator, madrasah):
    """Our local subject, added through the page."""
    client.force_login(operator.user)
    client.post(LIST, {"name": "Bahasa Madura Lanjut", "code": "bahasa-madura-lanjut"})
    client.logout()
    return Subject.objects.get(madrasah=madrasah, name="Bahasa Madura Lanjut")


def test_the_operator_adds_a_local_subject(client, operator, madrasah):
    client.force_login(operator.user)
    response = client.post(LIST, {"name": "  Tahfidz   Al-Qur'an ", "code": ""}, follow=True)
    subject = Subject.objects.get(madrasah=madrasah)
    assert (subject.name, subject.code, subject.group) == ("Tahfidz Al-Qur'an", "", "Muatan Lokal")
    assert "Tahfidz Al-Qur&#x27;an telah ditambahkan." in response.content.decode()


def test_the_kepala_adds_one_too(client, kepala, madrasah):
    client.force_login(kepala.user)
    assert client.post(LIST, {"name": "Baca Kitab", "code": "baca-kitab"}).status_code == 302
    assert Subject.objects.filter(madrasah=madrasah, code="baca-kitab").exists()


@pytest.mark.parametrize(
    ("name", "code", "field", "message"),
    [
        ("matematika", "", "name", "Mata pelajaran matematika sudah ada."),
        ("Bahasa madura lanjut", "", "name", "Mata pelajaran Bahasa madura lanjut sudah ada."),
        ("Tahfidz", "fikih", "code", "Kode fikih sudah dipakai mata pelajaran lain."),
        ("Tahfidz", "bahasa-madura-lanjut", "code", "Kode bahasa-madura-lanjut sudah dipakai mata pelajaran lain."),
    ],
)
def test_a_name_or_code_already_offered_is_refused(client, operator, mulok, name, code, field, message):
    client.force_login(operator.user)
    before = Subject.objects.count()
    response = client.post(LIST, {"name": name, "code": code})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Subject.objects.count() == before


def test_another_madrasah_may_have_a_subject_of_the_same_name(client, operator_b, other_madrasah, mulok):
    client.force_login(operator_b.user)
    assert client.post(LIST, {"name": mulok.name, "code": mulok.code}).status_code == 302
    assert Subject.objects.filter(name=mulok.name).count() == 2


def test_our_staff_form_offers_national_and_our_own_subjects(client, operator, madrasah, mulok):
    client.force_login(operator.user)
    offered = set(client.get("/pegawai/tambah/").context["form"].fields["subjects"].queryset)
    assert mulok in offered
    assert {s.code for s in offered if s.madrasah_id is None} == {code for code, _name, _group in SUBJECTS}
    client.post("/pegawai/tambah/", staff_data(subjects=[mulok.pk]))
    assert list(Staff.objects.get(name="Siti Aminah").subjects.all()) == [mulok]


def test_another_madrasahs_operator_cannot_use_our_local_subject(client, operator_b, other_madrasah, mulok):
    client.force_login(operator_b.user)
    form = client.get("/pegawai/tambah/").context["form"]
    assert mulok not in form.fields["subjects"].queryset
    assert "Bahasa Madura Lanjut" not in client.get(LIST).content.decode()
    response = client.post("/pegawai/tambah/", staff_data(subjects=[mulok.pk]))
    assert response.status_code == 200
    assert "subjects" in response.context["form"].errors
    assert not Staff.objects.filter(name="Siti Aminah").exists()


def test_another_madrasahs_staff_filter_does_not_know_our_local_subject(client, operator_b, mulok):
    client.force_login(operator_b.user)
    page = client.get("/pegawai/")
    assert "Bahasa Madura Lanjut" not in page.content.decode()
    filtered = client.get("/pegawai/", {"subject": mulok.pk})
    assert "subject" in filtered.context["filter_form"].errors


def test_our_staff_filter_finds_teachers_of_our_local_subject(client, operator, guru, guru_lain, mulok):
    guru.staff.subjects.set([mulok])
    client.force_login(operator.user)
    page = client.get("/pegawai/", {"subject": mulok.pk, "active": "1"})
    assert [s.pk for s in page.context["page"].object_list] == [guru.staff_id]


def _workbook(subject_name: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    headers = [c.header for c in COLUMNS]
    sheet.append(headers)
    values = {
        "Nama": "Moh. Holis",
        "L/P": "L",
        "Tanggal Lahir": "12-03-1985",
        "NIP": "198503122010011001",
        "Status Kepegawaian": "PNS",
        "Mata Pelajaran": f"Matematika; {subject_name}",
    }
    sheet.append([values.get(h) for h in headers])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_the_import_matches_our_local_subject_by_name(client, operator, madrasah, mulok):
    client.force_login(operator.user)
    client.post("/pegawai/impor/", {"file": SimpleUploadedFile("pegawai.xlsx", _workbook("bahasa madura lanjut"))})
    holis = Staff.objects.get(madrasah=madrasah, name="Moh. Holis")
    assert sorted(holis.subjects.values_list("name", flat=True)) == ["Bahasa Madura Lanjut", "Matematika"]


def test_another_madrasahs_import_does_not_match_our_local_subject(client, operator_b, other_madrasah, mulok):
    client.force_login(operator_b.user)
    response = client.post(
        "/pegawai/impor/", {"file": SimpleUploadedFile("pegawai.xlsx", _workbook("Bahasa Madura Lanjut"))}
    )
    holis = Staff.objects.get(madrasah=other_madrasah, name="Moh. Holis")
    assert list(holis.subjects.values_list("name", flat=True)) == ["Matematika"]
    assert "Bahasa Madura Lanjut" in " ".join(str(w) for w in response.context["result"].warnings)


def test_a_programme_row_refuses_another_madrasahs_local_subject(client, madrasah, other_madrasah, waka, guru):
    theirs = Subject.objects.create(madrasah=other_madrasah, name="Tahfidz", code="tahfidz", order=100)
    ours = Subject.objects.create(madrasah=madrasah, name="Baca Kitab", code="baca-kitab", order=100)
    semester = supervision.active_semester(madrasah)
    version = supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)
    supervision.team(madrasah=madrasah, members=[waka])
    programme = supervision.programme(madrasah=madrasah, created_by=waka)
    client.force_login(waka.user)
    url = reverse("kompetensi:programme-row-create", args=[programme.pk])
    data = {
        "teacher": guru.staff_id,
        "supervisor": waka.user_id,
        "planned_at_0": f"{semester.start_date.year}-07-20",
        "planned_at_1": "07:30",
        "instruments": [version.pk],
        "class_name": "VIII-A",
    }
    response = client.post(url, {**data, "subject": theirs.pk})
    assert "subject" in response.context["form"].errors
    assert not ProgrammeRow.objects.exists()
    assert ours in client.get(url).context["form"].fields["subject"].queryset
    assert theirs not in client.get(url).context["form"].fields["subject"].queryset


def test_an_unused_local_subject_is_deleted_a_used_one_stays(client, operator, guru, madrasah, mulok):
    spare = Subject.objects.create(madrasah=madrasah, name="Tahfidz", order=100)
    guru.staff.subjects.set([mulok])
    client.force_login(operator.user)
    client.post(reverse("madrasah:subject-delete", args=[mulok.pk]))
    assert Subject.objects.filter(pk=mulok.pk).exists()
    client.post(reverse("madrasah:subject-delete", args=[spare.pk]))
    assert not Subject.objects.filter(pk=spare.pk).exists()


def test_nobody_deletes_a_national_subject_or_another_madrasahs(client, operator, operator_b, mulok):
    client.force_login(operator_b.user)
    assert client.post(reverse("madrasah:subject-delete", args=[mulok.pk])).status_code == 404
    national = Subject.objects.get(code="matematika")
    client.force_login(operator.user)
    assert client.post(reverse("madrasah:subject-delete", args=[national.pk])).status_code == 404
    assert Subject.objects.filter(pk__in=[mulok.pk, national.pk]).count() == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("guru", 403),
        ("guru_lain", 403),
        ("waka", 403),
        ("pengawas", 403),
        ("operator", 200),
        ("kepala", 200),
        ("outsider", 200),  # the Kepala of another madrasah: their own madrasah's page
    ],
)
def test_the_page_is_the_operators_and_the_kepalas(request, client, persona, status):
    membership = request.getfixturevalue(persona)
    client.force_login(membership.user)
    assert client.get(LIST).status_code == status
    response = client.post(LIST, {"name": "Tahfidz"})
    assert response.status_code == (403 if status == 403 else 302)
    assert Subject.objects.filter(name="Tahfidz").count() == (0 if status == 403 else 1)


def test_the_delete_is_refused_to_other_roles_of_our_madrasah(client, waka, mulok):
    client.force_login(waka.user)
    assert client.post(reverse("madrasah:subject-delete", args=[mulok.pk])).status_code == 403
    assert Subject.objects.filter(pk=mulok.pk).exists()


def test_anonymous_goes_to_the_login_page(client, mulok):
    assert client.get(LIST).status_code == 302
    assert client.post(reverse("madrasah:subject-delete", args=[mulok.pk])).status_code == 302


def test_reference_data_stays_idempotent_beside_local_subjects(madrasah, other_madrasah):
    Subject.objects.create(madrasah=madrasah, name="Baca Kitab", code="baca-kitab", order=100)
    Subject.objects.create(madrasah=other_madrasah, name="Baca Kitab", code="baca-kitab", order=100)
    ensure_reference_data()
    ensure_reference_data()
    assert Subject.objects.filter(madrasah__isnull=True).count() == len(SUBJECTS)
    assert Subject.objects.filter(madrasah__isnull=False).count() == 2
