from django.db import migrations


def forwards(apps, schema_editor):
    from kompetensi.instruments.seed import ensure_frameworks

    ensure_frameworks(apps)


class Migration(migrations.Migration):
    dependencies = [("kompetensi", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
