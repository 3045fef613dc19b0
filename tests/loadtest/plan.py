"""What each role visits, from the seeded demo."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .options import SetupError

# Of every five users, three are teachers, one the Waka and one the Kepala (20 users: 12, 4, 4).
ROLE_PATTERN = ("guru", "waka", "guru", "kepala", "guru")


@dataclass(frozen=True)
class Page:
    name: str  # the URL name, with `?key` when it has a query string
    path: str


def page(name: str, args: tuple | list = (), *, query: str = "") -> Page:
    from django.urls import reverse

    path = reverse(name, args=args)
    if query:
        return Page(f"{name}?{query.split('=')[0]}", f"{path}?{query}")
    return Page(name, path)


@dataclass
class Account:
    role: str
    username: str
    password: str
    pages: list[Page]  # the first is the role's home, where "/" sends them


def build_plan(
    *, teachers_wanted: int, madrasah=None, passwords: dict[str, str] | None = None
) -> dict[str, list[Account]]:
    """The accounts of each role and the pages they walk, from the seeded demo (Django is set up), or
    from `madrasah` with the `passwords` of its roles (guru, waka, kepala; the demo's by default).

    guru: their home, own record, PKB log, follow-ups, notifications, a finished observation of theirs;
    waka: home, the supervision programme, their supervisions and one observation, the recap,
    follow-ups, the PKB queue; kepala: home, the dashboard of the active and of the previous semester,
    the staff list, a teacher's page, the cycles board and one cycle, funding, the documents."""
    from kompetensi.models import Observation, ObservationState, Programme
    from madrasah.management.commands.seed_demo import DEMO_LOGINS, GURU_PASSWORD
    from madrasah.models import Membership, Role, Semester
    from mutu.models import Cycle

    kepala_login, waka_login, guru_login = DEMO_LOGINS[:3]
    passwords = passwords or {"kepala": kepala_login["password"], "waka": waka_login["password"], "guru": GURU_PASSWORD}
    if madrasah is None:
        kepala = Membership.objects.select_related("madrasah", "user").get(user__username=kepala_login["username"])
        madrasah = kepala.madrasah
    else:
        kepala = _holder(madrasah, Role.KEPALA)
    semesters = Semester.objects.filter(madrasah=madrasah).select_related("academic_year").order_by("-start_date")
    active = semesters.get(is_active=True)
    previous = semesters.filter(start_date__lt=active.start_date).first()

    def one(queryset, what: str) -> int:
        pk = queryset.values_list("pk", flat=True).first()
        if pk is None:
            raise SetupError(f"The demo data has no {what}: the page plan needs one.")
        return pk

    cycle = one(Cycle.objects.filter(madrasah=madrasah).order_by("pk"), "quality cycle")
    teacher_of_kepala = one(madrasah.staff.teachers().active().order_by("pk"), "teacher")
    kepala_pages = [
        page("madrasah:home-kepala"),
        page("laporan:dashboard"),  # the active semester
        page("laporan:dashboard", query=f"semester={(previous or active).slug}"),
        page("madrasah:staff-list"),
        page("kompetensi:teacher-page", args=[teacher_of_kepala]),
        page("mutu:cycle-list"),
        page("mutu:cycle-detail", args=[cycle]),
        page("mutu:funding"),
        page("laporan:report-list"),
    ]

    waka = _holder(madrasah, Role.WAKA)
    programme = one(Programme.objects.filter(madrasah=madrasah, semester=active), "programme of the semester")
    supervised = one(Observation.objects.filter(supervisor=waka.user, madrasah=madrasah).order_by("pk"), "observation")
    waka_pages = [
        page("madrasah:home-waka"),
        page("kompetensi:programme-semester"),
        page("kompetensi:programme-detail", args=[programme]),
        page("kompetensi:my-supervisions"),
        page("kompetensi:observation-detail", args=[supervised]),
        page("kompetensi:observation-recap"),
        page("kompetensi:follow-up-list"),
        page("kompetensi:pkb-queue"),
    ]

    # Teachers who are only teachers, the documented demo guru first, then the generated ones.
    gurus = (
        Membership.objects.filter(madrasah=madrasah, is_active=True, staff__is_active=True, roles__role=Role.GURU)
        .exclude(roles__role__in=[Role.KEPALA, Role.WAKA, Role.OPERATOR, Role.PENGAWAS])
        .select_related("user", "staff")
        .order_by("pk")
    )
    gurus = sorted(gurus, key=lambda m: m.user.username != guru_login["username"])[:teachers_wanted]
    final = dict(
        Observation.objects.filter(madrasah=madrasah, state=ObservationState.FINAL)
        .order_by("teacher_id", "-pk")
        .distinct("teacher_id")
        .values_list("teacher_id", "pk")
    )
    guru_accounts = []
    for membership in gurus:
        pages = [
            page("madrasah:home-guru"),
            page("kompetensi:teacher-page", args=[membership.staff_id]),
            page("kompetensi:pkb-mine"),
            page("kompetensi:follow-up-mine"),
            page("madrasah:notification-list"),
        ]
        if membership.staff_id in final:
            pages.append(page("kompetensi:observation-detail", args=[final[membership.staff_id]]))
        guru_accounts.append(Account("guru", membership.user.username, passwords["guru"], pages))
    if not guru_accounts:
        raise SetupError("The demo data has no teacher who is only a teacher.")
    kepala_account = Account("kepala", kepala.user.username, passwords["kepala"], kepala_pages)
    waka_account = Account("waka", waka.user.username, passwords["waka"], waka_pages)
    return {"guru": guru_accounts, "waka": [waka_account], "kepala": [kepala_account]}


def _holder(madrasah, role: str):
    """The active membership of `madrasah` holding `role` (the demo data has one Kepala, one Waka)."""
    from madrasah.models import Membership

    membership = (
        Membership.objects.filter(madrasah=madrasah, is_active=True, roles__role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SetupError(f"{madrasah} has no {role}: the page plan needs one.")
    return membership


def assign_users(plan: dict[str, list[Account]], users: int) -> list[Account]:
    """`users` accounts by ROLE_PATTERN; each teacher is a different person while there are enough."""
    taken: Counter[str] = Counter()
    chosen = []
    for i in range(users):
        role = ROLE_PATTERN[i % len(ROLE_PATTERN)]
        accounts = plan[role]
        chosen.append(accounts[taken[role] % len(accounts)])
        taken[role] += 1
    return chosen
