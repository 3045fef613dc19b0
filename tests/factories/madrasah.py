"""Factories for the madrasah app. Identifiers are generated valid: NIPs encode the birth date."""

import datetime as dt

import factory

from madrasah.models import (
    AcademicYear,
    EmploymentStatus,
    Madrasah,
    Membership,
    MembershipRole,
    Semester,
    Sex,
    Staff,
    User,
)


class MadrasahFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Madrasah

    name = factory.Sequence(lambda n: f"MTs Negeri {n + 1} Pamekasan")
    nsm = factory.Sequence(lambda n: f"1211352800{n % 100:02d}")
    npsn = factory.Sequence(lambda n: f"{20580000 + n}")
    address = "Jl. Raya Pakong No. 1, Pamekasan"
    city = "Pamekasan"
    district_office = "KANTOR KEMENTERIAN AGAMA KABUPATEN PAMEKASAN"
    unit_code = "Mts.13.28.03"


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear

    madrasah = factory.SubFactory(MadrasahFactory)
    start_year = 2026


class SemesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Semester

    academic_year = factory.SubFactory(AcademicYearFactory)
    madrasah = factory.SelfAttribute("academic_year.madrasah")
    kind = "ganjil"
    start_date = factory.LazyAttribute(lambda o: dt.date(o.academic_year.start_year, 7, 1))
    end_date = factory.LazyAttribute(lambda o: dt.date(o.academic_year.start_year, 12, 31))
    is_active = True


def _nip(n: int, birth: dt.date, sex: str) -> str:
    # Appointed at 22-29 years of age: `parse_nip` refuses an appointment before 17.
    return f"{birth:%Y%m%d}{birth.year + 22 + n % 8}{(n % 12) + 1:02d}{1 if sex == 'L' else 2}{n % 1000:03d}"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    madrasah = factory.SubFactory(MadrasahFactory)
    name = factory.Sequence(lambda n: f"Guru Nomor {n}")
    back_title = "S.Pd."
    sex = factory.Sequence(lambda n: Sex.MALE if n % 2 else Sex.FEMALE)
    birth_date = factory.Sequence(lambda n: dt.date(1975 + n % 20, n % 12 + 1, n % 28 + 1))
    employment_status = EmploymentStatus.PNS
    nip = factory.LazyAttributeSequence(lambda o, n: _nip(n, o.birth_date, o.sex))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-123")

    @factory.post_generation
    def _saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(
    *, madrasah: Madrasah, roles: list[str], staff: Staff | None = None, username: str | None = None
) -> Membership:
    """A user holding `roles` in `madrasah`, linked to `staff` (created as a teacher if omitted and
    the roles include a staff role)."""
    if staff is None and set(roles) - {"pengawas"}:
        staff = StaffFactory(madrasah=madrasah)
    username = username or (staff.login_identifier if staff else "")
    user = UserFactory(username=username) if username else UserFactory()
    membership = Membership.objects.create(user=user, madrasah=madrasah, staff=staff)
    MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=r) for r in roles])
    return membership
