"""Seed content of the competency framework and the supervision / appraisal instruments.

The texts below are the product's own Indonesian wording. The 14 competencies and 78 indicators
follow the teacher performance appraisal guide (PKG, Penilaian Kinerja Guru) for subject teachers
as used in madrasah under Keputusan Dirjen Pendis Nomor 1843 Tahun 2021, after Permenneg PAN-RB
Nomor 16 Tahun 2009; the indicators are reworded faithfully to those competencies, for a madrasah
setting and for the Kurikulum Merdeka documents (CP, TP/ATP, modul ajar), not copied from the guide.
The supervision instruments (planning, teaching observation, assessment) are the usual academic
supervision instruments of an MTs under Kurikulum Merdeka.

This module is data, not code: plain dicts, tuples, strings and Decimals that a loader turns into
framework and instrument versions. A revision (for example a competency 3 with five indicators, or
the 2025/2026 Kurikulum Berbasis Cinta and pembelajaran mendalam items) becomes a new framework or
instrument version (a copy with the change), never an edit of a version already used by records.

Conventions:
- "bands" are (inclusive lower bound, predikat), highest first, the last bound being 0: a score takes
  the first band whose lower bound it reaches, compared with two decimals and without rounding.
- "follow_up_below": an item scored below this value proposes a follow-up (RTL).
- "allow_not_applicable": an item may be marked not applicable, removing it from the maximum.
- "weight" of a section multiplies its points and its maximum (core activities count double).
- "indicator" is (competency number, 1-based indicator number) in PKG_MAPEL_FRAMEWORK, naming the PKG
  indicator an item informs, or None when no indicator genuinely fits.
"""

from decimal import Decimal

# The one predikat vocabulary of the supervision instruments (planning, teaching, assessment): every
# new supervision version of a madrasah takes the madrasah's vocabulary, this one until the madrasah
# changes it (docs/domain.md §9, "One predikat vocabulary per madrasah"). The top label is the PKG's
# own ("Amat Baik"), so that a teacher reads one word for the top band across the madrasah.
SUPERVISION_BANDS = [
    (Decimal("91"), "Amat Baik"),
    (Decimal("81"), "Baik"),
    (Decimal("71"), "Cukup"),
    (Decimal("0"), "Kurang"),
]

