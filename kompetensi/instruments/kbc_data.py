"""Example 2025/2026 versions of the planning and teaching instruments for Kurikulum Berbasis Cinta
(KBC) and pembelajaran mendalam, as instrument specs (workbook/layout.py).

Neither official text gives supervision items: the Panduan Kurikulum Berbasis Cinta (Keputusan Dirjen
Pendis Nomor 6077 Tahun 2025) names the five loves (Panca Cinta) a lesson should grow, and the
Naskah Akademik Pembelajaran Mendalam (Kemendikdasmen, 2025) names the principles (berkesadaran,
bermakna, menggembirakan) and the learning experience (memahami, mengaplikasi, merefleksi). The
items below are the product's own wording of those ideas for a supervisor to observe, not official
text: they ship as example workbooks ("Contoh …", examples/), loaded through the instrument import
(docs/domain.md §9 "Academic supervision", Kurikulum Berbasis Cinta).

This module is data. `examples.examples_write()` turns it into the .xlsx files stored in examples/.
"""

from decimal import Decimal

from . import seed_data


def _items(*texts: str) -> list[dict]:
    return [{"text": text, "indicator": None} for text in texts]


def _standard_sections(spec: dict) -> list[dict]:
    return [{**section, "competency": None} for section in spec["sections"]]


_OPTIONS = {"item_scoring": "as_given", "section_combining": "pooled", "band_rounding": "none"}

PERENCANAAN_KBC = {
    **seed_data.PERENCANAAN_KM,
    **_OPTIONS,
    "name": "Supervisi Administrasi Perencanaan Pembelajaran (KBC dan Pembelajaran Mendalam)",
    "framework": None,
    "sections": [
        *_standard_sections(seed_data.PERENCANAAN_KM),
        {
            "title": "Integrasi Nilai Panca Cinta (Kurikulum Berbasis Cinta)",
            "weight": Decimal("1"),
            "competency": None,
            "items": _items(
                "Modul ajar menyebut nilai Panca Cinta yang diintegrasikan, dipilih sesuai tujuan pembelajaran dan "
                "materi.",
                "Kegiatan yang dirancang menumbuhkan cinta kepada Allah dan Rasul-Nya secara wajar, misalnya melalui "
                "doa, keteladanan, atau refleksi nilai.",
                "Kegiatan yang dirancang menumbuhkan cinta ilmu: rasa ingin tahu, kebiasaan membaca, dan keberanian "
                "bertanya.",
                "Kegiatan yang dirancang menumbuhkan cinta diri dan sesama: empati, kerja sama, dan saling menghargai "
                "perbedaan.",
                "Kegiatan yang dirancang menumbuhkan cinta lingkungan: kepedulian dan tanggung jawab terhadap alam "
                "sekitar.",
                "Kegiatan yang dirancang menumbuhkan cinta tanah air: mengenal dan menghargai budaya dan bangsa.",
                "Rencana asesmen juga mengamati sikap yang tumbuh dari nilai cinta, tidak hanya capaian pengetahuan.",
            ),
        },
        {
            "title": "Pembelajaran Mendalam",
            "weight": Decimal("1"),
            "competency": None,
            "items": _items(
                "Berkesadaran: tujuan belajar dirumuskan agar peserta didik tahu untuk apa mereka belajar dan dapat "
                "mengatur belajarnya.",
                "Bermakna: materi dikaitkan dengan konteks dan masalah nyata dalam kehidupan peserta didik.",
                "Menggembirakan: kegiatan dirancang dalam suasana yang aman, positif, menantang, dan memotivasi.",
                "Pengalaman belajar tersusun dalam tahap memahami, mengaplikasi, dan merefleksi.",
                "Rancangan menyebut kemitraan pembelajaran, lingkungan belajar, dan pemanfaatan teknologi digital yang "
                "digunakan.",
                "Tujuan pembelajaran dikaitkan dengan dimensi profil lulusan yang hendak dikembangkan.",
            ),
        },
    ],
}

PELAKSANAAN_KBC = {
    **seed_data.PELAKSANAAN,
    **_OPTIONS,
    "name": "Supervisi Pelaksanaan Pembelajaran (KBC dan Pembelajaran Mendalam)",
    "framework": None,
    "sections": [
        *_standard_sections(seed_data.PELAKSANAAN),
        {
            "title": "Suasana Cinta di Kelas (Kurikulum Berbasis Cinta)",
            "weight": Decimal("1"),
            "competency": None,
            "items": _items(
                "Guru menyapa dan memperlakukan setiap peserta didik dengan kasih sayang dan hormat, tanpa kekerasan "
                "kata maupun fisik.",
                "Guru mengaitkan materi dengan cinta kepada Allah dan Rasul-Nya secara wajar, tanpa dipaksakan.",
                "Guru menumbuhkan rasa ingin tahu dan kegembiraan menemukan (cinta ilmu).",
                "Guru membiasakan kerja sama, empati, dan sikap menghargai pendapat serta perbedaan teman.",
                "Guru mengajak peserta didik menjaga kebersihan kelas dan peduli pada lingkungan sekitar.",
                "Guru menumbuhkan cinta tanah air melalui contoh, bahasa, atau budaya setempat yang sesuai materi.",
            ),
        },
        {
            "title": "Pembelajaran Mendalam",
            "weight": Decimal("1"),
            "competency": None,
            "items": _items(
                "Berkesadaran: peserta didik mengetahui tujuan belajar dan diberi kesempatan mengatur serta memantau "
                "belajarnya.",
                "Bermakna: peserta didik menerapkan pengetahuan pada situasi atau masalah nyata.",
                "Menggembirakan: peserta didik terlibat aktif dan berani bertanya serta mencoba, dalam suasana yang "
                "positif.",
                "Peserta didik mengalami tahap memahami, mengaplikasi, dan merefleksi dalam pertemuan ini.",
                "Guru memberi umpan balik yang membangun dan mengajak peserta didik merefleksikan proses belajarnya.",
            ),
        },
    ],
}
