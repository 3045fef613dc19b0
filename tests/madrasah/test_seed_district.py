"""`seed_demo --madrasah N`: a district of demo madrasah, their people apart, their pengawas, and the
same district for the same seed."""

import hashlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kompetensi.instruments.rules import score_pkg, score_pkkm
from kompetensi.instruments.scoring import ItemScore, SectionInput, options_of, score_instrument
from kompetensi.instruments.selectors import bands_of
from kompetensi.models import Appraisal, InstrumentKind, Observation, PkbActivity
from madrasah.demo_district import MAX_MADRASAH, PENGAWAS_MAX, PENGAWAS_MIN, demo_nsm, madrasah_fields, pengawas_groups
from madrasah.management.commands.seed_demo import DEMO_LOGINS, DEMO_MADRASAH
from madrasah.models import Madrasah, Membership, Role, Staff, User
from mutu.models import Cycle
from tests.factories.demo import seeded_demo

pytestmark = pytest.mark.django_db

TODAY = "2026-03-10"
DISTRICT = ("--madrasah", "3", "--teachers", "4", "--semesters", "2", "--seed", "1", "--today", TODAY)


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def staff_of(nsm: str):
    staff = Staff.objects.filter(madrasah__nsm=nsm).prefetch_related("subjects").order_by("name")
    return [
        (s.full_name, s.sex, s.birth_date, s.nip, s.nignp, s.nuptk, s.peg_id, tuple(x.code for x in s.subjects.all()))
        for s in staff
    ]


def digest() -> str:
    """A fingerprint of the rows a visitor sees: madrasah, people, accounts, supervision, PKG, PKB, cycles."""
    rows = [
        *Madrasah.objects.values_list("nsm", "npsn", "name", "status"),
        *(("staff", nsm, *row) for nsm in Madrasah.objects.values_list("nsm", flat=True) for row in staff_of(nsm)),
        *User.objects.values_list("username", "first_name"),
        *Membership.objects.values_list("user__username", "madrasah__nsm", "roles__role"),
        *Observation.objects.values_list(
            "madrasah__nsm", "teacher__peg_id", "instrument_version__instrument__kind", "state", "percentage",
            "predikat", "observed_on", "submitted_at", "finalised_at",
        ),
        *Appraisal.objects.values_list("madrasah__nsm", "teacher__peg_id", "stage", "nilai", "predikat", "approved_at"),
        *PkbActivity.objects.values_list("teacher__peg_id", "title", "jp", "status", "start_date"),
        *Cycle.objects.values_list("madrasah__nsm", "title", "stage", "baseline"),
    ]  # fmt: skip
    return hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()


@pytest.fixture
def district():
    return seeded_demo(*DISTRICT)


def test_seeds_three_madrasah_with_their_own_people_and_one_pengawas_over_them(district):
    madrasahs = list(Madrasah.objects.order_by("pk"))
    assert [m.nsm for m in madrasahs] == [demo_nsm(1), demo_nsm(2), demo_nsm(3)]
    assert madrasahs[0].name == DEMO_MADRASAH["name"]
    assert len({m.name for m in madrasahs}) == 3
    for madrasah in madrasahs:
        assert madrasah.staff.teachers().active().count() == 4
        for role in (Role.KEPALA, Role.WAKA, Role.OPERATOR, Role.PENGAWAS):
            assert Membership.objects.filter(madrasah=madrasah, roles__role=role).exists(), (madrasah, role)
        assert Observation.objects.filter(madrasah=madrasah).exists()
        assert Appraisal.objects.filter(madrasah=madrasah).exists()

    # Nobody works at two madrasah: names, identifiers and accounts are each madrasah's own.
    staff = list(Staff.objects.all())
    for key in ("name", "nip", "nignp", "nuptk", "peg_id"):
        values = [getattr(s, key) for s in staff if getattr(s, key)]
        assert len(values) == len(set(values)), key
    staff_users = Membership.objects.filter(staff__isnull=False).values_list("user_id", flat=True)
    assert len(staff_users) == len(set(staff_users)) == len(staff)

    # With three madrasah, the one pengawas oversees all three, and nobody else oversees any.
    pengawas = Membership.objects.filter(roles__role=Role.PENGAWAS)
    assert set(pengawas.values_list("user__username", flat=True)) == {DEMO_LOGINS[-1]["username"]}
    assert pengawas.count() == 3
    assert "Seeded in" in district and "per madrasah" in district


def test_pengawas_oversee_10_to_15_madrasah_wherever_the_count_allows():
    for count in range(1, MAX_MADRASAH + 1):
        groups = pengawas_groups(count)
        assert [n for g in groups for n in g] == list(range(1, count + 1)), count
        sizes = {len(g) for g in groups}
        if count < PENGAWAS_MIN:
            assert groups == [range(1, count + 1)]
        elif count < 2 * PENGAWAS_MIN:  # 16 to 19 cannot be split into runs of at least 10
            assert max(sizes) <= PENGAWAS_MAX
        else:
            assert min(sizes) >= PENGAWAS_MIN and max(sizes) <= PENGAWAS_MAX, count


