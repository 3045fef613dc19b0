"""Forms of quality cycles. They type the input; the rules (ranges, parameters, periods, stages) live
in `mutu.cycles.services`, whose errors come back at these fields."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kompetensi.instruments.seed_data import PKG_MAPEL_INSTRUMENT
from kompetensi.models import APPRAISAL_KINDS, Competency, Instrument, PredikatBand
from madrasah import ids
from madrasah.formatting import format_decimal_id
from madrasah.models import Madrasah, Staff
from madrasah.versioning import VersionedFormMixin

from ..good_practice import selectors as good_practice_selectors
from ..models import (
    ActivityStatus,
    Cycle,
    Decision,
    Direction,
    EdmAspect,
    FactorTag,
    FundingSource,
    IndicatorKind,
    SnpStandard,
)
from . import indicators, rules, selectors
from .rules import LOCKED_AFTER_PLAN
from .services import ActData, ActivityData, PlanData, ProgressData

UPLOAD_ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class NumberField(forms.Field):
    """A number typed the Indonesian way or not: `80`, `80,5`, `80.5`; `rupiah=True` reads dots as
    thousands (`Rp 1.500.000`). Ranges are the services' business."""

    def __init__(self, *, rupiah: bool = False, **kwargs):
        self.rupiah = rupiah
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric" if rupiah else "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            value = Decimal(value)
            if self.rupiah:
                return format_decimal_id(value, 0 if value == value.to_integral_value() else 2)
            return format_decimal_id(value, 2).replace(".", "")
        return value

    def to_python(self, value):
        text = str(value or "").strip().replace(" ", "").replace("\u00a0", "")
        if self.rupiah and text[:2].lower() == "rp":
            text = text[2:]
        if not text:
            return None
        if self.rupiah or "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Enter a number."), code="invalid") from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number."), code="invalid")
        return number


def _file_field(label) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        # upload.js shrinks phone photos before sending; the server checks whatever arrives.
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT, "data-downscale": "1"}),
    )


