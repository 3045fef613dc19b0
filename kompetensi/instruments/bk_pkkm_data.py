"""Example instruments, as instrument specs (workbook/layout.py), for instruments whose items no official text
gives us to cite. This module is data: `examples.examples_write()` turns it into the .xlsx files in examples/,
which a madrasah gets through the instrument import. Each is named "Contoh …" wherever it shows, so that
nobody takes its items for national wording; a madrasah replaces it with its own (through the instrument pages
or an imported workbook) and the records already scored keep the version they were scored with.

- `PKG_BK_EXAMPLE`: the PKG instrument for guru BK. Its sections are the 17 competencies of the
  national BK framework (`seed_data.PKG_BK_FRAMEWORK`, Permendiknas 27/2008), linked by competency
  number ("competency"), so that scoring, standing and figures work as for subject teachers; its
  items are this product's own example wording, linked to no national indicator.
- `PKKM_EXAMPLE`: the Kepala's own appraisal by the pengawas (PKKM), one section per yearly component of
  `seed_data.PKKM_FRAMEWORK`, each item scored 1-4 by its evidence (docs/domain.md §13).
- `SUPERVISION_BK_EXAMPLES`: supervision of a counselling service — its plan (RPL, rencana
  pelaksanaan layanan) and its delivery — on the supervision scale and the madrasah's predikat words.

docs/domain.md §7 "The four competencies and the PKG instrument" says what is national and what is an example.
"""

from decimal import Decimal

from .seed_data import PKG_MAPEL_INSTRUMENT, SUPERVISION_BANDS

# Competency number → the example's items (own wording; the competency names are the framework's).
_PKG_BK_ITEMS = {
    1: [
        "Rencana layanan BK disusun berdasarkan prinsip pendidikan yang berpusat pada peserta didik.",
        "Layanan BK memperhatikan latar belakang budaya, sosial, dan ekonomi konseli.",
    ],
    2: [
        "Layanan disesuaikan dengan tahap perkembangan fisik, emosi, dan sosial peserta didik MTs.",
        "Guru BK membantu peserta didik mengenali bakat, minat, dan potensinya untuk studi lanjut dan karier.",
    ],
    3: [
        "Program BK sesuai dengan kekhasan jenjang MTs dan madrasah sebagai satuan pendidikan keagamaan.",
        "Layanan mencakup bidang pribadi, sosial, belajar, dan karier.",
    ],
    4: [
        "Guru BK menampilkan akhlak yang menjadi teladan bagi peserta didik.",
        "Guru BK menghormati keragaman latar belakang keagamaan dan budaya konseli.",
    ],
    5: [
        "Guru BK menerima setiap konseli tanpa prasangka dan menjaga martabatnya.",
        "Guru BK menghormati hak konseli untuk mengambil keputusannya sendiri.",
    ],
    6: [
        "Guru BK bersikap jujur, konsisten, dan dapat dipercaya.",
        "Guru BK mengendalikan emosi dalam menghadapi konseli dan situasi yang sulit.",
    ],
    7: [
        "Guru BK hadir dan melaksanakan layanan tepat waktu sesuai jadwal.",
        "Guru BK menunjukkan inisiatif dan tanggung jawab dalam menyelesaikan tugas.",
    ],
    8: [
        "Guru BK mengomunikasikan program BK kepada Kepala, wali kelas, dan guru mata pelajaran.",
        "Guru BK bekerja sama dengan wali kelas dan orang tua dalam menangani masalah peserta didik.",
    ],
    9: [
        "Guru BK aktif dalam kegiatan MGBK atau organisasi profesi bimbingan dan konseling.",
        "Guru BK memanfaatkan kegiatan profesi untuk mengembangkan kemampuannya.",
    ],
    10: [
        "Guru BK menjalin kerja sama dengan pihak di luar madrasah (tenaga kesehatan, psikolog, instansi terkait).",
        "Guru BK merujuk konseli kepada ahli lain bila masalahnya di luar kewenangan BK.",
    ],
    11: [
        "Guru BK melakukan asesmen kebutuhan peserta didik dan menganalisis hasilnya.",
        "Data hasil asesmen disimpan tertib dan kerahasiaannya dijaga.",
    ],
    12: [
        "Guru BK memilih pendekatan dan teknik layanan yang sesuai dengan masalah konseli.",
        "Guru BK menerapkan asas-asas bimbingan dan konseling dalam layanannya.",
    ],
    13: [
        "Program tahunan dan semesteran BK disusun berdasarkan hasil asesmen kebutuhan.",
        "Rencana pelaksanaan layanan (RPL) disusun untuk layanan yang diprogramkan.",
    ],
    14: [
        "Layanan klasikal, kelompok, dan individual dilaksanakan sesuai program.",
        "Pelaksanaan layanan dicatat dalam administrasi BK yang mutakhir.",
    ],
    15: [
        "Proses dan hasil layanan dievaluasi dengan instrumen yang sesuai.",
        "Hasil evaluasi ditindaklanjuti untuk memperbaiki program dan layanan berikutnya.",
    ],
    16: [
        "Guru BK menjaga kerahasiaan data dan masalah konseli.",
        "Guru BK bekerja dalam batas kewenangan dan kode etik profesinya.",
    ],
    17: [
        "Guru BK melakukan penelitian sederhana (misalnya PTBK) untuk memperbaiki layanan.",
        "Guru BK memanfaatkan hasil penelitian dalam merancang layanan.",
    ],
}

