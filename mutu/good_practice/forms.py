"""Forms of shared good practice. Plain text only: the pages escape what is written and keep its line
breaks. The rules live in `mutu.good_practice.services`, whose errors come back at these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .rules import BODY_MAX, RETURN_NOTE_MAX, TITLE_MAX, GoodPracticeData


class GoodPracticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Write-up"),
        max_length=BODY_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What did you try, with which class, and what came of it? Plain text; an empty line starts a new paragraph."
        ),
    )

    def data_object(self) -> GoodPracticeData:
        return GoodPracticeData(title=self.cleaned_data["title"], body=self.cleaned_data["body"])


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the teacher add or change?"),
        max_length=RETURN_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