# PKG competency framework for subject teachers (guru mata pelajaran): 4 domains, 14 competencies,
# 78 indicators (per competency: 6, 6, 4, 11, 7, 6, 5 | 5, 5, 8 | 3, 3 | 3, 6).
PKG_MAPEL_FRAMEWORK = {
    "code": "pkg-mapel",
    "name": "Kompetensi Guru Mata Pelajaran (PKG)",
    "teacher_type": "mapel",
    "version": 1,
    "domains": [
        {
            "code": "pedagogik",
            "name": "Pedagogik",
            "competencies": [
                {
                    "number": 1,
                    "name": "Mengenal karakteristik peserta didik",
                    "indicators": [
                        (
                            "Guru mengidentifikasi karakteristik belajar setiap peserta didik di kelasnya, antara lain "
                            "melalui asesmen diagnostik kognitif dan nonkognitif."
                        ),
                        (
                            "Guru memastikan semua peserta didik memperoleh kesempatan yang sama untuk berpartisipasi "
                            "aktif dalam kegiatan pembelajaran."
                        ),
                        (
                            "Guru mengatur kelas sehingga peserta didik dengan kondisi fisik dan kemampuan belajar "
                            "yang berbeda memperoleh kesempatan belajar yang sama."
                        ),
                        (
                            "Guru berupaya mengetahui penyebab penyimpangan perilaku peserta didik dan mencegah agar "
                            "perilaku tersebut tidak merugikan peserta didik lain."
                        ),
                        "Guru membantu peserta didik mengembangkan potensinya dan mengatasi kekurangannya.",
                        (
                            "Guru memperhatikan peserta didik yang memiliki kelemahan fisik atau kebutuhan khusus agar "
                            "dapat mengikuti pembelajaran dan tidak tersisihkan, diolok-olok, atau merasa rendah diri."
                        ),
                    ],
                },
                {
                    "number": 2,
                    "name": "Menguasai teori belajar dan prinsip-prinsip pembelajaran yang mendidik",
                    "indicators": [
                        (
                            "Guru memberi kesempatan kepada peserta didik untuk menguasai materi sesuai usia dan "
                            "kemampuan belajarnya melalui pengaturan proses dan aktivitas pembelajaran yang "
                            "bervariasi."
                        ),
                        (
                            "Guru memeriksa tingkat pemahaman peserta didik terhadap materi dan menyesuaikan aktivitas "
                            "pembelajaran berikutnya berdasarkan tingkat pemahaman tersebut."
                        ),
                        (
                            "Guru dapat menjelaskan alasan setiap kegiatan pembelajaran yang dilakukannya, baik yang "
                            "sesuai maupun yang berbeda dari rencana, dalam kaitannya dengan ketercapaian tujuan "
                            "pembelajaran."
                        ),
                        (
                            "Guru menggunakan berbagai teknik untuk membangkitkan dan menjaga motivasi belajar peserta "
                            "didik."
                        ),
                        (
                            "Guru merencanakan kegiatan pembelajaran yang saling berkaitan dengan memperhatikan tujuan "
                            "pembelajaran dan proses belajar peserta didik."
                        ),
                        (
                            "Guru memperhatikan respons peserta didik yang belum atau kurang memahami materi dan "
                            "menggunakannya untuk memperbaiki rancangan pembelajaran berikutnya."
                        ),
                    ],
                },
                {
                    "number": 3,
                    "name": "Pengembangan kurikulum",
                    "indicators": [
                        (
                            "Guru menyusun tujuan pembelajaran (TP) dan alur tujuan pembelajaran (ATP) yang sesuai "
                            "dengan capaian pembelajaran (CP) dan kurikulum yang berlaku di madrasah."
                        ),
                        (
                            "Guru merancang modul ajar atau rencana pembelajaran yang sesuai dengan ATP agar peserta "
                            "didik dapat mencapai tujuan pembelajaran yang ditetapkan."
                        ),
                        "Guru mengikuti urutan materi pembelajaran dengan memperhatikan tujuan pembelajaran.",
                        (
                            "Guru memilih materi pembelajaran yang sesuai dengan tujuan pembelajaran, tepat dan "
                            "mutakhir, sesuai usia dan tingkat kemampuan belajar peserta didik, dapat dilaksanakan di "
                            "kelas, serta sesuai dengan konteks kehidupan sehari-hari peserta didik."
                        ),
                    ],
                },
                {
                    "number": 4,
                    "name": "Kegiatan pembelajaran yang mendidik",
                    "indicators": [
                        (
                            "Guru melaksanakan aktivitas pembelajaran sesuai dengan rancangan yang telah disusun "
                            "secara lengkap, dan pelaksanaannya menunjukkan bahwa guru memahami tujuan aktivitas "
                            "tersebut."
                        ),
                        (
                            "Guru melaksanakan aktivitas pembelajaran untuk membantu proses belajar peserta didik, "
                            "bukan untuk menguji sehingga membuat peserta didik merasa tertekan."
                        ),
                        (
                            "Guru menyampaikan informasi baru, misalnya materi tambahan, sesuai dengan usia dan "
                            "tingkat kemampuan belajar peserta didik."
                        ),
                        (
                            "Guru menyikapi kesalahan peserta didik sebagai bagian dari proses belajar, bukan "
                            "semata-mata kesalahan yang harus dikoreksi."
                        ),
                        (
                            "Guru melaksanakan pembelajaran sesuai isi kurikulum dan mengaitkannya dengan konteks "
                            "kehidupan sehari-hari peserta didik."
                        ),
                        (
                            "Guru melakukan aktivitas pembelajaran yang bervariasi dengan waktu yang cukup, sesuai "
                            "usia dan tingkat kemampuan belajar peserta didik, serta mampu mempertahankan perhatian "
                            "mereka."
                        ),
                        (
                            "Guru mengelola kelas secara efektif tanpa mendominasi atau sibuk dengan kegiatannya "
                            "sendiri sehingga seluruh waktu peserta didik termanfaatkan secara produktif."
                        ),
                        "Guru menyesuaikan aktivitas pembelajaran yang telah dirancang dengan kondisi kelas.",
                        (
                            "Guru memberikan banyak kesempatan kepada peserta didik untuk bertanya, mempraktikkan, dan "
                            "berinteraksi dengan peserta didik lain."
                        ),
                        (
                            "Guru mengatur pelaksanaan aktivitas pembelajaran secara sistematis untuk membantu proses "
                            "belajar peserta didik."
                        ),
                        (
                            "Guru menggunakan alat bantu mengajar, media audio-visual, dan/atau TIK untuk meningkatkan "
                            "motivasi belajar peserta didik dalam mencapai tujuan pembelajaran."
                        ),
                    ],
                },
                {
                    "number": 5,
                    "name": "Pengembangan potensi peserta didik",
                    "indicators": [
                        (
                            "Guru menganalisis hasil belajar setiap peserta didik dari berbagai bentuk penilaian untuk "
                            "mengetahui kemajuan belajar masing-masing."
                        ),
                        (
                            "Guru merancang dan melaksanakan aktivitas pembelajaran yang mendorong peserta didik "
                            "belajar sesuai dengan kecakapan dan pola belajarnya masing-masing."
                        ),
                        (
                            "Guru merancang dan melaksanakan aktivitas pembelajaran yang menumbuhkan kreativitas dan "
                            "kemampuan berpikir kritis peserta didik."
                        ),
                        (
                            "Guru secara aktif membantu peserta didik dalam proses pembelajaran dengan memberikan "
                            "perhatian kepada setiap individu."
                        ),
                        (
                            "Guru mengidentifikasi dengan tepat bakat, minat, potensi, dan kesulitan belajar setiap "
                            "peserta didik."
                        ),
                        (
                            "Guru memberikan kesempatan belajar kepada peserta didik sesuai dengan cara belajarnya "
                            "masing-masing."
                        ),
                        (
                            "Guru memusatkan perhatian pada interaksi dengan peserta didik dan mendorong mereka "
                            "memahami serta menggunakan informasi yang disampaikan."
                        ),
                    ],
                },
                {
                    "number": 6,
                    "name": "Komunikasi dengan peserta didik",
                    "indicators": [
                        (
                            "Guru menggunakan pertanyaan untuk mengetahui pemahaman dan menjaga partisipasi peserta "
                            "didik, termasuk pertanyaan terbuka yang menuntut peserta didik menjawab dengan gagasan "
                            "dan pengetahuannya sendiri."
                        ),
                        (
                            "Guru memperhatikan dan mendengarkan semua pertanyaan dan tanggapan peserta didik tanpa "
                            "menyela, kecuali bila perlu untuk membantu atau memperjelas pertanyaan atau tanggapan "
                            "tersebut."
                        ),
                        (
                            "Guru menanggapi pertanyaan peserta didik secara tepat, benar, dan mutakhir, sesuai tujuan "
                            "pembelajaran dan isi kurikulum, tanpa mempermalukan peserta didik."
                        ),
                        (
                            "Guru menyajikan kegiatan pembelajaran yang menumbuhkan kerja sama yang baik antarpeserta "
                            "didik."
                        ),
                        (
                            "Guru mendengarkan dan memperhatikan semua jawaban peserta didik, baik yang benar maupun "
                            "yang dianggap salah, untuk mengukur tingkat pemahaman mereka."
                        ),
                        (
                            "Guru merespons pertanyaan peserta didik secara lengkap dan relevan sehingga menghilangkan "
                            "kebingungan peserta didik."
                        ),
                    ],
                },
                {
                    "number": 7,
                    "name": "Penilaian dan evaluasi",
                    "indicators": [
                        (
                            "Guru menyusun alat penilaian yang sesuai dengan tujuan pembelajaran sebagaimana tercantum "
                            "dalam modul ajar atau rencana pembelajaran."
                        ),
                        (
                            "Guru melaksanakan penilaian dengan berbagai teknik dan jenis, selain penilaian formal "
                            "yang diselenggarakan madrasah, serta menyampaikan hasil dan implikasinya kepada peserta "
                            "didik mengenai tingkat pemahaman terhadap materi yang telah dan akan dipelajari."
                        ),
                        (
                            "Guru menganalisis hasil penilaian untuk mengidentifikasi tujuan pembelajaran atau materi "
                            "yang sulit, sehingga diketahui kekuatan dan kelemahan setiap peserta didik untuk "
                            "keperluan remedial dan pengayaan."
                        ),
                        (
                            "Guru memanfaatkan masukan dari peserta didik dan merefleksikannya untuk meningkatkan "
                            "pembelajaran berikutnya, dibuktikan dengan catatan, jurnal pembelajaran, rancangan "
                            "pembelajaran, atau materi tambahan."
                        ),
                        (
                            "Guru memanfaatkan hasil penilaian sebagai bahan penyusunan rancangan pembelajaran "
                            "berikutnya."
                        ),
                    ],
                },
            ],
        },
        {
            "code": "kepribadian",
            "name": "Kepribadian",
            "competencies": [
                {
                    "number": 8,
                    "name": "Bertindak sesuai dengan norma agama, hukum, sosial, dan kebudayaan nasional",
                    "indicators": [
                        (
                            "Guru menjalankan ajaran agama Islam dan bertindak sesuai norma agama, baik di madrasah "
                            "maupun di masyarakat."
                        ),
                        (
                            "Guru menghargai dan mengamalkan nilai-nilai Pancasila sebagai dasar ideologi dan etika "
                            "berbangsa, serta menaati hukum dan peraturan yang berlaku."
                        ),
                        (
                            "Guru bekerja sama dan membina kebersamaan dengan rekan sejawat tanpa membedakan suku, "
                            "agama, gender, atau latar belakang lainnya."
                        ),
                        (
                            "Guru menghormati keyakinan, pendapat, dan keberadaan orang lain serta menunjukkan sikap "
                            "moderat dalam beragama (moderasi beragama)."
                        ),
                        (
                            "Guru menunjukkan rasa persatuan dan kesatuan sebagai bangsa Indonesia serta wawasan yang "
                            "luas tentang keberagaman budaya, suku, dan agama."
                        ),
                    ],
                },
                {
                    "number": 9,
                    "name": "Menunjukkan pribadi yang dewasa dan teladan",
                    "indicators": [
                        (
                            "Guru bertutur kata, berpenampilan, dan bertingkah laku sopan serta berakhlak mulia "
                            "terhadap peserta didik, orang tua, dan rekan sejawat."
                        ),
                        (
                            "Guru bersedia berbagi pengalaman dengan rekan sejawat, termasuk mengundang mereka "
                            "mengamati cara mengajarnya dan memberikan masukan."
                        ),
                        (
                            "Guru mengelola pembelajaran sedemikian rupa sehingga dihormati peserta didik, dan semua "
                            "peserta didik memperhatikan guru serta berpartisipasi aktif dalam pembelajaran."
                        ),
                        (
                            "Guru bersikap dewasa dalam menerima masukan dari peserta didik dan memberi mereka "
                            "kesempatan untuk berpartisipasi dalam proses pembelajaran."
                        ),
                        "Guru berperilaku baik sehingga menjaga dan mengangkat nama baik madrasah.",
                    ],
                },
                {
                    "number": 10,
                    "name": "Etos kerja, tanggung jawab yang tinggi, dan rasa bangga menjadi guru",
                    "indicators": [
                        "Guru memulai dan mengakhiri pembelajaran tepat waktu.",
                        (
                            "Guru yang harus meninggalkan kelas memberikan kegiatan produktif terkait mata pelajaran "
                            "kepada peserta didik dan meminta guru piket atau guru lain mengawasi kelas."
                        ),
                        (
                            "Guru memenuhi jam mengajarnya dan melakukan kegiatan lain di luar jam mengajar atas izin "
                            "dan persetujuan pimpinan madrasah."
                        ),
                        (
                            "Guru meminta izin dan memberi tahu lebih awal, dengan alasan dan bukti yang sah, bila "
                            "tidak dapat menghadiri kegiatan yang telah direncanakan, termasuk pembelajaran di kelas."
                        ),
                        (
                            "Guru menyelesaikan semua tugas administratif dan nonpembelajaran tepat waktu sesuai "
                            "standar yang ditetapkan."
                        ),
                        (
                            "Guru memanfaatkan waktu luang di luar mengajar untuk kegiatan produktif yang terkait "
                            "dengan tugasnya."
                        ),
                        (
                            "Guru berkontribusi terhadap pengembangan madrasah dan memiliki prestasi yang berdampak "
                            "positif terhadap nama baik madrasah."
                        ),
                        (
                            "Guru menunjukkan rasa bangga terhadap profesinya sebagai guru, antara lain dengan "
                            "menjalankan tugas secara ikhlas dan sungguh-sungguh."
                        ),
                    ],
                },
            ],
        },
        {
            "code": "sosial",
            "name": "Sosial",
            "competencies": [
                {
                    "number": 11,
                    "name": "Bersikap inklusif, bertindak obyektif, serta tidak diskriminatif",
                    "indicators": [
                        (
                            "Guru memperlakukan semua peserta didik secara adil serta memberikan perhatian dan bantuan "
                            "sesuai kebutuhan masing-masing, tanpa memandang faktor pribadi."
                        ),
                        (
                            "Guru menjaga hubungan baik dan kepedulian terhadap rekan sejawat (bersikap inklusif) "
                            "serta berkontribusi positif dalam diskusi formal maupun informal yang terkait dengan "
                            "pekerjaannya."
                        ),
                        (
                            "Guru sering berinteraksi dengan semua peserta didik dan tidak membatasi perhatiannya pada "
                            "kelompok tertentu, misalnya peserta didik yang pandai, mampu secara ekonomi, atau berasal "
                            "dari daerah yang sama dengan guru."
                        ),
                    ],
                },
                {
                    "number": 12,
                    "name": (
                        "Komunikasi dengan sesama guru, tenaga kependidikan, orang tua, peserta didik, dan masyarakat"
                    ),
                    "indicators": [
                        (
                            "Guru menyampaikan informasi tentang kemajuan, kesulitan, dan potensi peserta didik kepada "
                            "orang tua/wali dan rekan sejawat, dalam pertemuan formal maupun informal, dan dapat "
                            "menunjukkan buktinya."
                        ),
                        (
                            "Guru berperan aktif dalam kegiatan di luar pembelajaran yang diselenggarakan madrasah dan "
                            "masyarakat, serta dapat menunjukkan bukti keikutsertaannya."
                        ),
                        (
                            "Guru memandang madrasah sebagai bagian dari masyarakat, berkomunikasi dengan masyarakat "
                            "sekitar, dan berperan dalam kegiatan sosial kemasyarakatan."
                        ),
                    ],
                },
            ],
        },
        {
            "code": "profesional",
            "name": "Profesional",
            "competencies": [
                {
                    "number": 13,
                    "name": (
                        "Penguasaan materi, struktur, konsep, dan pola pikir keilmuan yang mendukung mata pelajaran "
                        "yang diampu"
                    ),
                    "indicators": [
                        (
                            "Guru memetakan capaian pembelajaran mata pelajaran yang diampunya untuk mengidentifikasi "
                            "materi yang dianggap sulit, merencanakan dan melaksanakan pembelajaran, serta "
                            "memperkirakan alokasi waktu yang diperlukan."
                        ),
                        (
                            "Guru menyertakan informasi yang tepat dan mutakhir dalam perencanaan dan pelaksanaan "
                            "pembelajaran."
                        ),
                        (
                            "Guru menyusun materi, perencanaan, dan pelaksanaan pembelajaran yang berisi informasi "
                            "yang tepat dan mutakhir serta membantu peserta didik memahami konsep materi pembelajaran."
                        ),
                    ],
                },
                {
                    "number": 14,
                    "name": "Mengembangkan keprofesionalan melalui tindakan yang reflektif",
                    "indicators": [
                        (
                            "Guru melakukan evaluasi diri secara spesifik dan lengkap, didukung contoh dari pengalaman "
                            "mengajarnya sendiri."
                        ),
                        (
                            "Guru memiliki jurnal pembelajaran, catatan masukan dari rekan sejawat, atau hasil "
                            "penilaian proses pembelajaran sebagai bukti yang menggambarkan kinerjanya."
                        ),
                        (
                            "Guru memanfaatkan bukti gambaran kinerjanya untuk mengembangkan perencanaan dan "
                            "pelaksanaan pembelajaran berikutnya melalui program pengembangan keprofesian "
                            "berkelanjutan (PKB)."
                        ),
                        (
                            "Guru menerapkan hasil kegiatan PKB dalam perencanaan, pelaksanaan, dan penilaian "
                            "pembelajaran beserta tindak lanjutnya."
                        ),
                        (
                            "Guru melakukan penelitian (misalnya penelitian tindakan kelas), mengembangkan karya "
                            "inovatif, mengikuti kegiatan ilmiah dan forum MGMP, serta aktif melaksanakan PKB."
                        ),
                        "Guru memanfaatkan TIK untuk berkomunikasi dan untuk mengembangkan keprofesiannya.",
                    ],
                },
            ],
        },
    ],
}

