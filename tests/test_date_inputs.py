"""Every date input of every form shows its value: a browser's <input type="date"> takes an ISO
`YYYY-MM-DD` value only, and leaves the field blank when given the Indonesian `06-01-2027`. This walks
every form class of the four apps (forms declared in views too) and renders a date through each of
their date widgets in Indonesian."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

from django import forms
from django.utils import translation

APPS = ("madrasah", "kompetensi", "mutu", "laporan")
DAY = dt.date(2027, 1, 6)


def _import_everything() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in module.name or module.name.endswith(".demo"):
                continue
            importlib.import_module(module.name)


def _form_classes() -> list[type[forms.BaseForm]]:
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in APPS:
                found.append(sub)
    return found


def _date_widgets(widget: forms.Widget):
    if isinstance(widget, forms.MultiWidget):
        for part in widget.widgets:
            yield from _date_widgets(part)
    elif isinstance(widget, forms.DateInput) or getattr(widget, "input_type", "") == "date":
        yield widget


def test_every_date_input_renders_an_iso_value():
    _import_everything()
    checked, wrong = [], []
    with translation.override("id"):
        for form_class in _form_classes():
            for name, field in form_class.base_fields.items():
                for widget in _date_widgets(field.widget):
                    where = f"{form_class.__module__}.{form_class.__qualname__}.{name}"
                    checked.append(where)
                    if widget.input_type != "date":
                        wrong.append(f"{where}: input type {widget.input_type!r}")
                    elif widget.format_value(DAY) != "2027-01-06":
                        wrong.append(f"{where}: renders {widget.format_value(DAY)!r}")
    assert wrong == []
    # The walk reaches the forms that matter (the follow-up deadline was the one users saw blank).
    assert "kompetensi.supervision.forms.FollowUpForm.deadline" in checked
    assert "kompetensi.appraisal.forms.PeriodForm.start_date" in checked
    assert "kompetensi.supervision.forms.RowForm.planned_at" in checked
    assert len(checked) >= 20