_PKG_BK_TITLES = {
    1: "Teori dan praksis pendidikan",
    2: "Perkembangan fisiologis, psikologis, dan perilaku konseli",
    3: "Esensi pelayanan BK pada satuan pendidikan",
    4: "Iman dan takwa",
    5: "Nilai kemanusiaan, individualitas, dan kebebasan memilih",
    6: "Integritas dan stabilitas kepribadian",
    7: "Kinerja berkualitas tinggi",
    8: "Kolaborasi intern di tempat bekerja",
    9: "Organisasi dan kegiatan profesi BK",
    10: "Kolaborasi antarprofesi",
    11: "Asesmen konseli",
    12: "Kerangka teoretik dan praksis BK",
    13: "Merancang program BK",
    14: "Mengimplementasikan program BK",
    15: "Menilai proses dan hasil layanan BK",
    16: "Etika profesional",
    17: "Penelitian dalam BK",
}

# The PKG for guru BK, scored 0-2 per item with the same bands and conversion as the subject teachers'.
PKG_BK_EXAMPLE = {
    "code": "pkg-bk",
    "name": "Contoh Instrumen PKG Guru BK/Konselor",
    "kind": "pkg",
    "framework": "pkg-bk",
    "scale": PKG_MAPEL_INSTRUMENT["scale"],
    "allow_not_applicable": False,
    "follow_up_below": PKG_MAPEL_INSTRUMENT["follow_up_below"],
    "bands": PKG_MAPEL_INSTRUMENT["bands"],
    "sections": [
        {
            "title": f"{number}. {title}",
            "weight": Decimal("1"),
            "competency": number,
            "items": [{"text": text, "indicator": None} for text in _PKG_BK_ITEMS[number]],
        }
        for number, title in _PKG_BK_TITLES.items()
    ],
}

_SUPERVISION_SCALE = {
    "min": 1,
    "max": 4,
    "labels": {1: "Tidak tampak", 2: "Kurang tampak", 3: "Tampak", 4: "Sangat tampak"},
}


def _section(title: str, texts: list[str], weight: str = "1") -> dict:
    return {"title": title, "weight": Decimal(weight), "items": [{"text": t, "indicator": None} for t in texts]}


PERENCANAAN_BK_EXAMPLE = {
    "code": "perencanaan-bk",
    "name": "Contoh Supervisi Perencanaan Layanan BK (RPL)",
    "kind": "perencanaan",
    "scale": _SUPERVISION_SCALE,
    "allow_not_applicable": False,
    "follow_up_below": Decimal("3"),
    "bands": SUPERVISION_BANDS,
    "sections": [
        _section(
            "Program BK",
            [
                "Program tahunan dan semesteran BK tersedia dan disusun dari hasil asesmen kebutuhan.",
                "Layanan yang direncanakan tercantum dalam program dan jadwal BK.",
            ],
        ),
        _section(
            "Rencana Pelaksanaan Layanan (RPL)",
            [
                "Identitas layanan (bidang, jenis layanan, sasaran, waktu) lengkap.",
                "Tujuan layanan dirumuskan jelas dan sesuai kebutuhan peserta didik.",
                "Metode, teknik, dan media layanan sesuai tujuan dan sasaran.",
                "Langkah kegiatan (pembukaan, inti, penutup) tersusun runtut.",
                "Rencana evaluasi proses dan hasil layanan tercantum.",
            ],
        ),
    ],
}

