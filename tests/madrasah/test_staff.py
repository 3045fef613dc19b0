"""The operator's pages for teachers and staff: validation at the field, nothing half-written."""

import pytest
from django.db import IntegrityError, transaction

from madrasah.models import Semester, Staff
from madrasah.services import semester_activate, semester_create
from tests.factories.madrasah import SemesterFactory, StaffFactory


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


def test_the_operator_adds_a_teacher_with_a_printed_nip(client, operator, madrasah):
    client.force_login(operator.user)
    response = client.post("/pegawai/tambah/", staff_data())
    staff = Staff.objects.get(name="Siti Aminah")
    assert response.url == f"/pegawai/{staff.pk}/"
    assert staff.nip == "198502142010012003"
    assert staff.madrasah == madrasah


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nip": "1985021420100120"}, "nip", "NIP harus 18 digit (sekarang 16)."),
        ({"nip": "198513142010012003"}, "nip", "bukan tanggal yang ada"),
        ({"nip": "198502142010014003"}, "nip", "kode jenis kelamin"),
        ({"nip": "198502142010212003"}, "nip", "bulan pengangkatan"),
        ({"nip": "", "employment_status": "pns"}, "nip", "wajib memiliki NIP"),
        ({"nuptk": "12345"}, "nuptk", "NUPTK harus 16 digit"),
        ({"nignp": "12ab"}, "nignp", "hanya boleh berisi angka"),
    ],
)
def test_a_wrong_identifier_is_refused_at_its_field_in_indonesian(client, operator, overrides, field, message):
    client.force_login(operator.user)
    response = client.post("/pegawai/tambah/", staff_data(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Staff.objects.filter(name="Siti Aminah").exists()


def test_a_pppk_nip_with_a_non_month_code_is_accepted(client, operator):
    client.force_login(operator.user)
    client.post("/pegawai/tambah/", staff_data(employment_status="pppk", nip="198502142022212001"))
    assert Staff.objects.filter(nip="198502142022212001").exists()


def test_emis_id_in_the_nuptk_column_is_kept_as_pegid(client, operator):
    client.force_login(operator.user)
    client.post("/pegawai/tambah/", staff_data(employment_status="honorer", nip="", nuptk="ID20230099"))
    staff = Staff.objects.get(name="Siti Aminah")
    assert (staff.nuptk, staff.peg_id) == ("", "20230099")


def test_a_birth_date_mismatch_saves_with_a_warning(client, operator):
    client.force_login(operator.user)
    response = client.post("/pegawai/tambah/", staff_data(birth_date="1985-02-15"), follow=True)
    assert Staff.objects.filter(name="Siti Aminah").exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("tanggal lahir yang tercatat 15-02-1985" in m for m in messages)


def test_a_duplicate_identifier_in_the_madrasah_is_refused(client, operator, guru):
    client.force_login(operator.user)
    response = client.post(
        "/pegawai/tambah/", staff_data(nip=guru.staff.nip, birth_date=guru.staff.birth_date.isoformat())
    )
    assert "sudah tercatat untuk" in response.context["form"].errors["nip"][0]


def test_the_same_nip_may_exist_in_another_madrasah(client, operator, outsider):
    client.force_login(operator.user)
    client.post(
        "/pegawai/tambah/",
        staff_data(nip=outsider.staff.nip, birth_date=outsider.staff.birth_date.isoformat(), sex=outsider.staff.sex),
    )
    assert Staff.objects.filter(nip=outsider.staff.nip).count() == 2


def test_the_database_refuses_a_duplicate_even_without_the_form(madrasah):
    StaffFactory(madrasah=madrasah, nip="197001011998031002")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffFactory(madrasah=madrasah, nip="197001011998031002")


def test_deactivating_keeps_the_record_and_stops_the_login(client, operator, guru):
    client.force_login(operator.user)
    client.post(f"/pegawai/{guru.staff_id}/status/", {"active": "0"})
    guru.staff.refresh_from_db()
    guru.refresh_from_db()
    assert not guru.staff.is_active
    assert not guru.is_active
    client.force_login(guru.user)
    assert client.get("/beranda/guru/").status_code == 403


def test_the_list_filters_by_search_status_and_activity(client, operator, madrasah):
    StaffFactory(madrasah=madrasah, name="Abdul Karim", employment_status="honorer", nip="", peg_id="99887766")
    StaffFactory(madrasah=madrasah, name="Nur Hasanah", is_active=False)
    client.force_login(operator.user)
    names = lambda response: [s.name for s in response.context["page"]]  # noqa: E731
    assert names(client.get("/pegawai/?q=karim")) == ["Abdul Karim"]
    assert "Abdul Karim" in names(client.get("/pegawai/?status=honorer"))
    assert "Nur Hasanah" not in names(client.get("/pegawai/"))
    assert names(client.get("/pegawai/?active=0")) == ["Nur Hasanah"]


def test_the_list_costs_the_same_queries_for_few_or_many(client, operator, madrasah):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(operator.user)
    StaffFactory.create_batch(3, madrasah=madrasah)
    client.get("/pegawai/")  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as few:
        client.get("/pegawai/")
    StaffFactory.create_batch(40, madrasah=madrasah)
    with CaptureQueriesContext(connection) as many:
        client.get("/pegawai/")
    assert len(many) == len(few)


def test_two_active_semesters_cannot_exist(madrasah):
    with pytest.raises(IntegrityError), transaction.atomic():
        SemesterFactory(academic_year__madrasah=madrasah, academic_year__start_year=2025, is_active=True)


def test_activating_a_semester_deactivates_the_other(client, operator, madrasah):
    new = semester_create(madrasah=madrasah, start_year=2026, kind="genap")
    client.force_login(operator.user)
    client.post(f"/semester/{new.pk}/aktifkan/")
    assert list(Semester.objects.filter(madrasah=madrasah, is_active=True)) == [new]
    assert new.slug == "2026-2027-genap"


def test_semester_dates_outside_the_year_are_refused_at_the_field(client, operator):
    client.force_login(operator.user)
    response = client.post(
        "/semester/", {"start_year": 2027, "kind": "ganjil", "start_date": "2027-06-01", "end_date": "2027-12-31"}
    )
    assert "harus berada dalam tahun pelajaran 2027/2028" in response.context["form"].errors["start_date"][0]
    assert not Semester.objects.filter(academic_year__start_year=2027).exists()


def test_the_madrasah_profile_refuses_a_wrong_nsm(client, kepala, madrasah):
    client.force_login(kepala.user)
    response = client.post(
        "/profil-madrasah/",
        {
            "name": "X",
            "nsm": "111135280003",
            "npsn": "20580456",
            "address": "a",
            "city": "Pamekasan",
            "ministry_line": "K",
            "district_office": "D",
            "paper_size": "F4",
            "unit_code": "Mts",
            "classification_code": "PP",
        },
    )
    assert "diawali 1211" in response.context["form"].errors["nsm"][0]
    madrasah.refresh_from_db()
    assert madrasah.name == "MTs Negeri 3 Pamekasan"


def test_semester_activate_is_idempotent(madrasah):
    semester = Semester.objects.get(madrasah=madrasah)
    semester_activate(semester=semester)
    semester_activate(semester=semester)
    assert Semester.objects.filter(madrasah=madrasah, is_active=True).count() == 1


def test_a_person_without_records_can_be_deleted_with_their_login(client, operator, guru):
    from madrasah.models import User

    client.force_login(operator.user)
    response = client.post(f"/pegawai/{guru.staff_id}/hapus/")
    assert response.url == "/pegawai/"
    assert not Staff.objects.filter(pk=guru.staff_id).exists()
    assert not User.objects.filter(pk=guru.user_id).exists()


def test_a_person_with_records_is_deactivated_instead_of_deleted(client, operator, guru, waka, madrasah):
    import datetime as dt

    from django.utils import timezone

    from kompetensi.models import Programme, ProgrammeRow

    semester = madrasah.semesters.get()
    programme = Programme.objects.create(
        madrasah=madrasah, semester=semester, purpose="p", targets="t", techniques="k", created_by=waka.user
    )
    ProgrammeRow.objects.create(
        programme=programme,
        teacher=guru.staff,
        supervisor=waka.user,
        planned_at=timezone.make_aware(dt.datetime(2026, 8, 3, 7, 30)),
    )
    client.force_login(operator.user)
    response = client.post(f"/pegawai/{guru.staff_id}/hapus/", follow=True)
    assert "tidak dapat dihapus" in " ".join(str(m) for m in response.context["messages"])
    assert Staff.objects.filter(pk=guru.staff_id).exists()