# PKG competency framework for guidance counsellors (guru BK/konselor): the 17 competencies of the
# counsellor competency standard (Permendiknas Nomor 27 Tahun 2008, Lampiran), grouped in the four
# domains as the PKG guide for guru BK groups them (pedagogik 3, kepribadian 4, sosial 3, profesional 7);
# docs/domain.md §7 "The four competencies and the PKG instrument". The guide's indicators are not
# reproduced here: a madrasah's BK instrument brings its own items (see `examples.PKG_BK_EXAMPLE`), each
# section linked to a competency.
PKG_BK_FRAMEWORK = {
    "code": "pkg-bk",
    "name": "Kompetensi Guru BK/Konselor (PKG)",
    "teacher_type": "bk",
    "version": 1,
    "domains": [
        {
            "code": "pedagogik",
            "name": "Pedagogik",
            "competencies": [
                {"number": 1, "name": "Menguasai teori dan praksis pendidikan", "indicators": []},
                {
                    "number": 2,
                    "name": "Mengaplikasikan perkembangan fisiologis dan psikologis serta perilaku konseli",
                    "indicators": [],
                },
                {
                    "number": 3,
                    "name": "Menguasai esensi pelayanan bimbingan dan konseling dalam jalur, jenis, dan jenjang "
                    "satuan pendidikan",
                    "indicators": [],
                },
            ],
        },
        {
            "code": "kepribadian",
            "name": "Kepribadian",
            "competencies": [
                {"number": 4, "name": "Beriman dan bertakwa kepada Tuhan Yang Maha Esa", "indicators": []},
                {
                    "number": 5,
                    "name": "Menghargai dan menjunjung tinggi nilai-nilai kemanusiaan, individualitas, dan kebebasan "
                    "memilih",
                    "indicators": [],
                },
                {"number": 6, "name": "Menunjukkan integritas dan stabilitas kepribadian yang kuat", "indicators": []},
                {"number": 7, "name": "Menampilkan kinerja berkualitas tinggi", "indicators": []},
            ],
        },
        {
            "code": "sosial",
            "name": "Sosial",
            "competencies": [
                {"number": 8, "name": "Mengimplementasikan kolaborasi intern di tempat bekerja", "indicators": []},
                {
                    "number": 9,
                    "name": "Berperan dalam organisasi dan kegiatan profesi bimbingan dan konseling",
                    "indicators": [],
                },
                {"number": 10, "name": "Mengimplementasikan kolaborasi antarprofesi", "indicators": []},
            ],
        },
        {
            "code": "profesional",
            "name": "Profesional",
            "competencies": [
                {
                    "number": 11,
                    "name": "Menguasai konsep dan praksis asesmen untuk memahami kondisi, kebutuhan, dan masalah "
                    "konseli",
                    "indicators": [],
                },
                {
                    "number": 12,
                    "name": "Menguasai kerangka teoretik dan praksis bimbingan dan konseling",
                    "indicators": [],
                },
                {"number": 13, "name": "Merancang program bimbingan dan konseling", "indicators": []},
                {
                    "number": 14,
                    "name": "Mengimplementasikan program bimbingan dan konseling yang komprehensif",
                    "indicators": [],
                },
                {"number": 15, "name": "Menilai proses dan hasil kegiatan bimbingan dan konseling", "indicators": []},
                {"number": 16, "name": "Memiliki kesadaran dan komitmen terhadap etika profesional", "indicators": []},
                {
                    "number": 17,
                    "name": "Menguasai konsep dan praksis penelitian dalam bimbingan dan konseling",
                    "indicators": [],
                },
            ],
        },
    ],
}


