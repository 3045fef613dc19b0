from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MinValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import identifiers, ids, regions, selectors
from .files import image_upload_check
from .models import (
    DecreeNumbering,
    EmploymentStatus,
    Madrasah,
    MadrasahStatus,
    Membership,
    Role,
    SemesterKind,
    Staff,
    Subject,
    TeacherType,
)
from .versioning import VersionedFormMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        # ISO format: the browser's date input reads and writes yyyy-mm-dd whatever the language.
        super().__init__(format="%Y-%m-%d", **kwargs)


IDENTIFIER_FIELDS = ("nip", "nignp", "npk", "nuptk", "peg_id")


def staff_identifiers_check(
    data: Mapping[str, Any], *, identifier_required: bool = True
) -> tuple[dict[str, str], dict[str | None, list[str]], list[str]]:
    """The EMIS identifier rules of one person (docs/domain.md §5 "Identifiers"), shared by `StaffForm`
    and the Excel import so both refuse and warn alike.

    `data` holds the raw identifier values (`nip`, `nignp`, `npk`, `nuptk`, `peg_id`) and the
    `employment_status`, `birth_date` and `sex` they are checked against. Returns the cleaned
    identifiers (digits only; an EMIS `ID…` in the NUPTK column becomes the PegID), the error
    messages by field (`None`: no identifier at all, unless not `identifier_required`) and the
    warnings, which do not block.
    """
    status = data.get("employment_status") or None
    cleaned: dict[str, str] = {}
    errors: dict[str | None, list[str]] = {}
    warnings: list[str] = []

    def check(name: str, validate, value: str) -> None:
        try:
            cleaned[name] = validate(value) if value else ""
        except ValidationError as error:
            errors[name] = list(error.messages)

    check("nignp", identifiers.validate_nignp, data.get("nignp") or "")
    check("npk", identifiers.validate_npk, data.get("npk") or "")
    nuptk, peg_id_from_nuptk = identifiers.split_nuptk_column(data.get("nuptk") or "")
    check("nuptk", identifiers.validate_nuptk, nuptk)
    check("peg_id", identifiers.validate_peg_id, data.get("peg_id") or peg_id_from_nuptk)
    nip = identifiers.clean_digits(data.get("nip") or "")
    if nip:
        try:
            identifiers.parse_nip(nip, pppk=status in EmploymentStatus.pppk() if status else None)
            cleaned["nip"] = nip
            warnings += identifiers.nip_warnings(nip, birth_date=data.get("birth_date"), sex=data.get("sex"))
        except ValidationError as error:
            errors["nip"] = list(error.messages)
    else:
        cleaned["nip"] = ""
        if status in EmploymentStatus.civil_servant() | EmploymentStatus.pppk():
            errors["nip"] = [_("A PNS or PPPK teacher must have a NIP.")]
    has_identifier = cleaned.get("nip") or cleaned.get("nignp") or cleaned.get("peg_id")
    if identifier_required and not has_identifier and "nip" not in errors:
        errors[None] = [_("Fill in at least one of NIP, NIGNP or PegID: it becomes the username.")]
    return cleaned, errors, warnings


class StaffForm(VersionedFormMixin, forms.ModelForm):
    """Teacher and staff data with the EMIS identifier rules (docs/domain.md §5 "Identifiers").

    Errors block; disagreements that real data contains (the NIP's birth date against the recorded
    one) are collected in `self.warnings` and shown without blocking.
    """

    # Wider than the stored 18 digits: people type or paste the printed form `19700101 199803 1 002`.
    nip = forms.CharField(label="NIP", max_length=30, required=False)
    nuptk = forms.CharField(label="NUPTK", max_length=30, required=False)

    @property
    def identifier_required(self) -> bool:
        """A teacher's NIP, NIGNP or PegID becomes their username; staff who are not teachers may have
        none (the setup makes the operator's username from the name)."""
        teacher_type = self.cleaned_data.get("teacher_type", self.instance.teacher_type)
        return teacher_type != TeacherType.NONE

    class Meta:
        model = Staff
        formfield_callback = ids.id_formfield
        fields = [
            "front_title",
            "name",
            "back_title",
            "sex",
            "birth_place",
            "birth_date",
            "employment_status",
            "nip",
            "nignp",
            "npk",
            "nuptk",
            "peg_id",
            "rank",
            "career_level",
            "certified",
            "teacher_type",
            "subjects",
            "extra_duties",
            "phone",
        ]
        widgets = {
            "birth_date": DateInput(),
            "subjects": forms.CheckboxSelectMultiple,
            "teacher_type": forms.RadioSelect,
        }

    def __init__(self, *args, madrasah: Madrasah, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            kwargs.setdefault("version", instance.version)  # an edit is based on the version it opened
        super().__init__(*args, **kwargs)
        self.madrasah = madrasah
        self.warnings: list[str] = []
        self.fields["subjects"].queryset = selectors.subjects_for(madrasah=madrasah)
        if self.instance.pk is None:
            # The operator says what a new person is: a preselected "subject teacher" silently counted
            # office staff as teachers (supervision, PKG, recaps).
            self.initial["teacher_type"] = None
        for name in IDENTIFIER_FIELDS:
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["nuptk"].help_text = _("16 digits. An EMIS value such as ID12345678 is read as a PegID.")

    def clean(self):
        data = super().clean()
        cleaned, errors, warnings = staff_identifiers_check(data, identifier_required=self.identifier_required)
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name, message)
        data.update({name: value for name, value in cleaned.items() if name not in self.errors})
        self.warnings += warnings
        self._check_duplicates(data)
        return data

    def _check_duplicates(self, data) -> None:
        others = Staff.objects.filter(madrasah=self.madrasah)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        for name in IDENTIFIER_FIELDS:
            value = data.get(name)
            if value and name not in self.errors:
                holder = others.filter(**{name: value}).first()
                if holder:
                    self.add_error(
                        name,
                        _("%(label)s %(value)s is already recorded for %(name)s.")
                        % {"label": self.fields[name].label, "value": value, "name": holder.full_name},
                    )


