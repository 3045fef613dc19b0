"""The tenant (Madrasah), its periods, its people and who may do what there.

Every domain row of later apps hangs off a `Madrasah`; access to all of them goes through
`madrasah.access`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .files import upload_to_random
from .identifiers import StaffIdentifier, format_nip, staff_identifier


class User(AbstractUser):
    """A login. The username is the person's NIP, NIGNP or PegID (teachers have no email)."""

    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Given by the person on "Akun saya": stored as 628…, what a wa.me link takes.
    whatsapp = models.CharField(_("WhatsApp number"), max_length=16, blank=True)
    # Installation-wide, not per madrasah: the Kasi Penmad of the Kankemenag or a coordinating pengawas
    # reads the district overview (laporan.district) and nothing of any madrasah's records. Only the
    # installation administrator grants it (the admin, `manage.py district_reader`): docs/domain.md §3.
    district_reader = models.BooleanField(_("district reader"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class PaperSize(models.TextChoices):
    F4 = "F4", "F4 (215 × 330 mm)"
    A4 = "A4", "A4 (210 × 297 mm)"


class MadrasahStatus(models.TextChoices):
    NEGERI = "negeri", _("State (negeri)")
    SWASTA = "swasta", _("Private (swasta)")


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", "WIB (UTC+7)"
    WITA = "Asia/Makassar", "WITA (UTC+8)"
    WIT = "Asia/Jayapura", "WIT (UTC+9)"


class SetupStep(models.TextChoices):
    """The setup wizard's steps after the madrasah's own data, in order; "" once the setup is done."""

    NUMBERING = "numbering", _("Document numbering")
    KEPALA = "kepala", _("Kepala")
    OPERATOR = "operator", _("Operator")
    SEMESTERS = "semesters", _("Academic year and semesters")
    SLIPS = "slips", _("First-login slips")


class DecreeNumbering(models.TextChoices):
    AGENDA = "agenda", _("Like letters: B-12/Mts.13.28.03/PP.00.4/07/2026")
    NUMBER_YEAR = "number_year", _("Number and year: NOMOR 12 TAHUN 2026")


class Madrasah(models.Model):
    name = models.CharField(_("name"), max_length=200)
    nsm = models.CharField("NSM", max_length=12, unique=True)
    npsn = models.CharField("NPSN", max_length=8, unique=True)
    status = models.CharField(_("status"), max_length=6, choices=MadrasahStatus, default=MadrasahStatus.NEGERI)
    foundation_name = models.CharField(
        _("foundation (yayasan)"),
        max_length=200,
        blank=True,
        help_text=_("For a madrasah swasta: printed on the letterhead instead of the Kemenag lines."),
    )
    address = models.TextField(_("address"))
    regency = models.CharField(_("regency or city (kabupaten/kota)"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=16, choices=TimeZone, default=TimeZone.WIB)
    city = models.CharField(_("city (place of signing)"), max_length=100)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    ministry_line = models.CharField(_("ministry line"), max_length=200, default="KEMENTERIAN AGAMA REPUBLIK INDONESIA")
    district_office = models.CharField(_("district office"), max_length=200)
    letterhead_lines = models.TextField(
        _("extra letterhead lines"), blank=True, help_text=_("One line each, printed under the madrasah name.")
    )
    emblem = models.ImageField(
        _("letterhead logo"),
        upload_to=upload_to_random("emblems"),
        blank=True,
        help_text=_("PNG or JPEG, at most 2 MB. Empty: the Kemenag emblem (madrasah negeri) or none (swasta)."),
    )
    paper_size = models.CharField(_("default paper size"), max_length=2, choices=PaperSize, default=PaperSize.F4)
    unit_code = models.CharField(
        _("unit code for document numbers"), max_length=50, help_text=_("For example Mts.13.28.03")
    )
    classification_code = models.CharField(_("default archive classification code"), max_length=30, default="PP.00.4")
    # Letters numbered by hand before the product: its own numbers of `numbering_start_year` begin at
    # `numbering_start` (laporan.documents.services.numbering), so the agenda book has no number twice.
    numbering_start = models.PositiveIntegerField(_("next free number in this year's agenda book"), default=1)
    numbering_start_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # How the madrasah numbers its decrees (SK): practice differs (docs/domain.md, "Decrees and their
    # amendments"), so the Kepala chooses; letters always take the agenda-book number.
    decree_numbering = models.CharField(
        _("numbering of decrees (SK)"), max_length=12, choices=DecreeNumbering, default=DecreeNumbering.AGENDA
    )
    setup_step = models.CharField(max_length=12, choices=SetupStep, blank=True, default="", editable=False)
    acknowledge_days = models.PositiveSmallIntegerField(
        _("days a teacher has to acknowledge a result"),
        default=7,
        help_text=_("After this, an unanswered supervision result is deemed received."),
    )
    # The predikat bands every new version of the madrasah's supervision instruments takes, as
    # [[lower bound, label], …] (kompetensi.instruments.rules.supervision_vocabulary; empty: the
    # product's default). One vocabulary, so that 80.92 never reads "Cukup" on one instrument and
    # 80.69 "Baik" on the next. Versions already used keep their own bands.
    supervision_bands = models.JSONField(_("predikat bands of supervision instruments"), default=list, blank=True)
    # A madrasah that left the installation (moved to another district's, merged, closed): its members
    # are turned away and the beat asks nothing of it, but every record stays, in the backups too.
    # Only the installation administrator changes it (madrasah.services.madrasah_deactivate).
    is_active = models.BooleanField(_("active on this installation"), default=True, editable=False)
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)
    deactivated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("madrasah")
        verbose_name_plural = _("madrasah")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_private(self) -> bool:
        return self.status == MadrasahStatus.SWASTA

    def numbering_first(self, year: int) -> int:
        """The first number the product issues in `year`'s agenda book."""
        return self.numbering_start if year == self.numbering_start_year else 1


class AcademicYear(models.Model):
    """Tahun pelajaran: July of `start_year` to June of the next year, written `2025/2026`."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="academic_years")
    start_year = models.PositiveSmallIntegerField(_("start year"))

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["madrasah", "start_year"], name="academic_year_unique_per_madrasah"),
            models.CheckConstraint(
                condition=Q(start_year__gte=2000) & Q(start_year__lte=2100), name="academic_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.start_year}/{self.start_year + 1}"

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.start_year, 7, 1)

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.start_year + 1, 6, 30)


class SemesterKind(models.TextChoices):
    GANJIL = "ganjil", _("Odd (ganjil)")
    GENAP = "genap", _("Even (genap)")


def period_name(start_year: int | None, semester_kind: str = "") -> str:
    """A period stored as values, named in the reader's language when shown: `2026/2027` (a whole
    academic year), `2026/2027 Ganjil` (a semester); "" without a year. Never stored as text."""
    if start_year is None:
        return ""
    year = f"{start_year}/{start_year + 1}"
    if semester_kind in SemesterKind.values:
        return f"{year} {SemesterKind(semester_kind).label}"
    return year


class Semester(models.Model):
    """Ganjil runs July–December, genap January–June; exactly one is active per madrasah."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="semesters")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="semesters")
    kind = models.CharField(_("semester"), max_length=6, choices=SemesterKind)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("semester")
        verbose_name_plural = _("semesters")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "kind"], name="semester_unique_per_year"),
            models.UniqueConstraint(
                fields=["madrasah"], condition=Q(is_active=True), name="one_active_semester_per_madrasah"
            ),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="semester_ends_after_start"),
        ]

    def __str__(self) -> str:
        return period_name(self.academic_year.start_year, self.kind)

    @property
    def slug(self) -> str:
        """URL form: `2025-2026-ganjil`."""
        return f"{self.academic_year.start_year}-{self.academic_year.start_year + 1}-{self.kind}"

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class Subject(models.Model):
    """A subject taught at MTs: a national one (Kurikulum Merdeka for madrasah; reference data shared by
    all, no madrasah) or a madrasah's own local subject (muatan lokal), seen and used only there."""

    madrasah = models.ForeignKey(
        Madrasah, on_delete=models.CASCADE, null=True, blank=True, related_name="local_subjects"
    )
    code = models.SlugField(max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("group"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(madrasah__isnull=True), name="subject_code_unique_national"
            ),
            models.UniqueConstraint(
                fields=["madrasah", "code"],
                condition=Q(madrasah__isnull=False) & ~Q(code=""),
                name="subject_code_unique_per_madrasah",
            ),
            models.UniqueConstraint(Lower("name"), "madrasah", name="subject_name_unique_per_madrasah"),
        ]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class EmploymentStatus(models.TextChoices):
    PNS = "pns", "PNS"
    PPPK = "pppk", _("PPPK (full time)")
    PPPK_PART_TIME = "pppk_pw", _("PPPK (part time)")
    HONORER = "honorer", _("Honorary (GTT)")
    GTY = "gty", _("Permanent foundation teacher (GTY)")

    @classmethod
    def civil_servant(cls) -> set[str]:
        return {cls.PNS}

    @classmethod
    def pppk(cls) -> set[str]:
        return {cls.PPPK, cls.PPPK_PART_TIME}


