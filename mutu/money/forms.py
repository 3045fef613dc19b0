"""Forms of the entrepreneurship log. They type the input; the rules (no negative amounts, no date in
the future, a unit named) live in `mutu.money.services`, whose errors come back at these fields."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import MONEY
from .services import BusinessData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


class RupiahField(forms.DecimalField):
    """An amount in Rupiah as people write it: `1250000`, `1.250.000`, `Rp 1.250.000` or `1.250.000,50`
    (dots group thousands, a comma starts the decimals)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MONEY["max_digits"])
        kwargs.setdefault("decimal_places", MONEY["decimal_places"])
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        attrs.pop("step", None)
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace("\u00a0", "").replace(" ", "")
            text = re.sub(r"^(-?)Rp\.?", r"\1", text, flags=re.IGNORECASE)
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            elif THOUSANDS.match(text):
                text = text.replace(".", "")
            value = text
        return super().to_python(value)

    def prepare_value(self, value):
        """Shown back without thousands dots and without `,00`, so it reads as typed."""
        if isinstance(value, Decimal):
            return f"{value:f}".removesuffix(".00").replace(".", ",")
        return value


class BusinessActivityForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    unit = forms.CharField(
        label=_("Business unit"),
        max_length=120,
        help_text=_("e.g. Koperasi, kantin, produksi batik"),
        widget=forms.TextInput(attrs={"list": "business-units", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("Activity"), max_length=300)
    income = RupiahField(label=_("Income (Rp)"), help_text=_("Write 0 when there was none."))
    expense = RupiahField(label=_("Expense (Rp)"), help_text=_("Write 0 when there was none."))

    def data_object(self) -> BusinessData:
        d = self.cleaned_data
        return BusinessData(
            date=d["date"], unit=d["unit"], description=d["description"], income=d["income"], expense=d["expense"]
        )
