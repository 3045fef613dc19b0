"""Forms of the reports pages. They type the input; the rules live in the services
(`services`), whose errors come back at these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import ScheduleData

DAY_1_TO_28 = _("Choose a day from 1 to 28: not every month has a 29th, 30th or 31st.")


class ReportScheduleForm(forms.Form):
    digest = forms.BooleanField(
        label=_("Monthly digest"),
        required=False,
        help_text=_("The previous month's digest, built on the day of the month below."),
    )
    digest_day = forms.IntegerField(
        label=_("Day of the month for the digest"),
        min_value=1,
        max_value=28,
        error_messages={
            "required": DAY_1_TO_28,
            "invalid": DAY_1_TO_28,
            "min_value": DAY_1_TO_28,
            "max_value": DAY_1_TO_28,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    semester_recap = forms.BooleanField(
        label=_("Semester recap and supervision report"),
        required=False,
        help_text=_("Built on the day each semester ends (its end date on the Semesters page)."),
    )
    bundle = forms.BooleanField(
        label=_("Yearly evidence bundle"),
        required=False,
        help_text=_(
            "One zip of the year's programme, decree, schedules, filled sheets, analyses and supervision "
            "reports, for the pengawas and for accreditation; built when the academic year ends (the end "
            "of the genap semester)."
        ),
    )

    @classmethod
    def of(cls, schedule) -> ReportScheduleForm:
        return cls(
            initial={
                "digest": schedule.digest,
                "digest_day": schedule.digest_day,
                "semester_recap": schedule.semester_recap,
                "bundle": schedule.bundle,
            }
        )

    def data_object(self) -> ScheduleData:
        d = self.cleaned_data
        return ScheduleData(
            digest=d["digest"], digest_day=d["digest_day"], semester_recap=d["semester_recap"], bundle=d["bundle"]
        )