# PNS golongan/ruang III/a … IV/e and PPPK grades I–XVII, one field since a person has one of them.
RANK_CHOICES = [
    (
        _("Civil servant (golongan)"),
        [(g, g) for g in ("III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c", "IV/d", "IV/e")],
    ),
    (
        _("PPPK grade"),
        [
            (f"PPPK-{r}", f"PPPK {r}")
            for r in (
                "I",
                "II",
                "III",
                "IV",
                "V",
                "VI",
                "VII",
                "VIII",
                "IX",
                "X",
                "XI",
                "XII",
                "XIII",
                "XIV",
                "XV",
                "XVI",
                "XVII",
            )
        ],
    ),
]


class CareerLevel(models.TextChoices):
    PERTAMA = "pertama", "Guru Ahli Pertama"
    MUDA = "muda", "Guru Ahli Muda"
    MADYA = "madya", "Guru Ahli Madya"
    UTAMA = "utama", "Guru Ahli Utama"


class TeacherType(models.TextChoices):
    SUBJECT = "mapel", _("Subject teacher")
    COUNSELLOR = "bk", _("Guidance counsellor (BK)")
    NONE = "none", _("Not a teacher")


class StaffQuerySet(models.QuerySet):
    def teachers(self):
        return self.exclude(teacher_type=TeacherType.NONE)

    def active(self):
        return self.filter(is_active=True)