# The components of the Kepala's yearly appraisal (PKKM, Penilaian Kinerja Kepala Madrasah): the four
# main duties of a Kepala that PMA 58/2017 (as amended by PMA 24/2018) appraises and the PKKM guide
# (Keputusan Dirjen Pendis 1111/2019) scores every year (docs/domain.md §13 "Principal appraisal
# (PKKM)"). The fifth, the results of the Kepala's term, is scored only every fourth year and is not
# here. The guide's indicators are not reproduced: the instrument brings its own items
# (`examples.PKKM_EXAMPLE`). No teacher type: the PKKM instrument is chosen by its kind.
PKKM_FRAMEWORK = {
    "code": "pkkm",
    "name": "Komponen Kinerja Kepala Madrasah (PKKM)",
    "teacher_type": "none",
    "version": 1,
    "domains": [
        {
            "code": "tugas-pokok",
            "name": "Tugas Pokok Kepala Madrasah",
            "competencies": [
                {"number": 1, "name": "Usaha pengembangan madrasah", "indicators": []},
                {"number": 2, "name": "Pelaksanaan tugas manajerial", "indicators": []},
                {"number": 3, "name": "Pengembangan kewirausahaan", "indicators": []},
                {"number": 4, "name": "Supervisi kepada guru dan tenaga kependidikan", "indicators": []},
            ],
        },
    ],
}

