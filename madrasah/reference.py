"""Reference data every installation needs, created by one idempotent function.

Called by a data migration and by test fixtures: transactional tests flush the tables, so nothing
may rely on rows that only a migration created.
"""

# Subjects at MTs under Kurikulum Merdeka for madrasah (docs/domain.md §6 "Subjects at MTs").
SUBJECTS = [
    ("quran-hadis", "Al-Qur'an Hadis", "PAI"),
    ("akidah-akhlak", "Akidah Akhlak", "PAI"),
    ("fikih", "Fikih", "PAI"),
    ("ski", "Sejarah Kebudayaan Islam", "PAI"),
    ("bahasa-arab", "Bahasa Arab", "PAI"),
    ("pancasila", "Pendidikan Pancasila", "Umum"),
    ("bahasa-indonesia", "Bahasa Indonesia", "Umum"),
    ("matematika", "Matematika", "Umum"),
    ("ipa", "IPA", "Umum"),
    ("ips", "IPS", "Umum"),
    ("bahasa-inggris", "Bahasa Inggris", "Umum"),
    ("pjok", "PJOK", "Umum"),
    ("informatika", "Informatika", "Umum"),
    ("seni-budaya-prakarya", "Seni Budaya/Prakarya", "Umum"),
    ("muatan-lokal", "Muatan Lokal (Bahasa Madura)", "Muatan Lokal"),
    ("bk", "Bimbingan dan Konseling", "BK"),
]


def ensure_reference_data(subject_model=None) -> None:
    """Create or update the reference rows; safe to call any number of times."""
    if subject_model is None:
        from .models import Subject as subject_model  # the migration passes its historical model instead
    national = subject_model.objects.all()
    # A madrasah's own local subject may share a national code; the migration's older model has no such field.
    if any(f.name == "madrasah" for f in subject_model._meta.get_fields()):
        national = national.filter(madrasah__isnull=True)
    for order, (code, name, group) in enumerate(SUBJECTS, start=1):
        national.update_or_create(code=code, defaults={"name": name, "group": group, "order": order})
