"""Forms of the timetable pages; their checks beyond the field types are the services'."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from .. import ids
from ..forms import DateInput
from ..models import Staff, Weekday
from ..staff_excel import MAX_FILE_BYTES, file_too_large_message


class SchoolWeekForm(forms.Form):
    days = forms.TypedMultipleChoiceField(
        label=gettext_lazy("School days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The days the madrasah opens, e.g. Monday to Saturday, or Saturday to Thursday."),
    )


class BellTimesForm(forms.Form):
    """One text area per school day, one period a line: `07.00-07.40`, `09.00-09.15 Istirahat`."""

    def __init__(self, *args, days: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for day in days:
            self.fields[f"day_{day['weekday']}"] = forms.CharField(
                label=day["name"],
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace", "spellcheck": "false"}),
            )

    def texts(self) -> dict[int, str]:
        return {int(name.removeprefix("day_")): value for name, value in self.cleaned_data.items()}


class RamadanForm(forms.Form):
    start_date = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    end_date = forms.DateField(label=gettext_lazy("Until"), widget=DateInput())


class ClassesForm(forms.Form):
    names = forms.CharField(
        label=gettext_lazy("Classes (rombel)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("One per line or separated by commas, in order, e.g. VII-A, VII-B, …, IX-D."),
    )


class TimetableImportForm(forms.Form):
    """The file, and for each teacher code the madrasah does not know yet, whom it means. The codes
    travel as hidden fields `code_<n>` beside their choice `staff_<n>`, so the page can ask again."""

    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy(
            "The template filled in, or a class grid exported from aSc Timetables or FET. At most 5 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, teachers, codes: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if codes is None:  # the codes asked on the previous page, as posted back
            data = self.data or {}
            codes = [data[f"code_{n}"] for n in range(200) if data.get(f"code_{n}")]
        self.codes = codes
        for n, code in enumerate(codes):
            self.fields[f"code_{n}"] = forms.CharField(initial=code, widget=forms.HiddenInput, max_length=60)
            self.fields[f"staff_{n}"] = ids.ModelChoiceField(
                label=code, queryset=teachers, required=False, empty_label=gettext_lazy("— choose the teacher —")
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:  # refused before anything reads it
            raise ValidationError(file_too_large_message())
        return upload

    def mapping(self) -> dict[str, int]:
        """The codes answered on this page: code → staff id."""
        answers = {}
        for n in range(len(self.codes)):
            staff: Staff | None = self.cleaned_data.get(f"staff_{n}")
            code = self.cleaned_data.get(f"code_{n}")
            if staff is not None and code:
                answers[code] = staff.pk
        return answers

    def code_fields(self):
        return [self[f"staff_{n}"] for n in range(len(self.codes))]
