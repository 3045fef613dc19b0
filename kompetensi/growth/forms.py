"""Forms of the growth page. They type the input; the rules (who writes, how long) live in
`services`, whose errors come back at these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from .services import APPRECIATION_MAX


class AppreciationForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note of appreciation"),
        max_length=APPRECIATION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