def _unique_identifier(field: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["madrasah", field], condition=~Q(**{field: ""}), name=f"staff_unique_{field}_per_madrasah"
    )


def staff_full_name(front_title: str, name: str, back_title: str) -> str:
    """A name with its titles as printed (`Staff.full_name`), from values read without the model."""
    shown = f"{front_title} {name}".strip()
    return f"{shown}, {back_title}" if back_title else shown


class Staff(models.Model):
    """A person at a madrasah: a teacher, or staff such as the operator. Identifiers are text."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("name (without titles)"), max_length=150)
    front_title = models.CharField(_("title before name"), max_length=40, blank=True, help_text=_("e.g. H., Hj., Dr."))
    back_title = models.CharField(_("title after name"), max_length=60, blank=True, help_text=_("e.g. S.Pd., M.Pd.I."))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex)
    birth_place = models.CharField(_("birth place"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    nip = models.CharField("NIP", max_length=18, blank=True)
    nignp = models.CharField("NIGNP", max_length=18, blank=True)
    npk = models.CharField("NPK", max_length=13, blank=True)
    nuptk = models.CharField("NUPTK", max_length=16, blank=True)
    peg_id = models.CharField("PegID", max_length=20, blank=True)
    employment_status = models.CharField(_("employment status"), max_length=10, choices=EmploymentStatus)
    rank = models.CharField(_("rank / grade"), max_length=10, choices=RANK_CHOICES, blank=True)
    career_level = models.CharField(_("career level"), max_length=10, choices=CareerLevel, blank=True)
    certified = models.BooleanField(_("certified educator"), default=False)
    teacher_type = models.CharField(_("teacher type"), max_length=5, choices=TeacherType, default=TeacherType.SUBJECT)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="staff", verbose_name=_("subjects"))
    extra_duties = models.CharField(
        _("extra duties"), max_length=200, blank=True, help_text=_("e.g. Waka Kurikulum, wali kelas VII-A")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Bumped by every save through the product's forms: a form based on an older version is a conflict.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["name"]
        constraints = [_unique_identifier(f) for f in ("nip", "nignp", "npk", "nuptk", "peg_id")]
        indexes = [models.Index(fields=["madrasah", "is_active", "name"])]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("madrasah:staff-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        """Name with titles as printed: `Hj. Siti Aminah, S.Pd., M.Pd.`"""
        return staff_full_name(self.front_title, self.name, self.back_title)

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip)

    @property
    def identifier(self) -> StaffIdentifier:
        """What documents print for this person: NIP, else NIGNP, else PegID, labelled."""
        return staff_identifier(nip=self.nip, nignp=self.nignp, peg_id=self.peg_id)

    @property
    def login_identifier(self) -> str:
        """The username an account of this person gets: NIP, else NIGNP, else PegID."""
        return self.nip or self.nignp or self.peg_id


class Role(models.TextChoices):
    KEPALA = "kepala", _("Principal (Kepala Madrasah)")
    WAKA = "waka", _("Vice-principal for curriculum (Waka Kurikulum)")
    GURU = "guru", _("Teacher (Guru)")
    OPERATOR = "operator", _("Operator")
    PENGAWAS = "pengawas", _("Madrasah supervisor (Pengawas)")


# Where each role lands after login, in order of precedence for people with several roles.
ROLE_PRECEDENCE = [Role.KEPALA, Role.WAKA, Role.PENGAWAS, Role.OPERATOR, Role.GURU]


class Membership(models.Model):
    """A user's place in one madrasah, with roles there. A pengawas has several; so may an honorary
    teacher who teaches at two madrasah."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="memberships")
    staff = models.OneToOneField(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="membership",
        verbose_name=_("staff record"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "madrasah"], name="membership_unique_per_madrasah")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.madrasah}"

    @property
    def role_set(self) -> set[str]:
        # Prefetched by the middleware; a set so `in` checks stay cheap in templates and views.
        return {r.role for r in self.roles.all()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def primary_role(self) -> str | None:
        held = self.role_set
        return next((r for r in ROLE_PRECEDENCE if r in held), None)


class MembershipRole(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=10, choices=Role)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["membership", "role"], name="role_once_per_membership")]

    def __str__(self) -> str:
        return self.get_role_display()


