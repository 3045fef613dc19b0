import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from madrasah.identifiers import parse_nip, validate_nignp, validate_nuptk, validate_peg_id
from madrasah.management.commands.seed_demo import DEMO_LOGINS, DEMO_MADRASAH
from madrasah.models import EmploymentStatus, Madrasah, Membership, Semester, Staff, TeacherType, User
from tests.factories.demo import seeded_demo

pytestmark = pytest.mark.django_db

TODAY = "2026-03-10"  # in semester genap 2025/2026


def seed(*args, **options):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def snapshot():
    staff = Staff.objects.filter(madrasah__nsm=DEMO_MADRASAH["nsm"]).prefetch_related("subjects").order_by("name")
    return [
        (s.full_name, s.sex, s.birth_date, s.nip, s.nignp, s.nuptk, s.peg_id, tuple(x.code for x in s.subjects.all()))
        for s in staff
    ]


@pytest.fixture
def seeded():
    output = seeded_demo("--teachers", "40", "--semesters", "4", "--seed", "1", "--today", TODAY)
    return Madrasah.objects.get(nsm=DEMO_MADRASAH["nsm"]), output


def test_seeds_the_madrasah_teachers_and_semesters(seeded):
    madrasah, output = seeded
    assert madrasah.name == "MTs Negeri 3 Pamekasan"
    assert madrasah.nsm.startswith("1211") and len(madrasah.nsm) == 12
    assert madrasah.paper_size == "F4"
    assert madrasah.staff.teachers().active().count() == 40
    operator = madrasah.staff.get(teacher_type=TeacherType.NONE)
    assert operator.employment_status == EmploymentStatus.HONORER

    statuses = set(madrasah.staff.teachers().values_list("employment_status", flat=True))
    assert {EmploymentStatus.PNS, EmploymentStatus.PPPK, EmploymentStatus.HONORER} <= statuses
    assert madrasah.staff.filter(teacher_type=TeacherType.COUNSELLOR, subjects__code="bk").count() == 2
    for teacher in madrasah.staff.teachers().prefetch_related("subjects"):
        assert len(teacher.subjects.all()) == 1

    semesters = list(Semester.objects.filter(madrasah=madrasah).order_by("start_date"))
    assert len(semesters) == 4
    active = [s for s in semesters if s.is_active]
    assert len(active) == 1
    assert active[0].start_date <= dt.date.fromisoformat(TODAY) <= active[0].end_date
    assert active[0] == semesters[-1] and active[0].kind == "genap"
    assert [(s.academic_year.name, s.kind) for s in semesters] == [
        ("2024/2025", "ganjil"),
        ("2024/2025", "genap"),
        ("2025/2026", "ganjil"),
        ("2025/2026", "genap"),
    ]
    assert madrasah.academic_years.count() == 2

    # Every teacher and the operator has an account; plus the pengawas without a staff record.
    assert Membership.objects.filter(madrasah=madrasah).count() == 42
    assert not User.objects.filter(memberships__madrasah=madrasah, must_change_password=True).exists()
    for login in DEMO_LOGINS:
        assert login["username"] in output and login["password"] in output


def test_every_demo_login_works(seeded, client):
    homes = {
        "Kepala Madrasah": "/beranda/kepala/",
        "Waka Kurikulum": "/beranda/waka/",
        "Guru": "/beranda/guru/",
        "Operator": "/beranda/operator/",
        "Pengawas Madrasah": "/beranda/pengawas/",
    }
    assert [login["role"] for login in DEMO_LOGINS] == list(homes)
    for login in DEMO_LOGINS:
        response = client.post("/masuk/", {"username": login["username"], "password": login["password"]})
        assert response.status_code == 302, login
        assert response.url != "/masuk/"
        assert client.get(response.url, follow=True).redirect_chain[-1][0] == homes[login["role"]]
        client.logout()


def test_a_generated_teacher_can_log_in(seeded, client):
    madrasah, _ = seeded
    teacher = madrasah.staff.teachers().filter(nip="", nignp="").first()
    assert teacher is not None  # an honorary teacher without NIGNP logs in with the PegID
    response = client.post("/masuk/", {"username": teacher.peg_id, "password": "guru12345"})
    assert response.status_code == 302 and response.url != "/masuk/"