PELAKSANAAN_BK_EXAMPLE = {
    "code": "pelaksanaan-bk",
    "name": "Contoh Supervisi Pelaksanaan Layanan BK",
    "kind": "pelaksanaan",
    "scale": _SUPERVISION_SCALE,
    "allow_not_applicable": True,
    "follow_up_below": Decimal("3"),
    "bands": SUPERVISION_BANDS,
    "sections": [
        _section(
            "Pembukaan",
            [
                "Guru BK membina hubungan baik dan suasana yang hangat dengan peserta didik.",
                "Guru BK menyampaikan tujuan dan manfaat layanan.",
            ],
        ),
        _section(
            "Kegiatan Inti",
            [
                "Layanan dilaksanakan sesuai RPL dengan teknik yang tepat.",
                "Peserta didik terlibat aktif dan mendapat kesempatan berpendapat.",
                "Guru BK menerapkan asas kerahasiaan, kesukarelaan, dan keterbukaan.",
                "Media atau instrumen layanan digunakan secara efektif.",
            ],
            weight="2",
        ),
        _section(
            "Penutup",
            [
                "Guru BK bersama peserta didik menyimpulkan hasil layanan.",
                "Guru BK mengevaluasi proses dan hasil layanan segera.",
                "Guru BK menyampaikan rencana tindak lanjut.",
            ],
        ),
    ],
}

_PKKM_ITEMS = {
    1: [
        "Visi, misi, dan tujuan madrasah dirumuskan bersama warga madrasah dan ditinjau secara berkala.",
        "Rencana kerja madrasah disusun berdasarkan evaluasi diri madrasah (EDM).",
        "Hubungan dengan orang tua, komite, dan masyarakat dikelola untuk mendukung program madrasah.",
        "Teknologi informasi dimanfaatkan untuk pembelajaran dan pengelolaan madrasah.",
    ],
    2: [
        "Pembagian tugas guru dan tenaga kependidikan ditetapkan tertulis dan dilaksanakan.",
        "Anggaran madrasah direncanakan, digunakan, dan dipertanggungjawabkan secara transparan.",
        "Sarana dan prasarana dikelola dan dipelihara untuk mendukung pembelajaran.",
        "Pengembangan keprofesian guru dan tenaga kependidikan direncanakan dan dipantau.",
        "Pelaksanaan program madrasah dipantau, dievaluasi, dan dilaporkan.",
    ],
    3: [
        "Kepala menciptakan inovasi yang bermanfaat bagi pengembangan madrasah.",
        "Kegiatan kewirausahaan peserta didik atau unit usaha madrasah dikembangkan.",
        "Kepala menunjukkan kerja keras dan pantang menyerah dalam mengatasi kendala madrasah.",
    ],
    4: [
        "Program supervisi akademik disusun dan dijadwalkan.",
        "Supervisi akademik dilaksanakan dengan teknik yang tepat.",
        "Hasil supervisi ditindaklanjuti untuk meningkatkan profesionalisme guru.",
        "Kinerja tenaga kependidikan dibina dan dinilai.",
    ],
}

# The Kepala's PKKM, scored 1-4 per item (docs/domain.md §13 "Principal appraisal (PKKM)").
PKKM_EXAMPLE = {
    "code": "pkkm",
    "name": "Contoh Instrumen PKKM (Penilaian Kinerja Kepala Madrasah)",
    "kind": "pkkm",
    "framework": "pkkm",
    "scale": {
        "min": 1,
        "max": 4,
        "labels": {1: "Tidak ada bukti", 2: "Bukti sebagian", 3: "Bukti lengkap", 4: "Bukti lengkap dan meyakinkan"},
    },
    "allow_not_applicable": False,
    "follow_up_below": Decimal("3"),
    "bands": PKG_MAPEL_INSTRUMENT["bands"],
    "sections": [
        {
            "title": f"{number}. {name}",
            "weight": Decimal("1"),
            "competency": number,
            "items": [{"text": text, "indicator": None} for text in _PKKM_ITEMS[number]],
        }
        for number, name in (
            (1, "Usaha Pengembangan Madrasah"),
            (2, "Pelaksanaan Tugas Manajerial"),
            (3, "Pengembangan Kewirausahaan"),
            (4, "Supervisi kepada Guru dan Tenaga Kependidikan"),
        )
    ],
}

SUPERVISION_BK_EXAMPLES = [PERENCANAAN_BK_EXAMPLE, PELAKSANAAN_BK_EXAMPLE]
# Instruments for the supervision of a BK service, not of a lesson: a plan of lessons leaves them out.
SUPERVISION_BK_CODES = frozenset(spec["code"] for spec in SUPERVISION_BK_EXAMPLES)
EXAMPLE_INSTRUMENTS = [*SUPERVISION_BK_EXAMPLES, PKG_BK_EXAMPLE, PKKM_EXAMPLE]