class Notification(models.Model):
    """A small in-app message with an unread badge. It records what happened (`kind`, with the values
    the sentence needs in `params`) and the record it is about (the matter: `matter_type` +
    `matter_id`); the sentence is composed when shown, in the reader's language
    (`madrasah.notifications.notification_message`). Rows written before kinds existed keep their
    sentence in `text`. `done_at`: the action that deals with the matter has been taken (the notice
    counts as read from then on). Texts carry no scores: they say what happened and link to the page,
    which checks access as usual."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    params = models.JSONField(default=dict, blank=True)
    matter_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    matter_id = models.PositiveBigIntegerField(null=True, blank=True)
    text = models.CharField(_("text"), max_length=300, blank=True)  # rows written before `kind` only
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "madrasah", "read_at"]),
            models.Index(fields=["matter_type", "matter_id", "kind"], name="notification_matter"),
        ]

    def __str__(self) -> str:
        return self.text or self.kind


class WorkerHeartbeat(models.Model):
    """One row per worker host name: when it last proved it was alive (read by /healthz)."""

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.worker} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AccessKind(models.TextChoices):
    """What of a teacher's personal data was opened (madrasah.access_log)."""

    RECORD = "record", _("Teacher record")
    APPRAISAL = "pkg", _("PKG appraisal")
    OBSERVATION = "supervision", _("Supervision sheet")
    DOCUMENT = "document", _("Document or file download")
    EXPORT = "export", _("Personal-data download")


