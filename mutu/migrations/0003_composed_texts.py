"""Periods of measurements and baselines stored as values, not as text.

`Measurement.period_label` and `Cycle.baseline_period` held the period's name as written in the
language active when it was measured ("2026/2027 Odd (ganjil)" in an English session, "2026/2027
Ganjil" in an Indonesian one). They become the academic year's start and the semester kind, and the
name is composed when shown (`madrasah.models.period_name`), in the reader's language. Every stored
name was written by the product from a period, so each converts; one that does not read as a period
(none known) falls back, for a measurement, to its cycle's own period (the only one a cycle measures).
"""

import re

from django.db import migrations, models

SEMESTER_CHOICES = [("ganjil", "Odd (ganjil)"), ("genap", "Even (genap)")]
LABEL = re.compile(r"^\s*(\d{4})\s*/\s*(\d{4})\s*(.*)$", re.DOTALL)
KIND_WORDS = {"ganjil": ("ganjil", "odd"), "genap": ("genap", "even")}
# The names as the reverse migration writes them back (the product's language, Indonesian).
KIND_NAMES = {"ganjil": "Ganjil", "genap": "Genap"}


def period_values(label: str) -> tuple[int | None, str]:
    """(start year, semester kind or "") of a stored period name; (None, "") when it is not one."""
    match = LABEL.match(label or "")
    if not match or int(match[2]) != int(match[1]) + 1:
        return None, ""
    rest = match[3].lower()
    for kind, words in KIND_WORDS.items():
        if any(word in rest for word in words):
            return int(match[1]), kind
    return (int(match[1]), "") if not rest.strip() or "year" in rest or "tahun" in rest else (None, "")


def forwards(apps, schema_editor):
    Cycle = apps.get_model("mutu", "Cycle")
    Measurement = apps.get_model("mutu", "Measurement")
    for cycle in Cycle.objects.exclude(baseline_period="").only("pk", "baseline_period").iterator():
        year, kind = period_values(cycle.baseline_period)
        Cycle.objects.filter(pk=cycle.pk).update(baseline_start_year=year, baseline_semester=kind)
    measurements = Measurement.objects.select_related("cycle__academic_year", "cycle__semester")
    for measurement in measurements.only(
        "pk", "period_label", "cycle__academic_year__start_year", "cycle__semester__kind"
    ).iterator():
        year, kind = period_values(measurement.period_label)
        if year is None:
            cycle = measurement.cycle
            year = cycle.academic_year.start_year
            kind = cycle.semester.kind if cycle.semester_id else ""
        Measurement.objects.filter(pk=measurement.pk).update(period_start_year=year, period_semester=kind)


def _name(year, kind) -> str:
    if year is None:
        return ""
    return f"{year}/{year + 1}" + (f" {KIND_NAMES[kind]}" if kind in KIND_NAMES else "")


def backwards(apps, schema_editor):
    Cycle = apps.get_model("mutu", "Cycle")
    Measurement = apps.get_model("mutu", "Measurement")
    for cycle in Cycle.objects.exclude(baseline_start_year=None).iterator():
        Cycle.objects.filter(pk=cycle.pk).update(
            baseline_period=_name(cycle.baseline_start_year, cycle.baseline_semester)
        )
    for measurement in Measurement.objects.iterator():
        Measurement.objects.filter(pk=measurement.pk).update(
            period_label=_name(measurement.period_start_year, measurement.period_semester)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("mutu", "0002_cycle_plan_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="baseline_semester",
            field=models.CharField(
                blank=True,
                choices=SEMESTER_CHOICES,
                help_text="Empty: a whole year.",
                max_length=6,
                verbose_name="baseline semester",
            ),
        ),
        migrations.AddField(
            model_name="cycle",
            name="baseline_start_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="baseline academic year"),
        ),
        migrations.AddField(
            model_name="measurement",
            name="period_semester",
            field=models.CharField(
                blank=True,
                choices=SEMESTER_CHOICES,
                help_text="Empty: a whole year.",
                max_length=6,
                verbose_name="semester",
            ),
        ),
        migrations.AddField(
            model_name="measurement",
            name="period_start_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="academic year"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        # A default for the columns being removed, so that migrating back re-creates them over existing rows.
        migrations.AlterField(
            model_name="cycle",
            name="baseline_period",
            field=models.CharField(blank=True, default="", max_length=60, verbose_name="baseline period"),
        ),
        migrations.AlterField(
            model_name="measurement",
            name="period_label",
            field=models.CharField(blank=True, default="", max_length=60, verbose_name="period"),
        ),
        migrations.RemoveField(
            model_name="cycle",
            name="baseline_period",
        ),
        migrations.RemoveField(
            model_name="measurement",
            name="period_label",
        ),
    ]
