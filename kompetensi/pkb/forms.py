"""Forms of the PKB log and of in-house activities. They type the input; the rules (JP range, dates,
evidence by content) live in `rules` and `services`, whose errors come back at these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from madrasah import ids
from madrasah.models import Staff

from ..models import PkbKind
from .rules import JP_MAX, JP_MIN
from .services import InHouseData, PkbData

UPLOAD_ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _jp_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("JP"), min_value=JP_MIN, max_value=JP_MAX, help_text=_("As on the certificate."))


def _minutes_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Minutes per JP"),
        min_value=1,
        max_value=600,
        initial=45,
        help_text=_("1 JP on a training certificate is usually 45 minutes."),
    )


class PkbActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PkbKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    jp = _jp_field()
    minutes_per_jp = _minutes_field()
    evidence = forms.FileField(
        label=_("Certificate or evidence (PDF, JPEG or PNG, at most 5 MB)"),
        required=False,
        # upload.js shrinks phone photos before sending; the server checks whatever arrives.
        widget=forms.FileInput(attrs={"accept": UPLOAD_ACCEPT, "data-downscale": "1"}),
    )

    def data_object(self) -> PkbData:
        d = self.cleaned_data
        return PkbData(
            kind=d["kind"],
            title=d["title"],
            organiser=d["organiser"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            jp=d["jp"],
            minutes_per_jp=d["minutes_per_jp"],
        )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the teacher correct?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AttendeeField(ids.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return obj.full_name


class InHouseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PkbKind.choices, initial=PkbKind.IN_HOUSE)
    organiser = forms.CharField(label=_("Organiser"), max_length=200)
    speaker = forms.CharField(label=_("Speaker"), max_length=200, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    jp = _jp_field()
    minutes_per_jp = _minutes_field()
    summary = forms.CharField(
        label=_("Summary for the berita acara"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attendees = AttendeeField(label=_("Attendees"), queryset=Staff.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = candidates

    def data_object(self) -> InHouseData:
        d = self.cleaned_data
        return InHouseData(
            title=d["title"],
            kind=d["kind"],
            organiser=d["organiser"],
            speaker=d["speaker"],
            place=d["place"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            jp=d["jp"],
            minutes_per_jp=d["minutes_per_jp"],
            summary=d["summary"],
        )