class AccessLog(models.Model):
    """Who opened which teacher's record, appraisal or document (UU PDP): viewable by the Kepala,
    and by the teacher for the entries about them. Written only by `madrasah.access_log`."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="access_logs")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="access_logs")
    kind = models.CharField(_("kind"), max_length=12, choices=AccessKind, default=AccessKind.RECORD)
    what = models.CharField(_("what was opened"), max_length=200)
    path = models.CharField(_("address"), max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["madrasah", "staff", "-at"]),
            models.Index(fields=["madrasah", "-at"], name="access_log_madrasah_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} → {self.staff} ({self.what})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Invitation(models.Model):
    """An offer to add an account that already exists in this installation to a madrasah.

    A madrasah never links an existing account by itself (its identifier could be typed by anyone):
    only the account's owner, logged in with their own password, accepts (madrasah.accounts).
    """

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations", verbose_name=_("person")
    )
    roles = models.JSONField(_("roles"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["madrasah", "user"], condition=Q(status="pending"), name="one_pending_invitation_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.madrasah} ({self.status})"


class AccountEventKind(models.TextChoices):
    """What happened to an account, a role or a person's record (madrasah.accounts.events)."""

    ACCOUNT_CREATED = "account_created", _("Account created")
    ROLES_CHANGED = "roles_changed", _("Roles changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    UNLOCKED = "unlocked", _("Login unlocked")
    SLIP_PRINTED = "slip_printed", _("First-login slip printed")
    SLIP_LINK_USED = "slip_link_used", _("Password chosen through the slip's link")
    INVITED = "invited", _("Invited")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    INVITATION_DECLINED = "invitation_declined", _("Invitation declined")
    INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
    KEPALA_APPOINTED = "kepala_appointed", _("Kepala appointed")
    KEPALA_ENDED = "kepala_ended", _("Kepala's term ended")
    STAFF_CREATED = "staff_created", _("Record created")
    STAFF_UPDATED = "staff_updated", _("Record changed")
    DEACTIVATED = "deactivated", _("Deactivated")
    REACTIVATED = "reactivated", _("Reactivated")
    MADRASAH_DEACTIVATED = "madrasah_deactivated", _("Madrasah deactivated on this installation")
    MADRASAH_REACTIVATED = "madrasah_reactivated", _("Madrasah active again on this installation")


class AccountEvent(models.Model):
    """Who did what to whose account, roles or record, and when. Seen by the Kepala (the madrasah's
    events) and by the person (their own). `data` holds values, never sentences: roles added and
    removed, changed fields with old and new values, a decree's number and date."""

    madrasah = models.ForeignKey(
        Madrasah, on_delete=models.CASCADE, null=True, blank=True, related_name="account_events"
    )
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="account_events")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="account_events")
    kind = models.CharField(_("event"), max_length=24, choices=AccountEventKind)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["madrasah", "-at"], name="account_event_madrasah_at"),
            models.Index(fields=["user", "-at"], name="account_event_user_at"),
            models.Index(fields=["staff", "-at"], name="account_event_staff_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.kind} {self.user or self.staff}"


class HeadAppointment(models.Model):
    """The Kepala Madrasah, or an acting one (Plt.), by decree (SK). Given only by the setup or the
    installation administrator; the previous appointment ends and its holder keeps their history."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="head_appointments")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="head_appointments")
    acting = models.BooleanField(_("acting (Plt.)"), default=False)
    decree_number = models.CharField(_("decree (SK) number"), max_length=100)
    decree_date = models.DateField(_("decree (SK) date"))
    starts_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    appointed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Kepala appointment")
        verbose_name_plural = _("Kepala appointments")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["madrasah"], condition=Q(ended_on__isnull=True), name="one_current_kepala_per_madrasah"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} ({self.decree_number})"


class HistoryEvent(models.Model):
    """One entry of a record's history: who did what when, and what changed from what to what."""

    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(_("action"), max_length=30)
    # [{"what": "item" | field name, "item": item id or None, "from": old, "to": new}, ...]
    changes = models.JSONField(default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


# --- Timetable (madrasah.timetable) -----------------------------------------------------------------


class Weekday(models.IntegerChoices):
    """Python's numbering (`date.weekday()`): Monday is 0."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BellSet(models.TextChoices):
    REGULAR = "biasa", _("Regular bell times")
    RAMADAN = "ramadan", _("Ramadan bell times")


class BellKind(models.TextChoices):
    LESSON = "jp", _("Lesson period")
    CEREMONY = "upacara", _("Ceremony")
    BREAK = "istirahat", _("Break")


class SchoolWeek(models.Model):
    """The days the madrasah opens, as weekday numbers (Monday 0). No row: Monday to Saturday."""

    madrasah = models.OneToOneField(Madrasah, on_delete=models.CASCADE, related_name="school_week")
    days = models.JSONField(_("school days"), default=list)

    class Meta:
        verbose_name = _("school week")
        verbose_name_plural = _("school weeks")

    def __str__(self) -> str:
        return f"{self.madrasah}: {self.days}"


class BellPeriod(models.Model):
    """One line of a weekday's bell times: a lesson period (jam ke-`number`), a ceremony or a break."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="bell_periods")
    bell_set = models.CharField(_("bell times"), max_length=8, choices=BellSet, default=BellSet.REGULAR)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday)
    kind = models.CharField(_("kind"), max_length=10, choices=BellKind, default=BellKind.LESSON)
    number = models.PositiveSmallIntegerField(_("period"), null=True, blank=True)
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))

    class Meta:
        verbose_name = _("bell period")
        verbose_name_plural = _("bell periods")
        ordering = ["bell_set", "weekday", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["madrasah", "bell_set", "weekday", "number"],
                condition=Q(number__isnull=False),
                name="bell_period_number_unique_per_day",
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="bell_period_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="bell_period_weekday_valid"),
            models.CheckConstraint(
                condition=(Q(kind="jp") & Q(number__isnull=False)) | (~Q(kind="jp") & Q(number__isnull=True)),
                name="bell_period_number_only_for_lessons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bell_set} {self.weekday} {self.number or self.kind} {self.start_time:%H:%M}"


class RamadanPeriod(models.Model):
    """The days the Ramadan timetable applies (announced each year): its own bell times, and no
    classroom observation planned (docs/domain.md §4)."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="ramadan_periods")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))

    class Meta:
        verbose_name = _("Ramadan timetable")
        verbose_name_plural = _("Ramadan timetables")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="ramadan_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date}"


class SchoolClass(models.Model):
    """A class group (rombel) of an academic year, e.g. VII-A."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="school_classes")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="school_classes")
    name = models.CharField(_("name"), max_length=20)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("class (rombel)")
        verbose_name_plural = _("classes (rombel)")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "academic_year", name="school_class_name_unique_per_year"),
        ]

    def __str__(self) -> str:
        return self.name


