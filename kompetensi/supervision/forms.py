"""Forms of supervision: the team and programme, the observation sheet, follow-ups and evidence.
They only parse input: the rules live in the services, whose errors come back at the field they name.

An observation sheet — a plain form POST or an autosave body — is read into what
`services.observations.observation_save` takes: `(base_revision, scores, fields)`. Only the shape is
checked here (a revision, whole numbers, text, a date). Whether a score lies on the version's scale,
whether an item belongs to the version and whether "not applicable" is allowed is the service's
business, so both ways in give the same answers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah import ids
from madrasah.errors import ApplicationError
from madrasah.ids import ID_MAX
from madrasah.models import Staff, Subject, User
from madrasah.texts import shorten

from ..models import FollowUpKind, InstrumentVersion, Item, Observation
from .rules import TEXT_FIELDS, RowStatus, TeamProposal
from .selectors.observations import item_numbers

# --- the observation sheet -------------------------------------------------------------------------

NOT_APPLICABLE = "na"  # the value of the "tidak berlaku" choice in the form
DATE_FIELD = "observed_on"


def item_field(item_id: int) -> str:
    return f"item-{item_id}"


def note_field(item_id: int) -> str:
    return f"note-{item_id}"


def _revision(value) -> int:
    if isinstance(value, bool):
        value = None
    try:
        revision = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON's 1e400 is an infinite float
        revision = -1
    if not 0 <= revision <= ID_MAX:
        raise ApplicationError(_("The sheet does not say which version it started from. Reload the page."))
    return revision


def _points(value):
    """None for "not scored"; an int; or the raw text for the service to refuse as not a number.
    Booleans and fractions are refused here: `int()` would quietly turn them into scores."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ApplicationError(_("A score must be a whole number."))
    if isinstance(value, float):
        return int(value)
    if isinstance(value, int | str):
        return value
    raise ApplicationError(_("A score must be a whole number."))


def _text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApplicationError(_("Notes must be text."))
    return value


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ApplicationError(_("The observation date is not a valid date.")) from None


def _fields(source) -> dict:
    fields = {name: _text(source[name]) for name in TEXT_FIELDS if name in source}
    if DATE_FIELD in source:
        fields[DATE_FIELD] = _date(source[DATE_FIELD])
    return fields


def payload_from_post(data: QueryDict, *, item_ids: Iterable[int]) -> tuple[int, dict, dict]:
    """The plain form: one radio group `item-<id>` (a score, "na" or nothing) and one note
    `note-<id>` per item of the version. Items the form does not carry are left alone."""
    revision = _revision(data.get("base_revision"))
    scores = {}
    for item_id in item_ids:
        choice, note = data.get(item_field(item_id)), data.get(note_field(item_id))
        if choice is None and note is None:
            continue
        na = choice == NOT_APPLICABLE
        scores[item_id] = {"points": None if na else _points(choice), "na": na, "note": note or ""}
    return revision, scores, _fields(data)


def payload_from_json(body: bytes) -> tuple[int, dict, dict]:
    """The autosave body: `{"base_revision": 3, "scores": {"<item id>": {"points": 4, "na": false,
    "note": "…"}}, "fields": {"strengths": "…", "observed_on": "2026-08-03", …}}`."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: thousands of nested brackets
        data = None
    if not isinstance(data, dict):
        raise ApplicationError(_("The data sent could not be read. Reload the page."))
    scores, fields = data.get("scores") or {}, data.get("fields") or {}
    if not isinstance(scores, dict) or not isinstance(fields, dict):
        raise ApplicationError(_("The data sent could not be read. Reload the page."))
    cleaned = {}
    for item_id, value in scores.items():
        if not isinstance(value, dict):
            raise ApplicationError(_("The data sent could not be read. Reload the page."))
        na = value.get("na") is True
        cleaned[item_id] = {
            "points": None if na else _points(value.get("points")),
            "na": na,
            "note": _text(value.get("note")),
        }
    return _revision(data.get("base_revision")), cleaned, _fields(fields)


# --- team and programme ----------------------------------------------------------------------------


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


def not_before_today(field: PlannedAtField) -> None:
    """The phone's date picker starts at today: the service refuses a day already over anyway, with its
    message at the field."""
    field.widget.widgets[0].attrs["min"] = timezone.localdate().isoformat()


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
    # `class-names`: the datalist of the madrasah's class names the row form's page renders.
    class_name = forms.CharField(
        label=gettext_lazy("Class"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"list": "class-names", "placeholder": gettext_lazy("e.g. VIII-A")}),
    )
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
        not_before_today(self.fields["planned_at"])

    def clean_supervisor(self) -> User:
        # The choices hold only this madrasah's possible supervisors; the rules are the service's.
        return User.objects.get(pk=self.cleaned_data["supervisor"])


class RescheduleForm(forms.Form):
    planned_at = PlannedAtField(label=gettext_lazy("New date and time"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        not_before_today(self.fields["planned_at"])


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

    def __init__(self, *args, instruments, timetable: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].queryset = instruments
        if timetable:  # the times are the lessons' own: only how many a day is asked
            del self.fields["first_time"], self.fields["slot_minutes"]
            self.fields["slots_per_day"].label = gettext_lazy("Observations per day at most")


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


# --- follow-ups and evidence -------------------------------------------------------------------------


UPLOAD_ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _file_field(required: bool = False) -> forms.FileField:
    return forms.FileField(
        label=gettext_lazy("Evidence (PDF, JPEG or PNG, at most 5 MB)"),
        required=required,
        # upload.js shrinks phone photos to ~300 KB before sending; the server checks whatever arrives.
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT, "data-downscale": "1"}),
    )


class EvidenceForm(forms.Form):
    file = _file_field(required=True)


class ProgressForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("What have you done?"), widget=forms.Textarea(attrs={"rows": 3}))
    file = _file_field()


class ItemChoiceField(ids.ModelMultipleChoiceField):
    def __init__(self, *args, numbers=None, **kwargs):
        self.numbers = numbers or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Item) -> str:
        return _("Item %(number)s: %(text)s") % {
            "number": self.numbers.get(obj.pk, "?"),
            "text": shorten(obj.text, 120),
        }


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FollowUpKind.choices)
    description = forms.CharField(
        label=gettext_lazy("What is to be done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    responsible = forms.CharField(label=gettext_lazy("Who"), max_length=200)
    deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=DateInput())
    items = ItemChoiceField(
        label=gettext_lazy("Items it addresses"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, observation: Observation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        field.numbers = item_numbers(observation)
        field.queryset = Item.objects.filter(section__version_id=observation.instrument_version_id).order_by(
            "section__order", "section__pk", "order", "pk"
        )