class StaffChoiceField(ids.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return obj.full_name


class StaffMultipleChoiceField(ids.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return obj.full_name


class CompetencyChoiceField(ids.ModelChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.framework.name}: {obj.number}. {obj.name}"


def _predikat_choices(madrasah: Madrasah) -> list[tuple[str, str]]:
    labels = PredikatBand.objects.filter(version__instrument__madrasah=madrasah).order_by("-lower_bound")
    names = list(dict.fromkeys(labels.values_list("label", flat=True)))
    # Before the madrasah has its PKG instrument, the common PKG bands (docs/domain.md §8) stand in.
    for _lower, default in PKG_MAPEL_INSTRUMENT["bands"]:
        if default not in names:
            names.append(default)
    return [("", "—"), *((name, name) for name in names)]


class CycleForm(VersionedFormMixin, forms.Form):
    """The plan. Once the cycle has left Plan, the indicator, its parameters and the period are
    shown but not editable. A stored cycle's form carries the plan's version token."""

    title = forms.CharField(label=_("Title"), max_length=200)
    standard = forms.ChoiceField(label=_("SNP standard"), choices=SnpStandard.choices, initial=SnpStandard.STAFF)
    edm_aspect = forms.ChoiceField(label=_("EDM aspect"), choices=EdmAspect.choices)
    edm_indicator = forms.CharField(
        label=_("EDM indicator"), max_length=300, help_text=_("The indicator of the self-evaluation it addresses.")
    )
    owner = StaffChoiceField(label=_("Owner"), queryset=Staff.objects.none(), empty_label=None)
    team = StaffMultipleChoiceField(
        label=_("Team (TPMM)"), queryset=Staff.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    period = forms.ChoiceField(label=_("Period"), help_text=_("A semester, or the whole academic year."))
    indicator = forms.ChoiceField(label=_("Indicator"), choices=IndicatorKind.choices, widget=forms.RadioSelect)
    instrument = ids.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.none(),
        required=False,
        help_text=_("For the indicators of a supervision instrument."),
    )
    section_title = forms.CharField(
        label=_("Section (optional)"),
        max_length=200,
        required=False,
        help_text=_("Average of one section only, as titled in the instrument."),
    )
    competency = CompetencyChoiceField(
        label=_("Competency (optional)"),
        queryset=Competency.objects.none(),
        required=False,
        help_text=_("Average of the items that inform this competency only."),
    )
    subject_group = forms.ChoiceField(label=_("Subject group (optional)"), required=False)
    predikat = forms.ChoiceField(
        label=_("Predikat (at or above)"), required=False, help_text=_("For the shares of teachers at a predikat.")
    )
    manual_name = forms.CharField(
        label=_("Name of the manual indicator"),
        max_length=200,
        required=False,
        help_text=_("For a manual indicator, e.g. teachers using the madrasah wifi."),
    )
    manual_unit = forms.CharField(label=_("Unit of the manual indicator"), max_length=20, required=False)
    direction = forms.ChoiceField(
        label=_("The value should be"), choices=Direction.choices, initial=Direction.AT_LEAST, widget=forms.RadioSelect
    )
    target = NumberField(
        label=_("Target"),
        help_text=_("Percentages and scores 0–100; JP 0–1.000; a manual indicator any value from 0."),
    )

    def __init__(self, *args, madrasah: Madrasah, cycle: Cycle | None = None, **kwargs):
        if cycle is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(cycle)
        super().__init__(*args, version=cycle.version if cycle is not None else None, **kwargs)
        staff = Staff.objects.filter(madrasah=madrasah, is_active=True).order_by("name")
        self.fields["owner"].queryset = staff
        self.fields["team"].queryset = staff
        self.fields["period"].choices = selectors.period_choices(madrasah=madrasah)
        self.fields["instrument"].queryset = (
            Instrument.objects.filter(madrasah=madrasah).exclude(kind__in=APPRAISAL_KINDS).order_by("kind", "name")
        )
        self.fields["competency"].queryset = Competency.objects.select_related("framework").order_by(
            "framework__code", "number"
        )
        self.fields["subject_group"].choices = [("", "—"), *((g, g) for g in indicators.subject_groups())]
        self.fields["predikat"].choices = _predikat_choices(madrasah)
        if cycle is not None and cycle.stage != "plan":
            for name in LOCKED_AFTER_PLAN:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the cycle has left Plan.")

    @staticmethod
    def initial_for(cycle: Cycle) -> dict:
        return {
            "title": cycle.title,
            "standard": cycle.standard,
            "edm_aspect": cycle.edm_aspect,
            "edm_indicator": cycle.edm_indicator,
            "owner": cycle.owner_id,
            "team": list(cycle.team.values_list("pk", flat=True)),
            "period": rules.period_value(cycle),
            "indicator": cycle.indicator,
            "instrument": cycle.instrument_id,
            "section_title": cycle.section_title,
            "competency": cycle.competency_id,
            "subject_group": cycle.subject_group,
            "predikat": cycle.predikat,
            "manual_name": cycle.manual_name,
            "manual_unit": cycle.manual_unit,
            "direction": cycle.direction,
            "target": cycle.target,
        }

    def data_object(self) -> PlanData:
        d = self.cleaned_data
        period = d["period"] or ""
        kind, number = period[:1], period[1:]
        year_id = int(number) if kind == "y" and number.isdigit() else None
        semester_id = int(number) if kind == "s" and number.isdigit() else None
        return PlanData(
            title=d["title"],
            standard=d["standard"],
            edm_aspect=d["edm_aspect"],
            edm_indicator=d["edm_indicator"],
            owner_id=d["owner"].pk if d["owner"] else None,
            team_ids=tuple(s.pk for s in d["team"]),
            academic_year_id=year_id,
            semester_id=semester_id,
            indicator=d["indicator"],
            instrument_id=d["instrument"].pk if d["instrument"] else None,
            section_title=d["section_title"],
            competency_id=d["competency"].pk if d["competency"] else None,
            subject_group=d["subject_group"],
            predikat=d["predikat"],
            manual_name=d["manual_name"],
            manual_unit=d["manual_unit"],
            direction=d["direction"],
            target=d["target"],
        )


class ActivityForm(forms.Form):
    what = forms.CharField(label=_("Activity"), max_length=200)
    who = forms.CharField(label=_("Who"), max_length=200)
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(label=_("Until"), widget=DateInput())
    planned_cost = NumberField(label=_("Planned cost (Rp)"), rupiah=True, required=False, initial=Decimal(0))
    spent = NumberField(label=_("Spent (Rp)"), rupiah=True, required=False, initial=Decimal(0))
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    rkam_activity = forms.CharField(
        label=_("RKAM activity"), max_length=200, required=False, help_text=_("The RKAM line that funds it.")
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices, initial=ActivityStatus.PLANNED)

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = rules.period_bounds(academic_year=cycle.academic_year, semester=cycle.semester)
        for name in ("start_date", "end_date"):
            self.fields[name].widget.attrs.update(min=start.isoformat(), max=end.isoformat())

    @staticmethod
    def initial_for(activity) -> dict:
        return {
            name: getattr(activity, name)
            for name in (
                "what",
                "who",
                "start_date",
                "end_date",
                "planned_cost",
                "spent",
                "funding_source",
                "rkam_activity",
                "status",
            )
        }

    def data_object(self) -> ActivityData:
        d = self.cleaned_data
        return ActivityData(
            what=d["what"],
            who=d["who"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            planned_cost=d["planned_cost"],
            spent=d["spent"],
            funding_source=d["funding_source"],
            rkam_activity=d["rkam_activity"],
            status=d["status"],
        )


class FollowUpChoiceField(ids.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.teacher.full_name} — {obj.description[:60]} ({obj.deadline:%d-%m-%Y})"


class AppreciationChoiceField(ids.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.teacher.full_name} — {obj.text[:60]}"


class ProgressForm(forms.Form):
    """Progress on one activity. Several of these sit on a cycle's page: each gets its own ids."""

    note = forms.CharField(label=_("What has been done?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    evidence = _file_field(_("Evidence (PDF, JPEG or PNG, at most 5 MB)"))
    status = forms.ChoiceField(label=_("Activity status after this entry"), required=False)
    coaching = FollowUpChoiceField(
        label=_("Coaching session (optional)"), queryset=Staff.objects.none(), required=False
    )
    appreciation = AppreciationChoiceField(
        label=_("Appreciation note (optional)"), queryset=Staff.objects.none(), required=False
    )
    good_practice = ids.ModelChoiceField(
        label=_("Published good practice (optional)"), queryset=Staff.objects.none(), required=False
    )

    def __init__(self, *args, activity, madrasah: Madrasah, period: rules.Period, **kwargs):
        kwargs.setdefault("auto_id", f"progress-{activity.pk}-%s")
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["status"].choices = [("", _("unchanged")), *ActivityStatus.choices]
        self.fields["coaching"].queryset = selectors.coaching_choices(madrasah=madrasah, period=period)
        self.fields["appreciation"].queryset = selectors.appreciation_choices(madrasah=madrasah, period=period)
        self.fields["good_practice"].queryset = good_practice_selectors.good_practice_published(madrasah=madrasah)

    def data_object(self) -> ProgressData:
        d = self.cleaned_data
        return ProgressData(
            note=d["note"],
            upload=d["evidence"] or None,
            coaching_id=d["coaching"].pk if d["coaching"] else None,
            appreciation_id=d["appreciation"].pk if d["appreciation"] else None,
            good_practice_id=d["good_practice"].pk if d["good_practice"] else None,
            status=d["status"] or "",
        )


class ManualMeasureForm(forms.Form):
    value = NumberField(label=_("Measured value"))
    note = forms.CharField(
        label=_("How it was measured"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )
    evidence = _file_field(_("Evidence (PDF, JPEG or PNG, at most 5 MB)"))


class ActForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    decision_reason = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    supporting_factors = forms.CharField(
        label=_("Supporting factors"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )
    supporting_tags = forms.MultipleChoiceField(
        label=_("Supporting factors (tags)"),
        choices=FactorTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    inhibiting_factors = forms.CharField(
        label=_("Inhibiting factors"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )
    inhibiting_tags = forms.MultipleChoiceField(
        label=_("Inhibiting factors (tags)"),
        choices=FactorTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @staticmethod
    def initial_for(cycle: Cycle) -> dict:
        return {
            "decision": cycle.decision,
            "decision_reason": cycle.decision_reason,
            "supporting_factors": cycle.supporting_factors,
            "supporting_tags": cycle.supporting_tags,
            "inhibiting_factors": cycle.inhibiting_factors,
            "inhibiting_tags": cycle.inhibiting_tags,
        }

    def data_object(self) -> ActData:
        d = self.cleaned_data
        return ActData(
            decision=d["decision"],
            decision_reason=d["decision_reason"],
            supporting_factors=d["supporting_factors"],
            supporting_tags=tuple(d["supporting_tags"]),
            inhibiting_factors=d["inhibiting_factors"],
            inhibiting_tags=tuple(d["inhibiting_tags"]),
        )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the cycle go back a stage?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
