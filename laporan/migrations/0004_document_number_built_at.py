from django.db import migrations, models


def mark_built(apps, schema_editor):
    """Numbers issued before this field existed: built when their report has a finished build."""
    DocumentNumber = apps.get_model("laporan", "DocumentNumber")
    for number in DocumentNumber.objects.filter(report__isnull=False, report__size__gt=0).select_related("report"):
        if number.report.number == number.number:
            number.built_at = number.report.finished_at or number.issued_at
            number.save(update_fields=["built_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("laporan", "0003_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentnumber",
            name="built_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_built, migrations.RunPython.noop),
    ]