# Document check of Kurikulum Merdeka planning (administrasi perencanaan pembelajaran).
PERENCANAAN_KM = {
    "code": "perencanaan-km",
    "name": "Supervisi Administrasi Perencanaan Pembelajaran (Kurikulum Merdeka)",
    "kind": "perencanaan",
    "scale": {
        "min": 1,
        "max": 4,
        "labels": {
            1: "Belum ada",
            2: "Ada, belum sesuai",
            3: "Ada, sebagian sesuai",
            4: "Ada, lengkap dan sesuai",
        },
    },
    "allow_not_applicable": False,
    "follow_up_below": Decimal("3"),
    "bands": SUPERVISION_BANDS,
    "sections": [
        {
            "title": "Dokumen Kurikulum",
            "weight": Decimal("1"),
            "items": [
                {
                    "text": (
                        "Capaian pembelajaran (CP) mata pelajaran sesuai fase tersedia dan telah dianalisis untuk "
                        "memetakan kompetensi dan lingkup materi."
                    ),
                    "indicator": (13, 1),
                },
                {
                    "text": (
                        "Tujuan pembelajaran (TP) dirumuskan dari CP dan memuat kompetensi serta lingkup materi yang "
                        "jelas."
                    ),
                    "indicator": (3, 1),
                },
                {
                    "text": (
                        "Alur tujuan pembelajaran (ATP) tersusun runtut dan logis, dari yang sederhana ke yang "
                        "kompleks, selama satu fase."
                    ),
                    "indicator": (3, 3),
                },
                {
                    "text": "Program tahunan (prota) disusun sesuai ATP dan kalender pendidikan madrasah.",
                    "indicator": None,
                },
                {
                    "text": "Program semester (promes) memuat sebaran TP dan alokasi waktu pada minggu efektif.",
                    "indicator": None,
                },
            ],
        },
        {
            "title": "Modul Ajar",
            "weight": Decimal("1"),
            "items": [
                {
                    "text": (
                        "Identitas modul ajar lengkap: madrasah, penyusun, mata pelajaran, fase/kelas, topik, dan "
                        "alokasi waktu."
                    ),
                    "indicator": None,
                },
                {
                    "text": "Tujuan pembelajaran dalam modul ajar sesuai dengan ATP dan dapat diukur.",
                    "indicator": (3, 2),
                },
                {
                    "text": (
                        "Langkah pembelajaran (pendahuluan, inti, penutup) runtut, saling berkaitan, dan berpusat pada "
                        "peserta didik."
                    ),
                    "indicator": (2, 5),
                },
                {
                    "text": (
                        "Pembelajaran terdiferensiasi (konten, proses, atau produk) direncanakan berdasarkan hasil "
                        "asesmen diagnostik."
                    ),
                    "indicator": (5, 2),
                },
                {
                    "text": (
                        "Materi, media, dan sumber belajar dipilih sesuai TP, tepat dan mutakhir, serta sesuai "
                        "karakteristik peserta didik."
                    ),
                    "indicator": (3, 4),
                },
                {
                    "text": "Asesmen dalam modul ajar (instrumen dan pedoman penskoran) selaras dengan TP.",
                    "indicator": (7, 1),
                },
                {
                    "text": (
                        "Modul ajar memuat integrasi nilai-nilai keislaman dan moderasi beragama yang relevan dengan "
                        "materi."
                    ),
                    "indicator": None,
                },
                {
                    "text": (
                        "Modul ajar memuat refleksi guru dan peserta didik, dan hasil refleksi pembelajaran sebelumnya "
                        "dimanfaatkan untuk perbaikan rancangan."
                    ),
                    "indicator": (14, 3),
                },
            ],
        },
        {
            "title": "Asesmen",
            "weight": Decimal("1"),
            "items": [
                {
                    "text": (
                        "Kriteria ketercapaian tujuan pembelajaran (KKTP) dirumuskan untuk setiap TP dengan pendekatan "
                        "yang jelas (deskripsi, rubrik, atau interval nilai)."
                    ),
                    "indicator": (7, 1),
                },
                {
                    "text": (
                        "Asesmen diagnostik kognitif dan nonkognitif direncanakan pada awal pembelajaran untuk "
                        "mengenali karakteristik dan kebutuhan belajar peserta didik."
                    ),
                    "indicator": (1, 1),
                },
                {
                    "text": (
                        "Rencana asesmen formatif disusun dengan teknik yang beragam dan dilaksanakan selama proses "
                        "pembelajaran."
                    ),
                    "indicator": (7, 2),
                },
                {
                    "text": (
                        "Rencana asesmen sumatif disusun untuk mengukur ketercapaian TP pada akhir lingkup materi atau "
                        "semester."
                    ),
                    "indicator": None,
                },
            ],
        },
        {
            "title": "Projek P5-PPRA",
            "weight": Decimal("1"),
            "items": [
                {
                    "text": (
                        "Modul projek penguatan profil pelajar Pancasila dan rahmatan lil 'alamin (P5-PPRA) tersedia "
                        "dengan tema, tujuan, dan alur kegiatan yang jelas."
                    ),
                    "indicator": (5, 3),
                },
                {
                    "text": (
                        "Dimensi profil pelajar Pancasila dan nilai PPRA (misalnya tawassuth, tawazun, tasamuh) "
                        "dipilih sesuai tema dan dijabarkan menjadi target capaian."
                    ),
                    "indicator": None,
                },
                {
                    "text": (
                        "Rencana asesmen projek tersedia, berupa rubrik perkembangan dimensi profil dan nilai PPRA "
                        "peserta didik."
                    ),
                    "indicator": None,
                },
            ],
        },
    ],
}

