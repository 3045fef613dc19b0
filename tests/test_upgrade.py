"""An installation of the previous release upgrades without losing a row.

The test database is migrated back to the previous release's migrations (tests/previous_release.py),
filled through that state's historical models (one row of every model of madrasah, kompetensi, mutu
and laporan, every field given a value, besides the rows the release's data migrations wrote), then
migrated forward to the latest migrations as `make update` does. Every row is then read through the
current models with the values it had; a field added since keeps its default, or the value its data
migration backfilled.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest
from django.apps import apps as current_apps
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

from tests.previous_release import PREVIOUS_RELEASE_MIGRATIONS

APPS = tuple(PREVIOUS_RELEASE_MIGRATIONS)
DAY = dt.date(2025, 7, 14)
LATER_DAY = dt.date(2025, 12, 20)
MOMENT = dt.datetime(2025, 8, 1, 1, 30, tzinfo=dt.UTC)
LATER_MOMENT = dt.datetime(2025, 8, 2, 1, 30, tzinfo=dt.UTC)
# Values the release's check constraints need (scale 1 < 4, retention 12..240 months, a plausible year).
FIELD_VALUES = {
    "scale_max": 4,
    "start_year": 2025,
    "evidence_months": 24,
    "document_months": 60,
    "digest_day": 5,
    # A report and the register entry of its number carry the same number (see BACKFILLED).
    "Report.number": "B-12/Mts.13.28.03/PP.00/07/2025",
    "DocumentNumber.number": "B-12/Mts.13.28.03/PP.00/07/2025",
    # Period names as the release stored them (in the language of the session that measured).
    "Measurement.period_label": "2025/2026 Odd (ganjil)",
    "Cycle.baseline_period": "2024/2025 Genap",
}
# Added since the previous release and filled for existing rows by a data migration:
# (app, model, field) → how the value is derived from the old rows.
BACKFILLED = {
    ("laporan", "documentnumber", "built_at"): "the finished time of its report, whose number it carries",
    ("mutu", "measurement", "period_start_year"): "read from the period name it replaces",
    ("mutu", "measurement", "period_semester"): "read from the period name it replaces",
    ("mutu", "cycle", "baseline_start_year"): "read from the baseline period name it replaces",
    ("mutu", "cycle", "baseline_semester"): "read from the baseline period name it replaces",
}
# Display text stored by the release and replaced by values it is composed from when shown:
# (app, model, field) → the fields holding its values now (checked below).
REPLACED = {
    ("mutu", "measurement", "period_label"): ("period_start_year", "period_semester"),
    ("mutu", "cycle", "baseline_period"): ("baseline_start_year", "baseline_semester"),
}


@pytest.fixture(autouse=True)
def reference_data():
    """Overrides the suite-wide fixture: the rows here are written through the old state's models."""


class Filler:
    """One row of every model of the old state, each field given a value its constraints accept."""

    def __init__(self, state_apps):
        self.apps = state_apps
        self.rows: dict[type[models.Model], models.Model] = {}
        self.creating: set[type[models.Model]] = set()

    def value(self, field: models.Field):
        for key in (f"{field.model.__name__}.{field.name}", field.name):
            if key in FIELD_VALUES:
                return FIELD_VALUES[key]
        if field.choices:
            return field.flatchoices[0][0]  # grouped choices (golongan by rank group) give their first option
        later = any(word in field.name for word in ("end", "until", "finished", "closed", "expires"))
        if isinstance(field, models.BooleanField):
            return field.default if isinstance(field.default, bool) else True
        if isinstance(field, models.DateTimeField):
            return LATER_MOMENT if later else MOMENT
        if isinstance(field, models.DateField):
            return LATER_DAY if later else DAY
        if isinstance(field, models.TimeField):
            return dt.time(8, 30)
        if isinstance(field, models.DurationField):
            return dt.timedelta(minutes=45)
        if isinstance(field, models.DecimalField):
            return decimal.Decimal("1.5")
        if isinstance(field, models.FloatField):
            return 1.5
        if isinstance(field, models.IntegerField):
            return 1
        if isinstance(field, models.UUIDField):
            return uuid.UUID(int=1)
        if isinstance(field, models.GenericIPAddressField):
            return "192.168.1.10"
        if isinstance(field, models.EmailField):
            return "guru@example.sch.id"
        if isinstance(field, models.FileField):
            return f"upgrade/{field.name}.pdf"
        if isinstance(field, models.JSONField):
            return {"upgrade": [1, "dua"]}
        if isinstance(field, models.BinaryField):
            return b"\x00upgrade"
        if isinstance(field, models.CharField | models.TextField):
            text = f"{field.model.__name__}.{field.name}"
            return text[-field.max_length :] if field.max_length else text
        raise AssertionError(f"no test value for {field.model.__name__}.{field.name} ({type(field).__name__})")

    def row(self, model: type[models.Model]) -> models.Model | None:
        """This model's row, created with every field set; None while it is being created (a cycle)."""
        if model in self.rows:
            return self.rows[model]
        if model in self.creating:
            return None
        if model._meta.app_label not in APPS and (existing := model._default_manager.first()):
            return existing
        self.creating.add(model)
        values, later = {}, []
        for field in model._meta.concrete_fields:
            if field.primary_key and isinstance(field, models.AutoField):
                continue
            if field.is_relation:
                target = self.row(field.related_model)
                if target is None:
                    assert field.null, f"{model.__name__}.{field.name}: a required reference in a cycle"
                    later.append(field)
                values[field.name] = target
            else:
                values[field.name] = self.value(field)
        instance = model._default_manager.create(**values)
        self.creating.discard(model)
        self.rows[model] = instance
        for field in later:
            setattr(instance, field.name, self.row(field.related_model))
            instance.save(update_fields=[field.name])
        for field in model._meta.many_to_many:
            if field.remote_field.through._meta.auto_created:
                getattr(instance, field.name).add(self.row(field.related_model))
        return instance


