"""Forms of instruments: the settings of a version (scale, options, predikat bands) and a section with
its items. They only parse input: the rules live in `services`, whose errors come back at the field
they name."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah import ids
from madrasah.texts import shorten

from ..models import BandRounding, Indicator, InstrumentVersion, ItemScoring, SectionCombining
from . import workbook
from .scoring import has_official_rule
from .workbook.reading import file_too_large_message

SCORING_OPTIONS = ("item_scoring", "section_combining", "band_rounding")


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


class VersionSettingsForm(forms.Form):
    """Scale, options and bands of an instrument version. Labels and bands are typed one per line,
    which works on a phone as well as on a desk."""

    scale_min = forms.IntegerField(label=gettext_lazy("Lowest score"), min_value=0, max_value=10)
    scale_max = forms.IntegerField(label=gettext_lazy("Highest score"), min_value=1, max_value=10)
    scale_labels = forms.CharField(
        label=gettext_lazy("Score labels"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=gettext_lazy("One per line: score = label, e.g. 4 = Ada, lengkap dan sesuai"),
    )
    allow_not_applicable = forms.BooleanField(label=gettext_lazy("Items may be marked not applicable"), required=False)
    follow_up_below = forms.DecimalField(
        label=gettext_lazy("An item scored below this proposes a follow-up"), max_digits=4, decimal_places=1
    )
    bands = forms.CharField(
        label=gettext_lazy("Predikat bands"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "One per line: lower bound and predikat, e.g. 91 Amat Baik. A value takes the highest band whose "
            "lower bound it reaches; the lowest band starts at 0."
        ),
    )

    item_scoring = forms.ChoiceField(
        label=gettext_lazy("Item points"),
        choices=ItemScoring.choices,
        initial=ItemScoring.AS_GIVEN,
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy(
            "Normalised: on a 1–4 scale an item scored 1 counts nothing, 2 one third and 4 in full."
        ),
    )
    section_combining = forms.ChoiceField(
        label=gettext_lazy("Sections combined as"),
        choices=SectionCombining.choices,
        initial=SectionCombining.POOLED,
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy(
            "Pooled: a section with more items weighs more. Weighted mean: each answered section counts by "
            "its weight alone, whatever its number of items."
        ),
    )
    band_rounding = forms.ChoiceField(
        label=gettext_lazy("Predikat read from"),
        choices=BandRounding.choices,
        initial=BandRounding.NONE,
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy(
            "Rounding is half up (75.5 → 76). The score is stored unrounded; pages show it as the predikat read it."
        ),
    )

    def __init__(self, *args, version: InstrumentVersion, **kwargs):
        super().__init__(*args, **kwargs)
        # A version scored by the official rule (PKG) is not offered the options; what a POST sends
        # for them anyway goes to the service as sent, which refuses it (`clean`).
        self.official = has_official_rule(version.instrument.kind)
        if self.official:
            for name in SCORING_OPTIONS:
                del self.fields[name]

    @classmethod
    def initial_for(cls, version: InstrumentVersion) -> dict:
        return {
            "scale_min": version.scale_min,
            "scale_max": version.scale_max,
            "scale_labels": "\n".join(
                f"{k} = {v}" for k, v in sorted(version.scale_labels.items(), key=lambda kv: int(kv[0]))
            ),
            "allow_not_applicable": version.allow_not_applicable,
            "follow_up_below": version.follow_up_below,
            "bands": "\n".join(f"{b.lower_bound.normalize():f} {b.label}" for b in version.bands.all()),
            **{name: getattr(version, name) for name in SCORING_OPTIONS},
        }

    def clean_scale_labels(self) -> dict[str, str]:
        labels, errors = {}, []
        for number, line in _lines(self.cleaned_data["scale_labels"]):
            value, sep, label = line.partition("=")
            if not sep or not value.strip().lstrip("-").isdigit() or not label.strip():
                errors.append(_("Line %(line)s: write it as “score = label”.") % {"line": number})
                continue
            labels[str(int(value))] = label.strip()
        if errors:
            raise ValidationError(errors)
        return labels

    def clean_bands(self) -> list[tuple[Decimal, str]]:
        bands, errors = [], []
        for number, line in _lines(self.cleaned_data["bands"]):
            value, _sep, label = line.partition(" ")
            try:
                lower = Decimal(value.replace(",", "."))
            except InvalidOperation:
                errors.append(_("Line %(line)s: start with the lower bound, e.g. 91 Amat Baik.") % {"line": number})
                continue
            if not label.strip():
                errors.append(_("Line %(line)s: the predikat label is missing.") % {"line": number})
                continue
            bands.append((lower, label.strip()))
        if errors:
            raise ValidationError(errors)
        return sorted(bands, reverse=True)

    def clean(self):
        data = super().clean()
        if self.official:
            data.update({name: str(self.data[name]) for name in SCORING_OPTIONS if name in self.data})
        else:
            # A radio left unset (a form posted without the options) keeps what the version has.
            data.update({name: self.initial[name] for name in SCORING_OPTIONS if not data.get(name)})
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None:
            if low >= high:
                self.add_error("scale_max", _("The highest score must be above the lowest."))
                return data
            for key in data.get("scale_labels", {}) or {}:
                if not low <= int(key) <= high:
                    self.add_error("scale_labels", _("Score %(score)s is outside the scale.") % {"score": key})
        return data


class SectionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"),
        max_digits=4,
        decimal_places=2,
        initial=Decimal(1),
        help_text=gettext_lazy("2 makes this section count double in the total."),
    )

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight <= 0:
            raise ValidationError(_("The weight must be above 0."))
        return weight


class ItemForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Item"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    indicator = ids.ModelChoiceField(
        label=gettext_lazy("PKG indicator it informs"), queryset=Indicator.objects.none(), required=False
    )

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.fields["indicator"].queryset = indicators
            self.fields["indicator"].label_from_instance = lambda i: (
                f"{i.competency.number}.{i.number} {shorten(i.text, 70)}"
            )


class BaseItemFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError(_("A section needs at least one item."))

    def items(self) -> list[dict]:
        return [
            {"text": f.cleaned_data["text"].strip(), "indicator": f.cleaned_data.get("indicator")}
            for f in self.forms
            if f.cleaned_data.get("text", "").strip() and not f.cleaned_data.get("DELETE")
        ]


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=3, can_delete=True, max_num=100)


class InstrumentImportForm(forms.Form):
    """An instrument workbook and the academic year its version is for."""

    academic_year = ids.ModelChoiceField(label=gettext_lazy("Academic year"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("The template filled in, or a workbook exported from an instrument. At most 1 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = years
        self.fields["academic_year"].label_from_instance = lambda year: year.name

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > workbook.MAX_FILE_BYTES:  # refused before anything reads it
            raise ValidationError(file_too_large_message())
        return upload
