"""PKG periods and appraisals for tests, with the seeded PKG instrument for subject teachers
("pkg-mapel": 14 competencies, 78 indicators, bands 91/76/61/51/0). Rows are written directly."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from kompetensi.appraisal.services.setup import appraisal_period_create
from kompetensi.instruments.bk_pkkm_data import PKG_BK_EXAMPLE, PKKM_EXAMPLE
from kompetensi.instruments.seed import ensure_frameworks, instrument_create_from_spec, instruments_ensure_defaults
from kompetensi.instruments.seed_data import PKG_MAPEL_INSTRUMENT
from kompetensi.models import Appraisal, AppraisalPeriod, AppraisalScore, InstrumentVersion, Item
from madrasah.models import Membership
from tests.factories.supervision import active_semester


def pkg_version(*, madrasah, academic_year, spec: dict = PKG_MAPEL_INSTRUMENT) -> InstrumentVersion:
    """The seeded PKG version of the year (made once; only the PKG instrument, which is quicker than
    `seed.instruments_ensure_defaults` and gives the same version)."""
    existing = InstrumentVersion.objects.filter(
        instrument__madrasah=madrasah, instrument__code=spec["code"], academic_year=academic_year
    ).first()
    if existing:
        return existing
    ensure_frameworks()
    return instrument_create_from_spec(madrasah=madrasah, academic_year=academic_year, spec=spec)


def pkg_bk_version(*, madrasah, academic_year) -> InstrumentVersion:
    """The example PKG version for guru BK (17 competencies, 2 items each)."""
    return pkg_version(madrasah=madrasah, academic_year=academic_year, spec=PKG_BK_EXAMPLE)


def appraisal_period(madrasah, year, created_by, *, with_instrument: bool = True) -> AppraisalPeriod:
    """The PKG period of `year` (an AcademicYear), over the whole year. `created_by`: a Membership."""
    if with_instrument:
        pkg_version(madrasah=madrasah, academic_year=year)
        pkg_version(madrasah=madrasah, academic_year=year, spec=PKKM_EXAMPLE)  # the Kepala's
    return AppraisalPeriod.objects.create(
        madrasah=madrasah,
        academic_year=year,
        start_date=dt.date(year.start_year, 7, 1),
        end_date=dt.date(year.start_year + 1, 6, 30),
        created_by=created_by.user,
    )


def appraisal(period, teacher_staff, assessor_user, **fields) -> Appraisal:
    kepala = Membership.objects.filter(staff=teacher_staff, roles__role="kepala").exists()
    spec = PKKM_EXAMPLE if kepala else PKG_BK_EXAMPLE if teacher_staff.teacher_type == "bk" else PKG_MAPEL_INSTRUMENT
    version = pkg_version(madrasah=period.madrasah, academic_year=period.academic_year, spec=spec)
    return Appraisal.objects.create(
        madrasah=period.madrasah,
        period=period,
        teacher=teacher_staff,
        assessor=assessor_user,
        instrument_version=version,
        **fields,
    )


def items_by_section(appraisal_: Appraisal) -> list[list[Item]]:
    """The instrument's indicators grouped per competency, in order."""
    return [
        list(section.items.order_by("order", "pk"))
        for section in appraisal_.instrument_version.sections.order_by("order", "pk")
    ]


def score_all(appraisal_: Appraisal, points_per_section: list[list[int]] | None = None, *, default: int = 2) -> None:
    """Store scores directly: `points_per_section[i]` for competency i (missing ones get `default`)."""
    rows = []
    for index, items in enumerate(items_by_section(appraisal_)):
        given = points_per_section[index] if points_per_section and index < len(points_per_section) else None
        for position, item in enumerate(items):
            value = given[position] if given is not None else default
            rows.append(AppraisalScore(appraisal=appraisal_, item=item, points=value))
    AppraisalScore.objects.bulk_create(rows)


def period_with_defaults(*, madrasah, kepala) -> AppraisalPeriod:
    """This year's PKG period opened by the Kepala, after the year's default instruments (the subject
    teachers' PKG, the BK and PKKM examples) are in place, as the instrument page makes them."""
    year = active_semester(madrasah).academic_year
    instruments_ensure_defaults(madrasah=madrasah, academic_year=year)
    return appraisal_period_create(
        madrasah_id=madrasah.pk,
        academic_year=year,
        start_date=year.start_date,
        end_date=year.end_date,
        user=kepala.user,
    )


def post_as(client, membership, name: str, pk: int, data=None):
    """POST to `kompetensi:<name>` of object `pk`, logged in as `membership`'s user."""
    client.force_login(membership.user)
    return client.post(reverse(f"kompetensi:{name}", args=[pk]), data or {})


def stage_of(appraisal) -> str:
    return Appraisal.objects.values_list("stage", flat=True).get(pk=appraisal.pk)
