"""Version tokens: one rule for every record edited from a copy (a form, a phone's draft).

A save is based on the version the copy was opened on. If the stored version is newer, the save is a
conflict, whoever made the newer one: a second device of the same person that kept an old copy must
not overwrite either. Nothing is written; the person sees what is stored now and chooses.

- `version_claim` checks the token and bumps it in one conditional UPDATE
  (`… SET version = version + 1 WHERE pk = … AND version = N`): two saves from the same version cannot
  both win, even on a database that does not lock rows (SQLite).
- `VersionedFormMixin` adds the hidden token to a form and, after a refusal, keeps the typed values,
  moves the token to the stored version (saving again is then a deliberate choice) and lists what is
  stored now (`conflict_rows`, shown by `madrasah/_version_conflict.html`).
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ApplicationError

VERSION_FIELD = "version"
# A PositiveIntegerField holds up to this on PostgreSQL; a larger token is refused by the form.
MAX_VERSION = 2_147_483_647


class StaleVersion(ApplicationError):
    """The record changed since the copy the save was based on. `current`: the stored version;
    `changes`: what differs between the copy's entries and the stored values (when the service knows)."""

    def __init__(self, message: str | None = None, *, current: int, changes: list[dict] | None = None):
        super().__init__(
            message
            or _(
                "This record was saved from another device or by another person after you opened it. "
                "Nothing was overwritten."
            ),
            extra={"current": current},
        )
        self.current = current
        self.changes = changes or []


def version_claim(
    target: models.Model | models.QuerySet,
    *,
    expected: int,
    field: str = VERSION_FIELD,
    bump: bool = True,
    changes: list[dict] | None = None,
) -> int:
    """Check that the stored token of `target` (a model instance, or a queryset of one row) is
    `expected` and, with `bump`, raise it by one in the same UPDATE. Returns the token the caller
    continues from and sets it on an instance. Raises `StaleVersion` (with `changes`, if given) when
    the stored token differs. Call it inside the transaction that writes the change and before
    writing: a refusal then leaves nothing written. `bump=False` checks only (a save that changes
    nothing still must not hand an old copy a fresh token)."""
    instance = target if isinstance(target, models.Model) else None
    queryset = type(instance)._default_manager.filter(pk=instance.pk) if instance is not None else target
    matching = queryset.filter(**{field: expected})
    claimed = matching.update(**{field: F(field) + 1}) == 1 if bump else matching.exists()
    if not claimed:
        current = queryset.values_list(field, flat=True).first()
        raise StaleVersion(current=current if current is not None else -1, changes=changes)
    token = expected + 1 if bump else expected
    if instance is not None:
        setattr(instance, field, token)
    return token


class VersionField(forms.IntegerField):
    """The hidden token. Missing or not a number: the copy cannot say what it was based on."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        message = gettext_lazy("The form does not say which version it was opened on. Open it again.")
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_VERSION)
        kwargs.setdefault(
            "error_messages",
            {"required": message, "invalid": message, "min_value": message, "max_value": message},
        )
        super().__init__(**kwargs)


def _flat_choices(choices) -> dict[str, str]:
    flat = {}
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.update(_flat_choices(label))
        else:
            flat[str(value)] = str(label)
    return flat


def field_display(field: forms.Field, value) -> str:
    """`value` as a person reads it in `field` (a choice's label, a person's name, a number as typed)."""
    if value in (None, "") or (isinstance(value, list | tuple) and not value):
        return ""
    if isinstance(field, forms.ModelMultipleChoiceField):
        objects = value if isinstance(value, models.QuerySet) else None
        if objects is None:
            pks = [getattr(v, "pk", v) for v in value]
            objects = field.queryset.filter(pk__in=pks)
        return ", ".join(sorted(field.label_from_instance(obj) for obj in objects))
    if isinstance(field, forms.ModelChoiceField):
        obj = value if isinstance(value, models.Model) else field.queryset.filter(pk=value).first()
        return field.label_from_instance(obj) if obj is not None else ""
    if isinstance(field, forms.MultipleChoiceField):
        labels = _flat_choices(field.choices)
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(field, forms.ChoiceField):
        return _flat_choices(field.choices).get(str(value), str(value))
    if isinstance(field, forms.BooleanField):
        return _("yes") if value else _("no")
    prepared = field.prepare_value(value)
    return "" if prepared is None else str(prepared)


class VersionedFormMixin:
    """A form of a record with a version token. Pass `version=` (the record's token) when editing a
    stored record; a form for a new record has no token. The view hands `expected_version` to the
    service and, on `StaleVersion`, calls `version_conflict(error, stored=…)`."""

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_rows: list[dict] = []
        if version is not None:
            self.fields[VERSION_FIELD] = VersionField()
            self.initial[VERSION_FIELD] = version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get(VERSION_FIELD) if VERSION_FIELD in self.fields else None

    def version_conflict(self, error: StaleVersion, *, stored: dict) -> None:
        """After a refused save: the message at the top, the typed values kept, the token moved to
        the stored version, and `conflict_rows` ({label, stored, mine}) for each field whose stored
        value (`stored`: the form's initial data for the record as it is now) differs from the typed one."""
        self.add_error(None, error.message)
        data = self.data.copy()
        data[self.add_prefix(VERSION_FIELD)] = str(error.current)
        self.data = data
        rows = []
        for name, field in self.fields.items():
            if name == VERSION_FIELD or field.disabled or name not in stored:
                continue
            theirs = field_display(field, stored[name])
            mine = field_display(field, self.cleaned_data.get(name))
            if theirs != mine:
                rows.append({"label": field.label, "stored": theirs, "mine": mine})
        self.conflict_rows = rows


class VersionForm(VersionedFormMixin, forms.Form):
    """Only the token, for a page whose other inputs are not a Django form (the PKG scoring sheet)."""