def test_every_identifier_is_valid_and_unique(seeded):
    madrasah, _ = seeded
    staff = list(madrasah.staff.all())
    for person in staff:
        if person.nip:
            parts = parse_nip(person.nip, pppk=person.employment_status in EmploymentStatus.pppk())
            assert parts.birth_date == person.birth_date
            assert parts.sex == person.sex
            assert parts.is_pppk_form == (person.employment_status in EmploymentStatus.pppk())
        else:
            assert person.employment_status == EmploymentStatus.HONORER
            assert person.peg_id
        if person.nignp:
            validate_nignp(person.nignp)
        if person.nuptk:
            validate_nuptk(person.nuptk)
        validate_peg_id(person.peg_id)
    for key in ("nip", "nignp", "nuptk", "peg_id"):
        values = [getattr(p, key) for p in staff if getattr(p, key)]
        assert len(values) == len(set(values)), key
    honorary = [p for p in staff if p.employment_status == EmploymentStatus.HONORER]
    assert any(p.nignp for p in honorary) and any(not p.nuptk for p in honorary)
    pengawas = User.objects.get(username=DEMO_LOGINS[-1]["username"])
    assert parse_nip(pengawas.username).birth_date


def test_same_seed_gives_the_same_data_and_another_seed_differs():
    seed("--teachers", "15", "--semesters", "2", "--seed", "7", "--today", TODAY)
    first = snapshot()
    seed("--teachers", "15", "--semesters", "2", "--seed", "7", "--today", TODAY, "--reset")
    assert snapshot() == first
    seed("--teachers", "15", "--semesters", "2", "--seed", "8", "--today", TODAY, "--reset")
    second = snapshot()
    assert second != first
    # The documented accounts do not depend on the seed.
    demo = {login["username"] for login in DEMO_LOGINS}
    assert {row[1] for row in first} & demo == {row[1] for row in second} & demo


def test_refuses_a_second_run_without_reset():
    seed("--teachers", "5", "--semesters", "1", "--today", TODAY)
    with pytest.raises(CommandError, match="--reset"):
        seed("--teachers", "5", "--semesters", "1", "--today", TODAY)
    assert Madrasah.objects.filter(nsm=DEMO_MADRASAH["nsm"]).count() == 1


def test_a_production_server_gets_no_demo_accounts_unless_told_so(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="passwords are public"):
        seed("--teachers", "4", "--semesters", "1", "--today", TODAY)
    assert not Madrasah.objects.filter(nsm=DEMO_MADRASAH["nsm"]).exists()
    seed("--teachers", "4", "--semesters", "1", "--today", TODAY, "--allow-production")  # a throwaway server
    assert Madrasah.objects.filter(nsm=DEMO_MADRASAH["nsm"]).exists()


def test_if_empty_seeds_only_an_empty_database():
    seed("--teachers", "4", "--semesters", "1", "--today", TODAY, "--if-empty")
    staff = snapshot()
    assert len(staff) == 5
    output = seed("--teachers", "9", "--semesters", "1", "--today", TODAY, "--if-empty")
    assert "nothing seeded" in output
    assert snapshot() == staff


def test_reset_removes_only_users_that_belonged_to_the_demo():
    seed("--teachers", "5", "--semesters", "1", "--today", TODAY)
    demo = Madrasah.objects.get(nsm=DEMO_MADRASAH["nsm"])
    other = Madrasah.objects.create(
        name="MTs Negeri 1 Sumenep",
        nsm="121135290001",
        npsn="20580999",
        address="Sumenep",
        city="Sumenep",
        district_office="KANTOR KEMENTERIAN AGAMA KABUPATEN SUMENEP",
        unit_code="Mts.13.29.01",
    )
    pengawas = User.objects.get(username=DEMO_LOGINS[-1]["username"])
    Membership.objects.create(user=pengawas, madrasah=other)  # the pengawas oversees both madrasah
    demo_only = set(
        User.objects.filter(memberships__madrasah=demo).exclude(pk=pengawas.pk).values_list("pk", flat=True)
    )

    output = seed("--teachers", "5", "--semesters", "1", "--today", TODAY, "--reset")

    assert not User.objects.filter(pk__in=demo_only).exists()  # deleted, then created anew
    assert set(pengawas.memberships.values_list("madrasah__nsm", flat=True)) == {DEMO_MADRASAH["nsm"], other.nsm}
    assert "kept their own password" in output
    assert Madrasah.objects.filter(nsm=DEMO_MADRASAH["nsm"]).get().staff.teachers().count() == 5


def test_today_defaults_to_the_local_date():
    seed("--teachers", "3", "--semesters", "2")
    active = Semester.objects.get(madrasah__nsm=DEMO_MADRASAH["nsm"], is_active=True)
    assert active.start_date <= timezone.localdate() <= active.end_date
    assert Semester.objects.filter(madrasah__nsm=DEMO_MADRASAH["nsm"]).count() == 2


def test_rejects_bad_options():
    with pytest.raises(CommandError, match="at least 3"):
        seed("--teachers", "2")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        seed("--today", "10-03-2026")


def test_the_readme_documents_the_demo_logins():
    from pathlib import Path

    from madrasah.management.commands.seed_demo import DEMO_LOGINS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for login in DEMO_LOGINS:
        assert f"| {login['role']} | `{login['username']}` | `{login['password']}` |" in readme
