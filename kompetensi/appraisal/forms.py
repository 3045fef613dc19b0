"""Forms of PKG set-up. They type the input; the rules (dates within the academic year, one period a
year) live in `services.setup`, whose errors come back at these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from madrasah import ids
from madrasah.forms import DateInput
from madrasah.models import AcademicYear


class PeriodForm(forms.Form):
    academic_year = ids.ModelChoiceField(queryset=AcademicYear.objects.none(), label=gettext_lazy("Academic year"))
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DateInput())
    end_date = forms.DateField(label=gettext_lazy("End date"), widget=DateInput())

    def __init__(self, *args, madrasah_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = AcademicYear.objects.filter(madrasah_id=madrasah_id)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )
