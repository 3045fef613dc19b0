"""Demo recognition and professional development for `seed_demo` (step 40, after supervision and PKG):

- notes of appreciation from the Kepala and the Waka to various teachers, warm and specific;
- PKB entries for most teachers over the seeded academic years (training, MGMP, seminars, now and
  then a publication or an innovative work), with realistic JP; earlier years verified, this year
  mostly verified with a few still waiting and one returned with a note;
- one in-house activity (IHT) per seeded year, 8 JP of 45 minutes, attended by most teachers (each
  attendee credited through the PKB service).

Entries go through `kompetensi.pkb.services` and notes through `kompetensi.growth.services` (their checks, their
verification rules); only timestamps are moved back afterwards, and the notifications those services
send while seeding are removed (old news in a demo inbox). No evidence files are written. Deterministic
for the same seed and date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from madrasah.demo import register_demo_reset, register_demo_step
from madrasah.models import Membership, Notification, Role, Sex, Staff, TeacherType

from .growth.services import appreciation_note_create
from .models import AppreciationNote, InHouseActivity, PkbActivity, PkbKind, PkbStatus
from .pkb import services as pkb
from .pkb.rules import validate_entry

RETURN_NOTE = (
    "Sertifikat belum dilampirkan dan jumlah JP berbeda dengan surat tugas. Mohon unggah sertifikat "
    "atau surat keterangan dari panitia, lalu kirim kembali."
)

IN_HOUSE_TITLES = (
    "IHT Penyusunan Modul Ajar Kurikulum Merdeka",
    "IHT Asesmen Formatif dan Umpan Balik yang Bermakna",
    "IHT Pembelajaran Mendalam (Deep Learning) di Madrasah",
    "IHT Penguatan Projek P5-PPRA",
)

# (kind, title, organiser, JP choices, days) — {subject} is the teacher's subject.
ACTIVITIES = (
    (
        PkbKind.TRAINING,
        "Pelatihan Implementasi Kurikulum Merdeka bagi Guru Madrasah",
        "Balai Diklat Keagamaan Surabaya",
        (30, 32, 40),
        5,
    ),
    (PkbKind.TRAINING, "Pelatihan Teknis Substantif Guru {subject}", "Balai Diklat Keagamaan Surabaya", (30, 40), 4),
    (
        PkbKind.MGMP,
        "MGMP {subject} Kabupaten Pamekasan: Penyusunan ATP",
        "MGMP {subject} MTs Kab. Pamekasan",
        (4, 6, 8),
        1,
    ),
    (PkbKind.MGMP, "MGMP {subject}: Analisis Hasil Asesmen Sumatif", "MGMP {subject} MTs Kab. Pamekasan", (4, 6), 1),
    (PkbKind.SEMINAR, "Seminar Moderasi Beragama di Lingkungan Madrasah", "Kankemenag Kabupaten Pamekasan", (8,), 1),
    (PkbKind.SEMINAR, "Webinar Pembelajaran Berdiferensiasi", "Platform Merdeka Mengajar", (2, 3, 4), 1),
    (PkbKind.SEMINAR, "Lokakarya Literasi dan Numerasi AKMI", "Kanwil Kemenag Provinsi Jawa Timur", (16, 24), 3),
)
RARE_ACTIVITIES = (
    (
        PkbKind.PUBLICATION,
        "Artikel jurnal: Problem Based Learning pada Pembelajaran {subject} di MTs",
        "Jurnal Pendidikan Madrasah",
        (10,),
        1,
    ),
    (PkbKind.INNOVATION, "Media pembelajaran interaktif {subject} berbasis HTML5", "MTs Negeri 3 Pamekasan", (12,), 1),
)

APPRECIATION_TEXTS = (
    "Terima kasih, {greeting}. Modul ajar {subject} yang {short} susun untuk kelas VIII sangat rapi: tujuan "
    "pembelajarannya jelas dan asesmennya terukur. Mohon berkenan dibagikan pada pertemuan MGMP madrasah.",
    "Saya melihat sendiri bagaimana {greeting} membuka pelajaran {subject} dengan apersepsi yang dekat dengan "
    "kehidupan sehari-hari peserta didik. Anak-anak antusias bertanya. Pertahankan!",
    "Terima kasih sudah berbagi praktik baik pada IHT kemarin. Penjelasan {short} tentang asesmen formatif "
    "membantu banyak rekan guru menyusun instrumen yang lebih sederhana.",
    "Apresiasi untuk {greeting} yang menindaklanjuti masukan supervisi dengan cepat: refleksi di akhir pelajaran "
    "sekarang terencana dan peserta didik ikut menyimpulkan materi.",
    "Kelas {greeting} selalu tertib dan hangat. Cara {short} memberi umpan balik kepada peserta didik patut "
    "dicontoh rekan-rekan.",
    "Terima kasih atas kesediaan {greeting} mendampingi rekan guru baru menyusun ATP {subject}. Kerja sama "
    "seperti ini yang membuat madrasah kita terus tumbuh.",
    "Selamat, {greeting}: media pembelajaran interaktif {subject} buatan {short} kini dipakai juga di kelas lain. "
    "Inovasi yang sangat bermanfaat.",
    "Terima kasih sudah hadir penuh di MGMP {subject} kabupaten dan membagikan hasilnya kepada rekan-rekan di "
    "madrasah. Semangat belajar {short} menular.",
)


@register_demo_reset(order=40)
def reset_growth(*, madrasah) -> None:
    """PKB entries protect teachers; notes and in-house activities protect their authors: remove them
    before people are deleted (in-house credits go with their activity)."""
    PkbActivity.objects.filter(madrasah=madrasah).delete()
    InHouseActivity.objects.filter(madrasah=madrasah).delete()
    AppreciationNote.objects.filter(madrasah=madrasah).delete()


def _member(madrasah, role: str) -> Membership | None:
    return (
        Membership.objects.filter(madrasah=madrasah, roles__role=role, is_active=True)
        .select_related("user", "staff", "madrasah")
        .order_by("pk")
        .first()
    )


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _greeting(teacher: Staff) -> tuple[str, str]:
    """("Bu Siti", "Ibu") or ("Pak Ahmad", "Bapak"): how the Kepala addresses a colleague."""
    first = teacher.name.split()[0] if teacher.name else ""
    if teacher.sex == Sex.FEMALE:
        return f"Bu {first}".strip(), "Ibu"
    return f"Pak {first}".strip(), "Bapak"


@dataclass
class _Plan:
    teacher: Staff
    kind: str
    title: str
    organiser: str
    start: dt.date
    end: dt.date
    jp: int
    current: bool
    status: str = PkbStatus.VERIFIED


@register_demo_step(order=40)
def seed_growth(*, madrasah, semesters, seed, today, stdout, **context) -> None:
    rng = random.Random(f"growth-{seed}")  # nosec B311 # demo data, seeded to repeat
    kepala, waka = _member(madrasah, Role.KEPALA), _member(madrasah, Role.WAKA)
    if kepala is None or waka is None:
        return
    first_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    teachers = list(
        Staff.objects.filter(madrasah=madrasah, is_active=True)
        .exclude(teacher_type=TeacherType.NONE)
        .prefetch_related("subjects")
        .order_by("pk")
    )
    users = {
        m.staff_id: m.user
        for m in Membership.objects.filter(madrasah=madrasah, is_active=True, staff__isnull=False).select_related(
            "user"
        )
    }
    subject = {t.pk: (t.subjects.all()[0].name if t.subjects.all() else "Bimbingan Konseling") for t in teachers}
    years = sorted({s.academic_year for s in semesters if s.start_date <= today}, key=lambda y: y.start_year)
    counts = {"in_house": 0, "entries": 0, "notes": 0}

    # One IHT per year, early in its first seeded semester, attended by most teachers.
    for index, year in enumerate(years):
        first = min((s for s in semesters if s.academic_year_id == year.pk), key=lambda s: s.start_date)
        day = min(first.start_date + dt.timedelta(days=rng.randint(10, 30)), today)
        day -= dt.timedelta(days=(day.weekday() - 5) % 7)  # the Saturday before
        day = max(day, first.start_date)
        attendees = [t for t in teachers if rng.random() < 0.88] or teachers
        activity = pkb.in_house_create(
            madrasah=madrasah,
            user=waka.user,
            data=pkb.InHouseData(
                title=IN_HOUSE_TITLES[index % len(IN_HOUSE_TITLES)],
                organiser=madrasah.name,
                start_date=day,
                end_date=day,
                jp=8,
                minutes_per_jp=45,
                speaker=rng.choice(
                    ["Dr. H. Moh. Zainuddin, M.Pd.I. (Widyaiswara BDK Surabaya)", "Hj. Nur Azizah, M.Pd. (Pengawas)"]
                ),
                place=f"Aula {madrasah.name}",
                summary=(
                    "Kegiatan dibuka oleh Kepala Madrasah pukul 07.30 WIB. Peserta menyimak paparan narasumber, "
                    "berlatih dalam kelompok mata pelajaran, dan mempresentasikan hasil kerja. Kegiatan ditutup "
                    "pukul 14.30 WIB dengan rencana tindak lanjut tiap kelompok."
                ),
            ),
            attendees=attendees,
        )
        stamp = _aware(day, 15)
        InHouseActivity.objects.filter(pk=activity.pk).update(created_at=stamp)
        PkbActivity.objects.filter(in_house=activity).update(verified_at=stamp, created_at=stamp, updated_at=stamp)
        counts["in_house"] += 1

    # Entries of their own for most teachers: one to three a year, each dated within the year and
    # before today.
    plans: list[_Plan] = []
    for year in years:
        current = year.start_date <= today <= year.end_date
        last_day = min(year.end_date, today - dt.timedelta(days=1))
        span = (last_day - year.start_date).days
        if span < 7:
            continue
        for teacher in teachers:
            if rng.random() < 0.2:
                continue  # not everyone logs something every year
            for _ in range(rng.choice([1, 1, 2, 2, 3]) if not current else rng.choice([1, 1, 2])):
                kind, title, organiser, jps, days = (
                    rng.choice(RARE_ACTIVITIES) if rng.random() < 0.08 else rng.choice(ACTIVITIES)
                )
                start = year.start_date + dt.timedelta(days=rng.randint(0, span))
                end = min(start + dt.timedelta(days=days - 1), last_day)
                plans.append(
                    _Plan(
                        teacher=teacher,
                        kind=kind,
                        title=title.format(subject=subject[teacher.pk]),
                        organiser=organiser.format(subject=subject[teacher.pk]),
                        start=start,
                        end=end,
                        jp=rng.choice(jps),
                        current=current,
                    )
                )
    plans.sort(key=lambda p: (p.end, p.teacher.pk, p.title))
    this_year = [p for p in plans if p.current]
    # The latest few of this year still wait for the Waka; the one before them was returned.
    for plan in this_year[-3:]:
        plan.status = PkbStatus.SUBMITTED
    if len(this_year) > 3:
        this_year[-4].status = PkbStatus.RETURNED

    counts["entries"] += _write_entries(plans, rng=rng, users=users, kepala=kepala, waka=waka, today=today)

    # Notes of appreciation: the Kepala and the Waka, to different teachers, spread over the period.
    start = min(s.start_date for s in semesters)
    candidates = [t for t in teachers if t.pk not in (kepala.staff_id, waka.staff_id)]
    chosen = rng.sample(candidates, k=min(len(candidates), 8))
    texts = list(APPRECIATION_TEXTS)
    rng.shuffle(texts)
    days = sorted(start + dt.timedelta(days=rng.randint(20, max(21, (today - start).days))) for _ in chosen)
    for index, (teacher, day) in enumerate(zip(chosen, days, strict=True)):
        author = kepala if index % 3 != 1 else waka
        greeting, short = _greeting(teacher)
        note = appreciation_note_create(
            author=author,
            teacher=teacher,
            text=texts[index % len(texts)].format(greeting=greeting, short=short, subject=subject[teacher.pk]),
        )
        AppreciationNote.objects.filter(pk=note.pk).update(created_at=_aware(min(day, today), 11))
        counts["notes"] += 1

    Notification.objects.filter(madrasah=madrasah, pk__gt=first_notification).delete()
    stdout.write(
        f"  growth: {counts['notes']} notes of appreciation, {counts['entries']} PKB entries, "
        f"{counts['in_house']} in-house activities"
    )


def _write_entries(plans: list[_Plan], *, rng, users, kepala, waka, today: dt.date) -> int:
    """The teachers' own PKB entries, checked by the PKB rules and written in one INSERT and one
    UPDATE: logged a few days after the activity, verified by the Waka (the Kepala verifies the
    Waka's) a few days later, or still waiting, or returned with a note. Why bulk: one by one through
    the services these were most of the growth step's statements, and `seed_demo --madrasah 100` and
    the tests that seed the demo pay for every one. The services' notices are not written: the demo
    removes the ones its growth step sends anyway."""
    entries = []
    for plan in plans:
        teacher_user = users.get(plan.teacher.pk, waka.user)
        data = pkb.PkbData(
            kind=plan.kind,
            title=plan.title,
            organiser=plan.organiser,
            start_date=plan.start,
            end_date=plan.end,
            jp=plan.jp,
        )
        validate_entry(
            jp=data.jp, start_date=data.start_date, end_date=data.end_date, minutes_per_jp=data.minutes_per_jp
        )
        entry = PkbActivity(
            madrasah_id=plan.teacher.madrasah_id, teacher=plan.teacher, status=plan.status, **vars(data)
        )
        # Nobody verifies their own entry: the Kepala verifies the Waka's.
        verifier = kepala.user if teacher_user.pk == waka.user.pk else waka.user
        entry.created_at = entry.updated_at = _aware(min(plan.end + dt.timedelta(days=rng.randint(0, 3)), today), 13)
        if plan.status == PkbStatus.VERIFIED:
            entry.verified_by = verifier
            entry.verified_at = _aware(min(plan.end + dt.timedelta(days=rng.randint(4, 10)), today), 10)
            entry.updated_at = entry.verified_at
        elif plan.status == PkbStatus.RETURNED:
            entry.return_note = RETURN_NOTE
        entries.append(entry)
    stamps = [(e.created_at, e.updated_at) for e in entries]
    PkbActivity.objects.bulk_create(entries)
    # created_at and updated_at are stamped "now" on insert: give them the entry's own days.
    for entry, (created, updated) in zip(entries, stamps, strict=True):
        entry.created_at, entry.updated_at = created, updated
    PkbActivity.objects.bulk_update(entries, ["created_at", "updated_at"], batch_size=500)
    return len(entries)