def staff_stored_values(staff: Staff) -> dict:
    """The record as `StaffForm` shows it, to set beside a refused copy's entries."""
    return forms.models.model_to_dict(staff, fields=StaffForm._meta.fields)


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    subject = ids.ModelChoiceField(label=gettext_lazy("Subject"), queryset=Subject.objects.all(), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", "—"), *EmploymentStatus.choices], required=False
    )
    teacher_type = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=[("", "—"), *TeacherType.choices], required=False
    )
    certified = forms.ChoiceField(
        label=gettext_lazy("Certified"),
        choices=[("", "—"), ("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))],
        required=False,
    )
    active = forms.ChoiceField(
        label=gettext_lazy("Active"),
        choices=[("1", gettext_lazy("Active")), ("0", gettext_lazy("Inactive")), ("", gettext_lazy("All"))],
        required=False,
    )

    def __init__(self, *args, madrasah: Madrasah, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = selectors.subjects_for(madrasah=madrasah)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Name or identifier")})


class _RoleField(forms.MultipleChoiceField):
    # Boxes are shown only for the roles the actor may give, but any role is read: the service then says
    # why a role the actor may not give was refused instead of a generic "not a valid choice".
    def valid_value(self, value) -> bool:
        return value in Role.values


class AccountForm(forms.Form):
    """The roles the actor may give (`grantable`); roles held that the actor may not change are kept as
    they are and shown beside the form, never offered as boxes."""

    roles = _RoleField(
        label=gettext_lazy("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, grantable=frozenset(), held=frozenset(), **kwargs):
        held = set(held)
        # A person of the madrasah is never its pengawas (added by NIP on the pengawas page).
        offered = set(grantable) - {Role.PENGAWAS}
        initial = sorted(held & offered) if held else [Role.GURU]
        super().__init__(*args, initial={"roles": initial}, **kwargs)
        self.kept = held - offered
        self.fields["roles"].choices = [(value, label) for value, label in Role.choices if value in offered]

    def clean_roles(self):
        roles = set(self.cleaned_data["roles"]) | self.kept
        if not roles:
            raise ValidationError(_("Choose at least one role."))
        return sorted(roles)


class MembershipChoiceForm(forms.Form):
    membership = forms.TypedChoiceField(label=gettext_lazy("Madrasah"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [(m.pk, m.madrasah.name) for m in memberships]


class SemesterForm(forms.Form):
    start_year = forms.IntegerField(
        label=gettext_lazy("Academic year starting in"),
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("2025 for 2025/2026."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Semester"), choices=SemesterKind.choices)
    start_date = forms.DateField(label=gettext_lazy("Start date"), required=False, widget=DateInput())
    end_date = forms.DateField(label=gettext_lazy("End date"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The end date must be after the start date."))
        return data


class MadrasahForm(forms.ModelForm):
    """The madrasah's own data and letterhead: one form for the setup wizard and the profile page."""

    # A plain file field: the upload is judged by `image_upload_check` (content, size) with its own
    # messages, not by the image field's generic one.
    emblem = forms.FileField(
        label=capfirst(Madrasah._meta.get_field("emblem").verbose_name),
        help_text=Madrasah._meta.get_field("emblem").help_text,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg", "data-logo-input": ""}),
    )

    class Meta:
        model = Madrasah
        fields = [
            "name",
            "nsm",
            "npsn",
            "status",
            "foundation_name",
            "ministry_line",
            "district_office",
            "address",
            "regency",
            "province",
            "time_zone",
            "city",
            "phone",
            "email",
            "website",
            "letterhead_lines",
            "emblem",
            "paper_size",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "letterhead_lines": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, read from the NSM (`clean`); asked when the NSM does not tell (Papua).
        for name in ("regency", "province"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Left empty, it is read from the NSM.")
        self.fields["time_zone"].help_text = _("A new madrasah: read from the NSM unless you choose.")
        # Required for a madrasah negeri only; a madrasah swasta prints its yayasan instead (`clean`).
        self.fields["district_office"].required = False
        self.fields["district_office"].help_text = _(
            "For a madrasah negeri, e.g. KANTOR KEMENTERIAN AGAMA KABUPATEN PAMEKASAN. "
            "Left empty, it is made from the kabupaten/kota."
        )
        self.fields["city"].required = False
        self.fields["city"].help_text = _("Left empty, the kabupaten/kota without the word Kabupaten or Kota.")
        self.fields["nsm"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["npsn"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_nsm(self):
        return identifiers.validate_nsm(self.cleaned_data["nsm"])

    def _read_from_nsm(self, data: dict) -> None:
        """What the NSM says (docs/domain.md, "NSM"): the kabupaten/kota and province when left empty; for
        a new madrasah, the status and time zone the person did not choose."""
        nsm = data.get("nsm") if "nsm" not in self.errors else ""
        if not (data.get("regency") or "").strip() and "regency" not in self.errors:
            data["regency"] = regions.regency_for_nsm(nsm or "")
            if not data["regency"]:
                self.add_error("regency", _("Fill in the kabupaten/kota: it cannot be read from this NSM."))
        if not (data.get("province") or "").strip() and "province" not in self.errors:
            data["province"] = regions.province_for_nsm(nsm or "")
            if not data["province"]:
                self.add_error("province", _("Fill in the province: it cannot be read from this NSM."))
        if self.instance.pk is None and nsm:
            if "status" not in self.changed_data:
                data["status"] = MadrasahStatus.NEGERI if nsm.startswith("1211") else MadrasahStatus.SWASTA
            if "time_zone" not in self.changed_data:
                data["time_zone"] = regions.time_zone_for_nsm(nsm) or data.get("time_zone")

    def clean_npsn(self):
        return identifiers.validate_npsn(self.cleaned_data["npsn"])

    def clean_emblem(self):
        upload = self.cleaned_data.get("emblem")
        if isinstance(upload, UploadedFile):
            image_upload_check(upload)
        return upload

    def clean(self):
        data = super().clean()
        self._read_from_nsm(data)
        regency = data.get("regency") or ""
        if not (data.get("city") or "").strip() and "city" not in self.errors:
            data["city"] = regions.signing_place_for(regency)
            if not data["city"] and "regency" not in self.errors:
                self.add_error("city", _("Fill in the place written before the date of documents."))
        if data.get("status") != MadrasahStatus.SWASTA and not (data.get("district_office") or "").strip():
            data["district_office"] = regions.district_office_for(regency)
        if data.get("status") == MadrasahStatus.SWASTA:
            if not (data.get("foundation_name") or "").strip():
                self.add_error(
                    "foundation_name",
                    _("A madrasah swasta prints its foundation (yayasan) on the letterhead: fill in its name."),
                )
        elif not (data.get("district_office") or "").strip():
            self.add_error(
                "district_office", _("A madrasah negeri prints its Kemenag office on the letterhead: fill it in.")
            )
        return data


class NumberingForm(forms.ModelForm):
    """Document numbers (KMA 9/2016): the unit and classification codes, and where this year's agenda
    book stands, so the product's numbers do not repeat letters numbered by hand."""

    class Meta:
        model = Madrasah
        fields = ["unit_code", "classification_code", "numbering_start", "decree_numbering"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["numbering_start"].min_value = 1
        self.fields["numbering_start"].validators.append(MinValueValidator(1))
        self.fields["numbering_start"].help_text = _(
            "The number after the last letter already numbered by hand this year (1 if none). The product's "
            "documents of this year start there."
        )
        # Forms posted before the setting existed (and the setup step) leave it as it was.
        self.fields["decree_numbering"].required = False

    def clean_decree_numbering(self):
        return self.cleaned_data.get("decree_numbering") or self.instance.decree_numbering or DecreeNumbering.AGENDA


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("The template filled in, or a teacher export of EMIS GTK. At most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        from . import staff_excel  # imports this module

        upload = self.cleaned_data["file"]
        if upload.size > staff_excel.MAX_FILE_BYTES:  # refused before anything reads it
            raise ValidationError(staff_excel.file_too_large_message())
        return upload


class LocalSubjectForm(forms.Form):
    """A local subject (muatan lokal) of the madrasah: its name and, if the madrasah uses one, a code."""

    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("e.g. Bahasa Madura, Tahfidz, Baca Kitab")
    )
    code = forms.SlugField(
        label=gettext_lazy("Code (optional)"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Lower-case letters, digits and dashes, e.g. bahasa-madura."),
    )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class WakaChoiceField(ids.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.staff.full_name


class WakaForm(forms.Form):
    """The Kepala names the Waka Kurikulum from the dashboard: one of the teachers with a login here."""

    membership = WakaChoiceField(
        label=gettext_lazy("Waka Kurikulum"),
        queryset=None,
        empty_label=gettext_lazy("— choose a teacher —"),
        help_text=gettext_lazy("Plans supervision and enters results. Roles change later on the person's page."),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.filter(madrasah=actor.madrasah, is_active=True, staff__is_active=True)
            .exclude(pk=actor.pk)
            .exclude(staff__teacher_type=TeacherType.NONE)
            .select_related("staff")
            .order_by("staff__name")
        )
