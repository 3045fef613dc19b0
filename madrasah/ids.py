"""Ids read from a request: a value no key column can hold names no row and never reaches a query.

Every key of the project is a signed 64-bit number. Django checks that range for a plain `pk=`
lookup but not for `pk__in=` (what a multiple choice field runs) nor for lookups through a foreign
key, and SQLite cannot bind a larger number ("Python int too large to convert to SQLite INTEGER"):
one posted `99999999999999999999` was a server error. The fields below refuse such a value as an
invalid choice (Django's own, translated message) before any query, and `id_from` reads an id a view
takes without a form.

Every model choice field of the project's forms is one of these fields: `tests/hardening/
test_id_fields.py` walks every form class and fails on a plain Django one. A ModelForm whose foreign
keys or many-to-many fields are generated from the model sets `formfield_callback = id_formfield` in
its `Meta`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

ID_MIN, ID_MAX = -(2**63), 2**63 - 1


def id_from(value) -> int | None:
    """The id a request carries, or None when it is not a whole number that a key column can hold."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):  # also a string of more digits than Python converts
        return None
    return number if ID_MIN <= number <= ID_MAX else None


def ids_from(values) -> list[int]:
    """The ids among several values (checkboxes of one name), in their order; the others dropped."""
    return [number for number in map(id_from, values) if number is not None]


class _IdRange:
    """Refuse a value outside the key's range as an invalid choice, before the queryset sees it."""

    def _integer_key(self) -> bool:
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        while key.is_relation:
            key = key.target_field
        return isinstance(key, models.IntegerField)

    def _refuse_out_of_range(self, values) -> None:
        if not self._integer_key():
            return
        for value in values:
            if value in self.empty_values or isinstance(value, models.Model):
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                continue  # not a number at all: Django refuses it with its own message
            if not ID_MIN <= number <= ID_MAX:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                )


class ModelChoiceField(_IdRange, forms.ModelChoiceField):
    def to_python(self, value):
        self._refuse_out_of_range([value])
        return super().to_python(value)


class ModelMultipleChoiceField(_IdRange, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        self._refuse_out_of_range(value)
        return super()._check_values(value)


def id_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """`Meta.formfield_callback` of a ModelForm: its generated relation fields are the fields above."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    return db_field.formfield(**kwargs)
