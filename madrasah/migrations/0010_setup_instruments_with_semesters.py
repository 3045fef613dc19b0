from django.db import migrations, models


def instruments_step_folded(apps, schema_editor):
    # The instruments are now prepared with the semesters. A setup left at the former step goes on to the
    # slips; its missing standard instruments are offered on the Kepala's instruments page.
    apps.get_model("madrasah", "Madrasah").objects.filter(setup_step="instruments").update(setup_step="slips")


class Migration(migrations.Migration):
    dependencies = [
        ("madrasah", "0009_subject_local"),
    ]

    operations = [
        migrations.RunPython(instruments_step_folded, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="madrasah",
            name="setup_step",
            field=models.CharField(
                blank=True,
                choices=[
                    ("numbering", "Document numbering"),
                    ("kepala", "Kepala"),
                    ("operator", "Operator"),
                    ("semesters", "Academic year and semesters"),
                    ("slips", "First-login slips"),
                ],
                default="",
                editable=False,
                max_length=12,
            ),
        ),
    ]