def product_models(state_apps):
    return [model for model in state_apps.get_models() if model._meta.app_label in APPS]


def snapshot(state_apps) -> dict[tuple[str, str], dict[object, dict]]:
    """Every row of every product model (and each many-to-many link), by primary key."""
    rows = {}
    for model in product_models(state_apps):
        rows[(model._meta.app_label, model._meta.model_name)] = {r["pk"]: r for r in _values(model, model._meta)}
        for field in model._meta.many_to_many:
            links = model._meta.get_field(field.name).remote_field.through._default_manager.values_list(
                f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            )
            rows[(model._meta.app_label, f"{model._meta.model_name}.{field.name}")] = {link: {} for link in links}
    return rows


def _values(model, meta) -> list[dict]:
    names = [f.attname for f in meta.concrete_fields]
    return [{"pk": row[meta.pk.attname], **row} for row in model._default_manager.values(*names)]


@pytest.mark.django_db(transaction=True)
def test_the_previous_release_upgrades_and_every_row_keeps_its_values():
    executor = MigrationExecutor(connection)
    executor.migrate(list(PREVIOUS_RELEASE_MIGRATIONS.items()))
    old_apps = executor.loader.project_state(list(PREVIOUS_RELEASE_MIGRATIONS.items())).apps

    filler = Filler(old_apps)
    for model in product_models(old_apps):
        filler.row(model)
    before = snapshot(old_apps)
    assert all(before[(m._meta.app_label, m._meta.model_name)] for m in product_models(old_apps))
    old_fields = {
        (m._meta.app_label, m._meta.model_name): {f.attname for f in m._meta.concrete_fields}
        for m in product_models(old_apps)
    }

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    done = MigrationExecutor(connection)
    assert done.migration_plan(done.loader.graph.leaf_nodes()) == []

    for (app, name), old_rows in before.items():
        if "." in name:  # a many-to-many link
            model_name, field_name = name.split(".")
            field = current_apps.get_model(app, model_name)._meta.get_field(field_name)
            links = set(
                field.remote_field.through._default_manager.values_list(
                    f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
                )
            )
            assert set(old_rows) <= links, f"{app}.{name}: links lost"
            continue
        model = current_apps.get_model(app, name)
        now = {row["pk"]: row for row in _values(model, model._meta)}
        assert set(old_rows) <= set(now), f"{app}.{name}: rows lost"
        added = [f for f in model._meta.concrete_fields if f.attname not in old_fields[(app, name)]]
        for pk, old in old_rows.items():
            kept = {key: now[pk][key] for key in old if (app, name, key) not in REPLACED}
            old = {key: value for key, value in old.items() if (app, name, key) not in REPLACED}
            assert kept == old, f"{app}.{name} #{pk} changed"
            for field in added:
                if (app, name, field.name) in BACKFILLED or callable(field.default):
                    continue
                assert now[pk][field.attname] == field.get_default(), f"{app}.{name}.{field.name} #{pk}"

    # The backfill of DocumentNumber.built_at: the finished time of the report built with that number.
    old_number = filler.rows[old_apps.get_model("laporan", "DocumentNumber")]
    number = current_apps.get_model("laporan", "DocumentNumber").objects.get(pk=old_number.pk)
    assert number.report.number == number.number
    assert number.built_at == number.report.finished_at == LATER_MOMENT

    # The stored period names, composed again from their values.
    measurement = current_apps.get_model("mutu", "Measurement").objects.get()
    assert (measurement.period_start_year, measurement.period_semester) == (2025, "ganjil")
    cycle = current_apps.get_model("mutu", "Cycle").objects.get()
    assert (cycle.baseline_start_year, cycle.baseline_semester) == (2024, "genap")
