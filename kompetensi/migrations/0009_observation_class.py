from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_planned_class(apps, schema_editor):
    """Existing observations keep showing the class their row planned."""
    Observation = apps.get_model("kompetensi", "Observation")
    ProgrammeRow = apps.get_model("kompetensi", "ProgrammeRow")
    Observation.objects.update(
        class_name=Subquery(ProgrammeRow.objects.filter(pk=OuterRef("row_id")).values("class_name")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kompetensi", "0008_observation_conflict_copy"),
    ]

    operations = [
        migrations.AddField(
            model_name="observation",
            name="class_name",
            field=models.CharField(blank=True, max_length=30, verbose_name="class"),
        ),
        migrations.RunPython(copy_planned_class, migrations.RunPython.noop),
    ]