# Classroom observation; core activities weigh double, an activity may not apply to a given lesson.
PELAKSANAAN = {
    "code": "pelaksanaan-pembelajaran",
    "name": "Supervisi Pelaksanaan Pembelajaran (Observasi Kelas)",
    "kind": "pelaksanaan",
    "scale": {
        "min": 1,
        "max": 4,
        "labels": {
            1: "Tidak terlaksana",
            2: "Terlaksana kurang baik",
            3: "Terlaksana dengan baik",
            4: "Terlaksana sangat baik",
        },
    },
    "allow_not_applicable": True,
    "follow_up_below": Decimal("3"),
    "bands": SUPERVISION_BANDS,
    "sections": [
        {
            "title": "Kegiatan Pendahuluan",
            "weight": Decimal("1"),
            "items": [
                {
                    "text": "Guru membuka pembelajaran dengan salam dan berdoa bersama peserta didik.",
                    "indicator": None,
                },
                {
                    "text": "Guru memeriksa kehadiran dan kesiapan peserta didik untuk belajar.",
                    "indicator": None,
                },
                {
                    "text": "Guru melakukan apersepsi dengan mengaitkan materi dengan pengetahuan awal peserta didik.",
                    "indicator": None,
                },
                {
                    "text": "Guru memotivasi peserta didik dengan menunjukkan manfaat materi bagi kehidupan mereka.",
                    "indicator": (2, 4),
                },
                {
                    "text": "Guru menyampaikan tujuan pembelajaran serta kegiatan dan asesmen yang akan dilakukan.",
                    "indicator": None,
                },
            ],
        },
        {
            "title": "Kegiatan Inti",
            "weight": Decimal("2"),
            "items": [
                {
                    "text": "Guru menguasai materi dan menyajikannya secara tepat, mutakhir, dan mudah dipahami.",
                    "indicator": (13, 2),
                },
                {
                    "text": (
                        "Guru mengaitkan materi dengan konteks kehidupan sehari-hari peserta didik dan lingkungan "
                        "madrasah."
                    ),
                    "indicator": (4, 5),
                },
                {
                    "text": (
                        "Guru menerapkan pembelajaran yang berpusat pada peserta didik: bertanya, berdiskusi, "
                        "mempraktikkan, dan bekerja sama dengan teman."
                    ),
                    "indicator": (4, 9),
                },
                {
                    "text": (
                        "Guru melayani perbedaan kebutuhan belajar peserta didik melalui pembelajaran terdiferensiasi."
                    ),
                    "indicator": (5, 6),
                },
                {
                    "text": (
                        "Guru memanfaatkan media pembelajaran dan TIK secara tepat untuk mendukung pencapaian tujuan "
                        "pembelajaran."
                    ),
                    "indicator": (4, 11),
                },
                {
                    "text": (
                        "Pembelajaran berkesadaran: guru membantu peserta didik fokus, memahami tujuan, dan menyadari "
                        "proses belajarnya sendiri."
                    ),
                    "indicator": None,
                },
                {
                    "text": (
                        "Pembelajaran bermakna: peserta didik menerapkan pengetahuan untuk memecahkan masalah nyata "
                        "dan berpikir kritis serta kreatif."
                    ),
                    "indicator": (5, 3),
                },
                {
                    "text": (
                        "Pembelajaran menggembirakan: guru menciptakan suasana belajar yang positif, aman, dan "
                        "menantang tanpa membuat peserta didik tertekan."
                    ),
                    "indicator": (4, 2),
                },
                {
                    "text": (
                        "Guru mengintegrasikan nilai-nilai keislaman dan moderasi beragama dalam materi dan interaksi "
                        "pembelajaran."
                    ),
                    "indicator": None,
                },
                {
                    "text": (
                        "Guru mengelola kelas secara efektif sehingga waktu belajar dimanfaatkan secara produktif."
                    ),
                    "indicator": (4, 7),
                },
                {
                    "text": (
                        "Guru mengajukan pertanyaan terbuka yang mendorong peserta didik berpikir dan menanggapi "
                        "pertanyaan peserta didik dengan tepat."
                    ),
                    "indicator": (6, 1),
                },
                {
                    "text": (
                        "Guru memberikan umpan balik yang membangun dan menyikapi kesalahan peserta didik sebagai "
                        "bagian dari proses belajar."
                    ),
                    "indicator": (4, 4),
                },
                {
                    "text": (
                        "Guru melakukan asesmen formatif selama proses dan menyesuaikan kegiatan dengan tingkat "
                        "pemahaman peserta didik."
                    ),
                    "indicator": (2, 2),
                },
            ],
        },
        {
            "title": "Kegiatan Penutup",
            "weight": Decimal("1"),
            "items": [
                {
                    "text": "Guru bersama peserta didik menyimpulkan hasil pembelajaran.",
                    "indicator": None,
                },
                {
                    "text": (
                        "Guru mengajak peserta didik merefleksikan proses dan hasil belajar, serta mencatat masukan "
                        "mereka untuk perbaikan pembelajaran berikutnya."
                    ),
                    "indicator": (7, 4),
                },
                {
                    "text": (
                        "Guru melakukan penilaian atau asesmen akhir pembelajaran yang sesuai dengan tujuan "
                        "pembelajaran."
                    ),
                    "indicator": (7, 2),
                },
                {
                    "text": (
                        "Guru memberikan tindak lanjut berupa tugas, remedial, atau pengayaan, serta menyampaikan "
                        "rencana pembelajaran pada pertemuan berikutnya."
                    ),
                    "indicator": None,
                },
                {
                    "text": "Guru menutup pembelajaran dengan doa dan salam tepat waktu.",
                    "indicator": (10, 1),
                },
            ],
        },
    ],
}

