from django.db import migrations


def forwards(apps, schema_editor):
    from madrasah.reference import ensure_reference_data

    ensure_reference_data(apps.get_model("madrasah", "Subject"))


class Migration(migrations.Migration):
    dependencies = [("madrasah", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
