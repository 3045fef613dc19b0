"""A programme's standard texts are composed when shown, not stored.

Until now a new programme stored the standard texts as written at that moment, with the semester's
name in the language of the session that drafted it ("… pada semester 2026/2027 Odd (ganjil)."). A
text still exactly as the product wrote it (the release's standard text for its semester, with the
semester named in English or in Indonesian) is cleared: empty means "the standard text", composed in
the reader's language whenever shown. A text the Waka changed stays as written.
"""

from django.db import migrations, models

# The standard texts of the release, frozen here: `{year}` is the academic year ("2026/2027"),
# `{semester}` the semester as it was named ("2026/2027 Ganjil" or "2026/2027 Odd (ganjil)").
OLD_STANDARD = {
    "legal_basis": "\n".join(
        [
            "1. Undang-Undang Nomor 20 Tahun 2003 tentang Sistem Pendidikan Nasional.",
            "2. Undang-Undang Nomor 14 Tahun 2005 tentang Guru dan Dosen.",
            "3. Peraturan Pemerintah Nomor 57 Tahun 2021 tentang Standar Nasional Pendidikan "
            "sebagaimana telah diubah dengan Peraturan Pemerintah Nomor 4 Tahun 2022.",
            "4. Peraturan Menteri Pendidikan Nasional Nomor 13 Tahun 2007 tentang Standar Kepala "
            "Sekolah/Madrasah (kompetensi supervisi).",
            "5. Peraturan Menteri Agama Nomor 58 Tahun 2017 tentang Kepala Madrasah beserta perubahannya.",
            "6. Peraturan Menteri Pendidikan, Kebudayaan, Riset, dan Teknologi tentang Standar Proses yang berlaku.",
            "7. Keputusan Menteri Agama tentang Pedoman Implementasi Kurikulum pada Madrasah yang berlaku.",
            "8. Rencana Kerja dan Anggaran Madrasah (RKAM) Tahun Pelajaran {year}.",
        ]
    ),
    "purpose": "\n".join(
        [
            "Supervisi akademik bertujuan membina guru agar mampu merencanakan, melaksanakan, dan menilai "
            "pembelajaran dengan baik, sehingga mutu pembelajaran di madrasah meningkat. Secara khusus:",
            "1. mengetahui kesiapan administrasi pembelajaran guru (CP, TP/ATP, prota, promes, modul ajar, asesmen);",
            "2. mengamati pelaksanaan pembelajaran di kelas (kegiatan pendahuluan, inti, dan penutup);",
            "3. memberikan umpan balik dan pembinaan berdasarkan hasil pengamatan;",
            "4. menyusun rencana tindak lanjut (RTL) untuk pengembangan keprofesian guru.",
        ]
    ),
    "targets": "\n".join(
        [
            "1. Seluruh guru madrasah disupervisi sekurang-kurangnya satu kali pada semester {semester}.",
            "2. Administrasi pembelajaran setiap guru lengkap dan sesuai Kurikulum Merdeka.",
            "3. Pembelajaran di kelas berpusat pada peserta didik dan mencapai tujuan pembelajaran.",
            "4. Setiap hasil supervisi disampaikan kepada guru dan ditindaklanjuti sesuai RTL.",
        ]
    ),
    "techniques": "\n".join(
        [
            "1. Kunjungan kelas (observasi pembelajaran) sesuai jadwal.",
            "2. Supervisi individual: percakapan pra-observasi, observasi, dan percakapan pasca-observasi "
            "(umpan balik dan refleksi).",
            "3. Supervisi kelompok: rapat guru, diskusi kelompok MGMP, dan in-house training.",
            "4. Telaah dokumen administrasi pembelajaran.",
        ]
    ),
}
SEMESTER_NAMES = {"ganjil": ("Ganjil", "Odd (ganjil)"), "genap": ("Genap", "Even (genap)")}


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").strip().splitlines() if line.strip()]


def standard_variants(*, start_year: int, kind: str) -> dict[str, list[list[str]]]:
    """Per text, the release's standard text of the semester in each way it could be stored."""
    year = f"{start_year}/{start_year + 1}"
    semesters = [f"{year} {name}" for name in SEMESTER_NAMES.get(kind, ())]
    return {
        name: [_lines(text.format(year=year, semester=semester)) for semester in semesters]
        for name, text in OLD_STANDARD.items()
    }


def forwards(apps, schema_editor):
    Programme = apps.get_model("kompetensi", "Programme")
    programmes = Programme.objects.select_related("semester__academic_year").only(
        "pk", *OLD_STANDARD, "semester__kind", "semester__academic_year__start_year"
    )
    for programme in programmes.iterator():
        variants = standard_variants(
            start_year=programme.semester.academic_year.start_year, kind=programme.semester.kind
        )
        cleared = {
            name: ""
            for name in OLD_STANDARD
            if getattr(programme, name) and _lines(getattr(programme, name)) in variants[name]
        }
        if cleared:
            Programme.objects.filter(pk=programme.pk).update(**cleared)


def backwards(apps, schema_editor):
    """Write the standard texts back (in Indonesian) where they were left standard."""
    Programme = apps.get_model("kompetensi", "Programme")
    for programme in Programme.objects.select_related("semester__academic_year").iterator():
        year = programme.semester.academic_year.start_year
        semester = f"{year}/{year + 1} {SEMESTER_NAMES[programme.semester.kind][0]}"
        filled = {
            name: text.format(year=f"{year}/{year + 1}", semester=semester)
            for name, text in OLD_STANDARD.items()
            if not getattr(programme, name)
        }
        if filled:
            Programme.objects.filter(pk=programme.pk).update(**filled)


class Migration(migrations.Migration):
    dependencies = [
        ("kompetensi", "0009_observation_class"),
    ]

    operations = [
        migrations.AlterField(
            model_name="programme",
            name="purpose",
            field=models.TextField(blank=True, verbose_name="purpose"),
        ),
        migrations.AlterField(
            model_name="programme",
            name="targets",
            field=models.TextField(blank=True, verbose_name="targets"),
        ),
        migrations.AlterField(
            model_name="programme",
            name="techniques",
            field=models.TextField(blank=True, verbose_name="techniques"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