# Assessment supervision (supervisi penilaian / asesmen).
PENILAIAN = {
    "code": "penilaian-pembelajaran",
    "name": "Supervisi Penilaian Pembelajaran (Asesmen)",
    "kind": "penilaian",
    "scale": {
        "min": 1,
        "max": 4,
        "labels": {
            1: "Belum ada",
            2: "Ada, belum sesuai",
            3: "Ada, sebagian sesuai",
            4: "Ada, lengkap dan sesuai",
        },
    },
    "allow_not_applicable": False,
    "follow_up_below": Decimal("3"),
    "bands": SUPERVISION_BANDS,
    "sections": [
        {
            "title": "Perencanaan dan Instrumen Asesmen",
            "weight": Decimal("1"),
            "items": [
                {
                    "text": "Asesmen yang digunakan sesuai dengan tujuan pembelajaran (TP) dan KKTP.",
                    "indicator": (7, 1),
                },
                {
                    "text": (
                        "Instrumen asesmen tersedia dengan teknik yang beragam: tes tertulis, lisan, penugasan, unjuk "
                        "kerja, projek, atau portofolio."
                    ),
                    "indicator": (7, 2),
                },
                {
                    "text": "Rubrik atau pedoman penskoran tersedia, jelas, dan sesuai dengan instrumen.",
                    "indicator": None,
                },
                {
                    "text": "Kisi-kisi asesmen sumatif disusun sesuai TP dan memuat level kognitif yang beragam.",
                    "indicator": None,
                },
                {
                    "text": (
                        "Asesmen sikap dan perkembangan dimensi profil pelajar Pancasila serta nilai PPRA dilakukan "
                        "melalui observasi, jurnal, atau penilaian diri dan antarteman."
                    ),
                    "indicator": None,
                },
            ],
        },
        {
            "title": "Pengolahan dan Tindak Lanjut Hasil Asesmen",
            "weight": Decimal("1"),
            "items": [
                {
                    "text": (
                        "Hasil asesmen dianalisis untuk mengetahui ketercapaian TP serta kekuatan dan kesulitan setiap "
                        "peserta didik."
                    ),
                    "indicator": (7, 3),
                },
                {
                    "text": "Program remedial dan pengayaan dilaksanakan berdasarkan hasil analisis asesmen.",
                    "indicator": (7, 3),
                },
                {
                    "text": (
                        "Umpan balik hasil asesmen disampaikan kepada peserta didik secara tepat waktu dan membangun."
                    ),
                    "indicator": (7, 2),
                },
                {
                    "text": "Hasil asesmen dimanfaatkan untuk memperbaiki rancangan pembelajaran berikutnya.",
                    "indicator": (7, 5),
                },
                {
                    "text": "Pengolahan nilai tertib dan terdokumentasi dalam daftar nilai yang mutakhir.",
                    "indicator": None,
                },
                {
                    "text": "Nilai dan deskripsi capaian kompetensi pada rapor disusun berdasarkan hasil asesmen.",
                    "indicator": None,
                },
                {
                    "text": "Kemajuan belajar peserta didik dikomunikasikan kepada orang tua/wali.",
                    "indicator": (12, 1),
                },
            ],
        },
    ],
}

