"""Scoring options of an instrument version; every existing version keeps the rule it was scored with."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kompetensi", "0010_composed_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="instrumentversion",
            name="band_rounding",
            field=models.CharField(
                choices=[
                    ("none", "Unrounded value"),
                    ("two_decimals", "Value rounded to two decimals"),
                    ("whole", "Value rounded to a whole number"),
                ],
                default="none",
                max_length=12,
                verbose_name="predikat read from",
            ),
        ),
        migrations.AddField(
            model_name="instrumentversion",
            name="item_scoring",
            field=models.CharField(
                choices=[("as_given", "Points as given"), ("normalised", "Normalised from the lowest score")],
                default="as_given",
                max_length=12,
                verbose_name="item points",
            ),
        ),
        migrations.AddField(
            model_name="instrumentversion",
            name="section_combining",
            field=models.CharField(
                choices=[
                    ("pooled", "Points pooled by section weight"),
                    ("section_mean", "Weighted mean of the answered sections' percentages"),
                ],
                default="pooled",
                max_length=12,
                verbose_name="sections combined as",
            ),
        ),
    ]
