"""The PKG framework for guru BK (Permendiknas 27/2008 competencies), seeded like the subject teachers'."""

from django.db import migrations


def forwards(apps, schema_editor):
    from kompetensi.instruments.seed import ensure_frameworks

    ensure_frameworks(apps)


class Migration(migrations.Migration):
    dependencies = [("kompetensi", "0011_scoring_options")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
