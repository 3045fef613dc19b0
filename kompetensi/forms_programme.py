"""Forms of the supervision team and programme. They only parse input: the rules live in
`kompetensi.programme`, whose errors come back at the field they name."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy

from madrasah import ids
from madrasah.models import Staff, Subject, User

from .models import InstrumentVersion
from .programme import RowStatus, TeamProposal


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class PlannedAtField(forms.SplitDateTimeField):
    """Date and time as two native inputs (a phone shows its own pickers); read in the madrasah's
    time zone (WIB)."""

    # The field's one <label> cannot name two inputs: each says what it holds to a screen reader.
    widget = forms.SplitDateTimeWidget(
        date_attrs={"type": "date", "aria-label": gettext_lazy("Date")},
        time_attrs={"type": "time", "aria-label": gettext_lazy("Time")},
        date_format="%Y-%m-%d",
        time_format="%H:%M",
    )


class InstrumentChoiceField(ids.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: InstrumentVersion) -> str:
        return obj.instrument.name


class TeamForm(forms.Form):
    """The decree, then one checkbox and one duty per active teacher: works without script on a
    phone, whatever the size of the team."""

    decree_number = forms.CharField(
        label=gettext_lazy("Decree number"),
        max_length=100,
        help_text=gettext_lazy("As printed on the SK, e.g. B-123/Mts.13.28.03/PP.00.4/07/2026"),
    )
    decree_date = forms.DateField(label=gettext_lazy("Decree date"), widget=DateInput())

    def __init__(self, *args, candidates: list[Staff], team=None, proposal: TeamProposal | None = None, **kwargs):
        initial = kwargs.pop("initial", None) or {}
        if team:
            duties = {m.staff_id: m.duty for m in team.memberships.all()}
            initial.update(decree_number=team.decree_number, decree_date=team.decree_date)
        elif proposal:
            duties = proposal.duties
            initial.update(decree_number=proposal.decree_number, decree_date=proposal.decree_date)
        else:
            duties = {}
        for staff_id, duty in duties.items():
            initial[f"member_{staff_id}"] = True
            initial[f"duty_{staff_id}"] = duty
        super().__init__(*args, initial=initial, **kwargs)
        self.candidates = candidates
        for staff in candidates:
            self.fields[f"member_{staff.pk}"] = forms.BooleanField(label=staff.full_name, required=False)
            self.fields[f"duty_{staff.pk}"] = forms.CharField(
                label=gettext_lazy("Duty"),
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": "Anggota"}),
            )

    def rows(self):
        """(staff, checkbox, duty) per candidate, for the template."""
        return [(s, self[f"member_{s.pk}"], self[f"duty_{s.pk}"]) for s in self.candidates]

    def members(self) -> list[tuple[Staff, str]]:
        data = self.cleaned_data
        return [(s, data.get(f"duty_{s.pk}") or "Anggota") for s in self.candidates if data.get(f"member_{s.pk}")]


class ProgrammeForm(forms.Form):
    legal_basis = forms.CharField(
        label=gettext_lazy("Legal basis"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), widget=forms.Textarea(attrs={"rows": 6}))
    targets = forms.CharField(label=gettext_lazy("Targets"), widget=forms.Textarea(attrs={"rows": 5}))
    techniques = forms.CharField(label=gettext_lazy("Techniques"), widget=forms.Textarea(attrs={"rows": 5}))


# The first lesson of the day: the bulk plan's first slot and a single row's time unless changed.
FIRST_LESSON = dt.time(7, 30)


class RowForm(forms.Form):
    teacher = ids.ModelChoiceField(label=gettext_lazy("Teacher"), queryset=Staff.objects.none())
    subject = ids.ModelChoiceField(label=gettext_lazy("Subject"), queryset=Subject.objects.all(), required=False)
    class_name = forms.CharField(label=gettext_lazy("Class"), max_length=30, required=False)
    supervisor = forms.TypedChoiceField(label=gettext_lazy("Supervisor"), coerce=int)
    planned_at = PlannedAtField(label=gettext_lazy("Date and time"))
    instruments = InstrumentChoiceField(label=gettext_lazy("Instruments"), queryset=InstrumentVersion.objects.none())

    def __init__(self, *args, teachers, subjects, supervisors: list[tuple[int, str]], instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers
        self.fields["subject"].queryset = subjects  # the national ones and this madrasah's own
        self.fields["supervisor"].choices = [("", "---------"), *supervisors]
        self.fields["instruments"].queryset = instruments
        self.initial.setdefault("planned_at", [None, FIRST_LESSON])  # the day is always chosen

    def clean_supervisor(self) -> User:
        # The choices hold only this madrasah's possible supervisors; the rules are the service's.
        return User.objects.get(pk=self.cleaned_data["supervisor"])


class RescheduleForm(forms.Form):
    planned_at = PlannedAtField(label=gettext_lazy("New date and time"))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class BulkForm(forms.Form):
    instruments = InstrumentChoiceField(label=gettext_lazy("Instruments"), queryset=InstrumentVersion.objects.none())
    start_date = forms.DateField(label=gettext_lazy("First day"), widget=DateInput())
    first_time = forms.TimeField(label=gettext_lazy("First slot at"), initial=FIRST_LESSON, widget=TimeInput())
    slot_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes between slots"),
        initial=120,
        min_value=30,
        max_value=480,
        help_text=gettext_lazy("1 JP = 40 minutes: 120 leaves room for a lesson of 2 JP and the talk after it."),
    )
    slots_per_day = forms.IntegerField(label=gettext_lazy("Slots per day"), initial=2, min_value=1, max_value=8)

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].queryset = instruments


class BlockedPeriodForm(forms.Form):
    start_date = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    end_date = forms.DateField(label=gettext_lazy("Until"), widget=DateInput())
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. Penilaian Tengah Semester")}),
    )


class RowFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", gettext_lazy("All")), *RowStatus.choices], required=False
    )
    supervisor = forms.TypedChoiceField(label=gettext_lazy("Supervisor"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, supervisors: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = [("", gettext_lazy("All")), *supervisors]
        for bound in self.fields.values():
            bound.widget.attrs["class"] = "form-select form-select-sm"
