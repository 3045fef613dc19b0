"""Demo quality cycles for `seed_demo`: every stage, a chain of three linked cycles measured from the
demo's own supervision records, a funding mix, a few business activities and shared good practice.

Everything goes through the services, so the demo obeys the same gates and validation as a user.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kompetensi.instruments.bk_pkkm_data import SUPERVISION_BK_CODES
from kompetensi.models import AppreciationNote, FollowUp, FollowUpKind, Instrument, InstrumentKind
from madrasah.demo import register_demo_reset, register_demo_step
from madrasah.models import Membership, Role, Semester, Staff

from .cycles.services import (
    ActData,
    ActivityData,
    PlanData,
    ProgressData,
    activity_create,
    activity_progress_record,
    cycle_act_record,
    cycle_advance,
    cycle_create,
    cycle_measure,
    cycle_measure_manual,
)
from .good_practice.rules import GoodPracticeData
from .good_practice.services import good_practice_create, good_practice_publish, good_practice_submit
from .models import (
    Activity,
    ActivityStatus,
    BusinessActivity,
    Cycle,
    Decision,
    Direction,
    EdmAspect,
    FactorTag,
    FundingSource,
    GoodPractice,
    GoodPracticeStatus,
    IndicatorKind,
    SnpStandard,
    Stage,
)
from .money.services import BusinessData, business_activity_create


@register_demo_reset(order=50)
def reset_mutu(*, madrasah) -> None:
    """Cycles protect their owner, instruments and periods; write-ups their teacher."""
    cycles = Cycle.objects.filter(madrasah=madrasah)
    # Linked cycles protect their predecessor: unlink first.
    cycles.update(previous=None)
    cycles.delete()
    GoodPractice.objects.filter(madrasah=madrasah).delete()
    BusinessActivity.objects.filter(madrasah=madrasah).delete()


# Each cycle of the chain: (days after the semester's start + 14, length in days, what, who, planned,
# spent once done, spent so far in the active semester, RKAM activity, funding source).
CHAIN_ACTIVITIES = (
    (
        0,
        2,
        "IHT penyusunan modul ajar Kurikulum Merdeka",
        "Waka Kurikulum dan narasumber KKG/MGMP",
        1_500_000,
        1_350_000,
        0,
        "5.2.1 Pengembangan kompetensi guru (IHT)",
        FundingSource.DIPA_BOS,
    ),
    (
        21,
        60,
        "Pendampingan sejawat (coaching) penyusunan modul ajar",
        "Tim supervisi",
        400_000,
        400_000,
        150_000,
        "5.2.3 Supervisi akademik",
        FundingSource.DIPA_BOS,
    ),
    (
        7,
        90,
        "Wifi madrasah untuk guru tanpa paket data",
        "Operator dan unit usaha koperasi",
        900_000,
        900_000,
        300_000,
        "7.1.4 Langganan daya dan jasa (internet)",
        FundingSource.BUSINESS,
    ),
)


def _member(madrasah, role: str) -> Membership:
    return (
        Membership.objects.filter(madrasah=madrasah, roles__role=role, is_active=True)
        .select_related("user", "staff")
        .order_by("pk")
        .first()
    )


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _plan(kepala: Membership, team: list[Staff], semester: Semester | None, year_id: int, **fields) -> PlanData:
    return PlanData(
        owner_id=kepala.staff_id,
        academic_year_id=year_id,
        semester_id=semester.pk if semester else None,
        team_ids=tuple(t.pk for t in team),
        **fields,
    )


def _activity(cycle: Cycle, user, start: dt.date, days: int, **fields) -> Activity:
    return activity_create(
        cycle=cycle, user=user, data=ActivityData(start_date=start, end_date=start + dt.timedelta(days=days), **fields)
    )


def _run_to(cycle: Cycle, user, stage: str, *, note: str, act: ActData | None = None, manual=None) -> Cycle | None:
    """Move a planned cycle with activities through Do, Check (measuring) and Act as far as `stage`."""
    following = None
    if stage == Stage.PLAN:
        return None
    cycle_advance(cycle=cycle, user=user, to=Stage.DO)
    first = cycle.activities.order_by("start_date", "pk").first()
    activity_progress_record(activity=first, user=user, data=ProgressData(note=note, status=ActivityStatus.DONE))
    if stage == Stage.DO:
        return None
    cycle_advance(cycle=cycle, user=user, to=Stage.CHECK)
    if manual is not None:
        cycle_measure_manual(cycle=cycle, user=user, value=manual[0], note=manual[1])
    else:
        cycle_measure(cycle=cycle, user=user)
    if stage == Stage.CHECK:
        return None
    cycle_advance(cycle=cycle, user=user, to=Stage.ACT)
    if act is not None:
        cycle_act_record(cycle=cycle, user=user, data=act)
    if stage == Stage.ACT:
        return None
    following = cycle_advance(cycle=cycle, user=user, to=Stage.CLOSED)
    return following


@register_demo_step(order=50)
def seed_quality(*, madrasah, semesters, today, stdout, **context) -> None:
    kepala, waka = _member(madrasah, Role.KEPALA), _member(madrasah, Role.WAKA)
    user = kepala.user
    teachers = list(
        Staff.objects.filter(madrasah=madrasah, is_active=True)
        .exclude(pk__in=[kepala.staff_id, waka.staff_id])
        .order_by("name", "pk")
    )
    team = [waka.staff, *teachers[:2]]
    planning = (
        Instrument.objects.filter(madrasah=madrasah, kind=InstrumentKind.PLANNING)
        .exclude(code__in=SUPERVISION_BK_CODES)
        .first()
    )
    if planning is None or len(semesters) < 2:
        return
    active = semesters[-1]
    year = active.academic_year

    _seed_good_practice(madrasah=madrasah, teachers=teachers, kepala=user)
    _seed_business(madrasah=madrasah, user=user, today=today, semesters=semesters)

    # A chain of three linked cycles on the planning instrument, from the oldest semester with a
    # previous one (so that its baseline is measured) to the active semester.
    chain_semesters = semesters[-3:] if len(semesters) >= 3 else semesters[-2:]
    first_semester = chain_semesters[0]
    cycle = cycle_create(
        madrasah=madrasah,
        user=user,
        data=_plan(
            kepala,
            team,
            first_semester,
            first_semester.academic_year_id,
            title="Rata-rata skor perencanaan pembelajaran ≥ 80",
            standard=SnpStandard.PROCESS,
            edm_aspect=EdmAspect.LEARNING,
            edm_indicator="Guru menyusun perencanaan pembelajaran (modul ajar) yang lengkap dan sistematis",
            indicator=IndicatorKind.INSTRUMENT_AVERAGE,
            instrument_id=planning.pk,
            direction=Direction.AT_LEAST,
            target=Decimal(80),
        ),
    )
    decisions = [
        ActData(
            decision=Decision.CONTINUE,
            decision_reason="Skor naik tetapi target belum tercapai; pendampingan modul ajar dilanjutkan.",
            supporting_factors="Guru antusias mengikuti IHT; Kepala rutin memberi apresiasi.",
            supporting_tags=(FactorTag.MOTIVATION, FactorTag.LEADERSHIP),
            inhibiting_factors="Sebagian guru tidak punya paket data untuk mengunduh contoh modul ajar.",
            inhibiting_tags=(FactorTag.INTERNET, FactorTag.TIME),
        ),
        ActData(
            decision=Decision.CONTINUE,
            decision_reason="Target hampir tercapai; wifi madrasah kini terbuka untuk guru, lanjutkan satu semester.",
            supporting_factors="Wifi madrasah untuk guru dibiayai unit usaha; MGMP internal aktif.",
            supporting_tags=(FactorTag.LEADERSHIP, FactorTag.FACILITIES),
            inhibiting_factors="Dana BOS terbatas untuk narasumber luar.",
            inhibiting_tags=(FactorTag.BUDGET,),
        ),
    ]
    for index, semester in enumerate(chain_semesters):
        start = semester.start_date + dt.timedelta(days=14)
        for offset, days, what, who, planned, spent_done, spent_active, rkam, source in CHAIN_ACTIVITIES:
            _activity(
                cycle,
                user,
                start + dt.timedelta(days=offset),
                days,
                what=what,
                who=who,
                planned_cost=Decimal(planned),
                spent=Decimal(spent_done if semester != active else spent_active),
                rkam_activity=rkam,
                funding_source=source,
            )
        if semester == active:
            _run_to(cycle, user, Stage.DO, note="IHT terlaksana; 30 guru hadir, modul ajar dikumpulkan.")
            break
        following = _run_to(
            cycle,
            user,
            Stage.CLOSED,
            note="Kegiatan terlaksana sesuai jadwal; daftar hadir dan modul ajar terlampir.",
            act=decisions[min(index, len(decisions) - 1)],
        )
        if following is None:
            break
        cycle = following

    _seed_other_stages(
        madrasah=madrasah, kepala=kepala, user=user, team=team, active=active, previous=semesters[-2], year=year
    )
    stdout.write(f"  quality cycles: {Cycle.objects.filter(madrasah=madrasah).count()}")


def _seed_other_stages(*, madrasah, kepala, user, team, active: Semester, previous: Semester | None, year) -> None:
    teaching = (
        Instrument.objects.filter(madrasah=madrasah, kind=InstrumentKind.TEACHING)
        .exclude(code__in=SUPERVISION_BK_CODES)
        .first()
    )
    start = active.start_date + dt.timedelta(days=20)

    # Plan: follow-ups closed by their deadline.
    plan = cycle_create(
        madrasah=madrasah,
        user=user,
        data=_plan(
            kepala,
            team,
            active,
            year.pk,
            title="Tindak lanjut supervisi selesai tepat waktu ≥ 90%",
            standard=SnpStandard.STAFF,
            edm_aspect=EdmAspect.SELF_DEVELOPMENT,
            edm_indicator="Madrasah menindaklanjuti hasil supervisi akademik",
            indicator=IndicatorKind.FOLLOW_UPS_ON_TIME,
            target=Decimal(90),
        ),
    )
    _activity(
        plan,
        user,
        start + dt.timedelta(days=30),
        14,
        what="Pengingat tindak lanjut lewat rapat dewan guru bulanan",
        who="Kepala Madrasah",
        planned_cost=Decimal(250_000),
        rkam_activity="6.1.2 Rapat koordinasi",
        funding_source=FundingSource.KOMITE,
    )

    # Check: planned supervisions observed on time, measured.
    check = cycle_create(
        madrasah=madrasah,
        user=user,
        data=_plan(
            kepala,
            team,
            active,
            year.pk,
            title="Supervisi kelas terlaksana sesuai jadwal ≥ 85%",
            standard=SnpStandard.MANAGEMENT,
            edm_aspect=EdmAspect.LEARNING,
            edm_indicator="Program supervisi akademik dilaksanakan sesuai jadwal",
            indicator=IndicatorKind.ROWS_ON_TIME,
            target=Decimal(85),
        ),
    )
    _activity(
        check,
        user,
        start,
        45,
        what="Penjadwalan ulang supervisi yang tertunda",
        who="Waka Kurikulum",
        planned_cost=Decimal(0),
        rkam_activity="5.2.3 Supervisi akademik",
        funding_source=FundingSource.DIPA_BOS,
    )
    _run_to(check, user, Stage.CHECK, note="Jadwal ulang disepakati dengan guru.")

    # Act: PKB hours of civil servants over the year, measured, decision recorded, not yet closed.
    act = cycle_create(
        madrasah=madrasah,
        user=user,
        data=_plan(
            kepala,
            team,
            None,
            year.pk,
            title="Guru PNS mencapai 20 JP PKB per tahun",
            standard=SnpStandard.STAFF,
            edm_aspect=EdmAspect.SELF_DEVELOPMENT,
            edm_indicator="Guru mengikuti pengembangan keprofesian berkelanjutan",
            indicator=IndicatorKind.PKB_PNS_REACHED,
            target=Decimal(100),
        ),
    )
    _activity(
        act,
        user,
        start,
        30,
        what="Fasilitasi pelatihan daring di lab komputer madrasah",
        who="Operator",
        planned_cost=Decimal(600_000),
        spent=Decimal(450_000),
        rkam_activity="5.2.2 Diklat dan pelatihan guru",
        funding_source=FundingSource.DIPA_NON_BOS,
    )
    _activity(
        act,
        user,
        start + dt.timedelta(days=10),
        5,
        what="Bantuan transport peserta MGMP kabupaten",
        who="Bendahara",
        planned_cost=Decimal(500_000),
        spent=Decimal(500_000),
        rkam_activity="5.2.2 Diklat dan pelatihan guru",
        funding_source=FundingSource.DONOR,
    )
    _run_to(
        act,
        user,
        Stage.ACT,
        note="Lab komputer dibuka setiap Sabtu untuk pelatihan daring.",
        act=ActData(
            decision=Decision.STANDARDISE,
            decision_reason="Lab komputer hari Sabtu terbukti membantu; dijadikan prosedur tetap.",
            supporting_factors="Motivasi guru tinggi setelah apresiasi Kepala.",
            supporting_tags=(FactorTag.MOTIVATION, FactorTag.LEADERSHIP),
            inhibiting_factors="Kuota pelatihan daring terbatas.",
            inhibiting_tags=(FactorTag.TIME,),
        ),
    )

    # Closed (standardised) last semester: the classroom-observation average.
    if teaching is not None and previous is not None:
        closed = cycle_create(
            madrasah=madrasah,
            user=user,
            data=_plan(
                kepala,
                team,
                previous,
                previous.academic_year_id,
                title="Rata-rata skor pelaksanaan pembelajaran ≥ 75",
                standard=SnpStandard.PROCESS,
                edm_aspect=EdmAspect.LEARNING,
                edm_indicator="Guru melaksanakan pembelajaran yang aktif dan berpusat pada siswa",
                indicator=IndicatorKind.INSTRUMENT_AVERAGE,
                instrument_id=teaching.pk,
                target=Decimal(75),
            ),
        )
        _activity(
            closed,
            user,
            previous.start_date + dt.timedelta(days=20),
            10,
            what="Praktik mengajar terbimbing di MGMP internal",
            who="Koordinator MGMP",
            planned_cost=Decimal(300_000),
            spent=Decimal(300_000),
            rkam_activity="5.2.1 Pengembangan kompetensi guru (IHT)",
            funding_source=FundingSource.KOMITE,
        )
        _run_to(
            closed,
            user,
            Stage.CLOSED,
            note="Rekaman praktik mengajar dibagikan di grup guru.",
            act=ActData(
                decision=Decision.STANDARDISE,
                decision_reason="Praktik mengajar terbimbing berhasil; dijadikan kegiatan rutin MGMP internal.",
                supporting_factors="Kolaborasi MGMP internal.",
                supporting_tags=(FactorTag.MOTIVATION,),
            ),
        )

    # A coaching session and an appreciation note recorded as evidence of leadership encouragement.
    chain_do = Cycle.objects.filter(madrasah=madrasah, stage=Stage.DO).order_by("pk").first()
    coaching = FollowUp.objects.filter(madrasah=madrasah, kind=FollowUpKind.COACHING).order_by("-pk").first()
    note = AppreciationNote.objects.filter(madrasah=madrasah).order_by("-pk").first()
    practice = (
        GoodPractice.objects.filter(madrasah=madrasah, status=GoodPracticeStatus.PUBLISHED).order_by("pk").first()
    )
    if chain_do is not None:
        activity = chain_do.activities.order_by("start_date", "pk").last()
        activity_progress_record(
            activity=activity,
            user=user,
            data=ProgressData(
                note="Sesi coaching dan apresiasi Kepala dicatat sebagai bukti dorongan pimpinan.",
                coaching_id=coaching.pk if coaching else None,
                appreciation_id=note.pk if note else None,
                good_practice_id=practice.pk if practice else None,
            ),
        )


def _seed_good_practice(*, madrasah, teachers: list[Staff], kepala) -> None:
    members = {m.staff_id: m.user for m in Membership.objects.filter(madrasah=madrasah, staff__in=teachers[:4])}
    texts = [
        (
            "Modul ajar satu halaman untuk kelas besar",
            "Saya meringkas modul ajar menjadi satu halaman: tujuan, langkah, asesmen. Siswa kelas VIII "
            "lebih mudah mengikuti dan saya lebih cepat menyiapkan pembelajaran.",
            True,
        ),
        (
            "Kuis lisan lima menit di akhir pelajaran",
            "Setiap akhir pelajaran saya memberi tiga pertanyaan lisan. Hasilnya langsung menunjukkan "
            "bagian materi yang perlu diulang pada pertemuan berikutnya.",
            True,
        ),
        (
            "Belajar tanpa kuota: materi di wifi madrasah",
            "Materi dan video saya simpan di server madrasah sehingga siswa dan rekan guru dapat "
            "mengunduhnya lewat wifi tanpa paket data.",
            False,
        ),
    ]
    for teacher, (title, body, publish) in zip(teachers[:3], texts, strict=False):
        author = members.get(teacher.pk)
        if author is None:
            continue
        practice = good_practice_create(teacher=teacher, user=author, data=GoodPracticeData(title=title, body=body))
        good_practice_submit(practice=practice, user=author)
        if publish:
            good_practice_publish(practice=practice, user=kepala)


def _seed_business(*, madrasah, user, today: dt.date, semesters: list[Semester]) -> None:
    start = semesters[0].start_date
    entries = [
        ("Koperasi siswa", "Penjualan alat tulis dan seragam", Decimal(2_450_000), Decimal(1_600_000)),
        ("Kantin madrasah", "Bagi hasil kantin", Decimal(1_200_000), Decimal(0)),
        ("Produksi batik tulis", "Penjualan batik karya siswa", Decimal(3_750_000), Decimal(2_100_000)),
    ]
    day = start + dt.timedelta(days=30)
    index = 0
    while day <= today:
        unit, description, income, expense = entries[index % len(entries)]
        business_activity_create(
            madrasah=madrasah,
            user=user,
            data=BusinessData(date=day, unit=unit, description=description, income=income, expense=expense),
        )
        day += dt.timedelta(days=61)
        index += 1