def test_madrasah_1_keeps_its_logins(district, client):
    for login in DEMO_LOGINS:
        response = client.post("/masuk/", {"username": login["username"], "password": login["password"]})
        assert response.status_code == 302 and response.url != "/masuk/", login
        client.logout()
    # Another madrasah's Kepala logs in with the Kepala's demo password, to that madrasah.
    kepala = Membership.objects.get(madrasah__nsm=demo_nsm(2), roles__role=Role.KEPALA).user
    response = client.post("/masuk/", {"username": kepala.username, "password": DEMO_LOGINS[0]["password"]})
    assert response.status_code == 302 and response.url != "/masuk/"


def test_every_seeded_observation_scores_what_the_scoring_function_gives(district):
    observations = Observation.objects.filter(percentage__isnull=False).prefetch_related(
        "scores", "instrument_version__instrument", "instrument_version__sections__items"
    )
    assert observations.count() > 0
    assert set(observations.values_list("madrasah__nsm", flat=True)) == {demo_nsm(1), demo_nsm(2), demo_nsm(3)}
    for observation in observations:
        version = observation.instrument_version
        stored = {s.item_id: s for s in observation.scores.all()}
        sections = [
            SectionInput(
                section.pk,
                section.weight,
                [
                    ItemScore(
                        points=stored[item.pk].points if item.pk in stored else None,
                        not_applicable=item.pk in stored and stored[item.pk].not_applicable,
                    )
                    for item in section.items.all()
                ],
            )
            for section in version.sections.all()
        ]
        result = score_instrument(
            sections=sections,
            scale_min=version.scale_min,
            scale_max=version.scale_max,
            bands=bands_of(version),
            **options_of(version),
        )
        assert abs(observation.percentage - result.percentage) < Decimal("0.0001"), observation.pk
        assert observation.predikat == (result.predikat or "")


def test_every_seeded_nilai_pkg_is_what_the_scoring_function_gives(district):
    appraisals = Appraisal.objects.filter(nilai__isnull=False).prefetch_related(
        "scores", "instrument_version__instrument", "instrument_version__sections__items"
    )
    assert appraisals.count() > 0
    assert set(appraisals.values_list("madrasah__nsm", flat=True)) == {demo_nsm(1), demo_nsm(2), demo_nsm(3)}
    for appraisal in appraisals:
        points = {s.item_id: s.points for s in appraisal.scores.all()}
        version = appraisal.instrument_version
        competencies = [
            (section.pk, [points[item.pk] for item in section.items.all()]) for section in version.sections.all()
        ]
        if version.instrument.kind == InstrumentKind.PKKM:  # the Kepala's own appraisal
            result = score_pkkm(components=competencies, bands=bands_of(version))
        else:
            result = score_pkg(competencies=competencies, bands=bands_of(version))
        assert abs(appraisal.nilai - result.nilai) < Decimal("0.0001"), appraisal.pk
        assert (appraisal.total, appraisal.predikat) == (result.total, result.predikat or "")


def test_the_same_seed_gives_the_same_district_and_madrasah_1_is_todays_demo():
    seed(*DISTRICT)
    first, demo = digest(), staff_of(DEMO_MADRASAH["nsm"])
    seed(*DISTRICT, "--reset")
    assert digest() == first

    output = seed("--teachers", "4", "--semesters", "2", "--seed", "1", "--today", TODAY, "--reset")
    assert "Deleted 3 demo madrasah" in output
    assert list(Madrasah.objects.values_list("nsm", flat=True)) == [DEMO_MADRASAH["nsm"]]
    assert staff_of(DEMO_MADRASAH["nsm"]) == demo


@pytest.mark.parametrize("count", ["0", "-3", "10000", str(MAX_MADRASAH + 1)])
def test_a_bad_count_is_refused_and_nothing_is_written(count):
    with pytest.raises(CommandError, match=f"--madrasah must be between 1 and {MAX_MADRASAH}"):
        seed("--madrasah", count, "--teachers", "4", "--semesters", "1", "--today", TODAY)
    assert not Madrasah.objects.exists()
    assert not User.objects.exists()


def test_too_many_people_are_refused():
    with pytest.raises(CommandError, match="names run out"):
        seed("--madrasah", "300", "--teachers", "60", "--semesters", "1", "--today", TODAY)
    assert not Madrasah.objects.exists()


def test_a_second_run_without_reset_is_refused_and_reset_removes_only_demo_madrasah():
    seed("--madrasah", "2", "--teachers", "3", "--semesters", "1", "--today", TODAY)
    other = Madrasah.objects.create(
        name="MTs Negeri 1 Sumenep",
        nsm="121135290001",
        npsn="20580999",
        address="Sumenep",
        city="Sumenep",
        district_office="KANTOR KEMENTERIAN AGAMA KABUPATEN SUMENEP",
        unit_code="Mts.13.29.01",
    )
    with pytest.raises(CommandError, match="--reset"):
        seed("--madrasah", "2", "--teachers", "3", "--semesters", "1", "--today", TODAY)
    assert Madrasah.objects.count() == 3

    seed("--teachers", "3", "--semesters", "1", "--today", TODAY, "--reset")
    assert set(Madrasah.objects.values_list("nsm", flat=True)) == {DEMO_MADRASAH["nsm"], other.nsm}


def test_a_district_overlapping_an_earlier_one_is_refused():
    Madrasah.objects.create(
        **madrasah_fields(3)  # left from an earlier, larger district
    )
    with pytest.raises(CommandError, match="1 demo madrasah already exist.*--reset"):
        seed("--madrasah", "3", "--teachers", "3", "--semesters", "1", "--today", TODAY)
    assert Madrasah.objects.count() == 1
    assert not User.objects.exists()