class TeacherCode(models.Model):
    """A teacher's code (or name) as the madrasah's timetable files write it, mapped once to the person
    and remembered for the next imports."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="teacher_codes")
    code = models.CharField(_("code in the timetable"), max_length=60)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="timetable_codes", verbose_name=_("person"))

    class Meta:
        verbose_name = _("teacher code")
        verbose_name_plural = _("teacher codes")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(Lower("code"), "madrasah", name="teacher_code_unique_per_madrasah")]

    def __str__(self) -> str:
        return f"{self.code} → {self.staff}"


class LessonKind(models.TextChoices):
    LESSON = "mapel", _("Lesson")
    COUNSELLING = "bk", _("Counselling (BK)")


class Lesson(models.Model):
    """One period of the semester's teaching timetable: on `weekday` at jam ke-`number`, `teacher`
    teaches `subject` in `school_class` (a guidance counsellor: a counselling slot, class optional).
    A teacher has one lesson a period, except one taught to several classes together (FET's `7A+7B`):
    the import checks it, so no database constraint forbids the same teacher twice in a period."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="lessons")
    semester = models.ForeignKey(Semester, on_delete=models.CASCADE, related_name="lessons")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday)
    number = models.PositiveSmallIntegerField(_("period"))
    kind = models.CharField(_("kind"), max_length=6, choices=LessonKind, default=LessonKind.LESSON)
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.RESTRICT, null=True, blank=True, related_name="lessons", verbose_name=_("class")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.RESTRICT, null=True, blank=True, related_name="lessons", verbose_name=_("subject")
    )
    teacher = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("teacher"))

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["weekday", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["semester", "school_class", "weekday", "number"],
                condition=Q(school_class__isnull=False),
                name="lesson_class_once_per_period",
            ),
        ]
        indexes = [models.Index(fields=["semester", "teacher"])]

    def __str__(self) -> str:
        return f"{self.weekday}/{self.number} {self.school_class} {self.teacher_id}"