# The PKG instrument for subject teachers, scored 0-2 per indicator.
PKG_MAPEL_INSTRUMENT = {
    "code": "pkg-mapel",
    "name": "Penilaian Kinerja Guru Mata Pelajaran (PKG)",
    "kind": "pkg",
    "framework": "pkg-mapel",
    "scale": {
        "min": 0,
        "max": 2,
        "labels": {
            0: "Tidak ditunjukkan",
            1: "Sebagian ditunjukkan",
            2: "Seluruhnya ditunjukkan",
        },
    },
    "allow_not_applicable": False,
    "follow_up_below": Decimal("2"),
    "bands": [
        (Decimal("91"), "Amat Baik"),
        (Decimal("76"), "Baik"),
        (Decimal("61"), "Cukup"),
        (Decimal("51"), "Sedang"),
        (Decimal("0"), "Kurang"),
    ],
    # One section per competency and one item per indicator, taken from the framework so that the
    # texts exist once; "indicator" is (competency number, 1-based indicator number).
    "sections": [
        {
            "title": f"{competency['number']}. {competency['name']}",
            "weight": Decimal("1"),
            "items": [
                {"text": text, "indicator": (competency["number"], position)}
                for position, text in enumerate(competency["indicators"], start=1)
            ],
        }
        for domain in PKG_MAPEL_FRAMEWORK["domains"]
        for competency in domain["competencies"]
    ],
}

SUPERVISION_INSTRUMENTS = [PERENCANAAN_KM, PELAKSANAAN, PENILAIAN]
ALL_INSTRUMENTS = [*SUPERVISION_INSTRUMENTS, PKG_MAPEL_INSTRUMENT]
FRAMEWORKS = [PKG_MAPEL_FRAMEWORK, PKG_BK_FRAMEWORK, PKKM_FRAMEWORK]

# PKG: a competency's percentage (its points / (2 x number of indicators) x 100) converted to a
# 1-4 score. Upper bounds are inclusive: a percentage takes the first row whose bound it does not
# exceed. The guide's first step reads "0% < X <= 25%", but a competency at 0% also scores 1 (the
# scale has no 0), as docs/domain.md §8 says; show that wherever the converted number is printed.
PKG_COMPETENCY_CONVERSION = [(Decimal("25"), 1), (Decimal("50"), 2), (Decimal("75"), 3), (Decimal("100"), 4)]
