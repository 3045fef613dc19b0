"""Who may read the dashboard, and of which madrasah and semester.

- the Kepala and the Waka read their own madrasah's dashboard (everyone else of the madrasah: 403);
- a pengawas reads the madrasah they oversee, read-only; another madrasah: 404 (its existence is
  not revealed);
- an unknown `?semester=` slug: 404;
- PKG figures live for the Kepala and the pengawas, frozen at the year's closing for everyone else
  (the Waka, the meeting mode, documents).
"""

from __future__ import annotations

from django.http import Http404

from madrasah.models import Madrasah, Role, Semester

DASHBOARD_READERS = (Role.KEPALA, Role.WAKA)
# Live PKG figures: the Kepala, who approves every appraisal, and the pengawas. Anyone else reads
# the figures frozen when the Kepala closed the year's PKG (kompetensi.appraisal.figures).
LIVE_PKG_READERS = (Role.KEPALA, Role.PENGAWAS)


def reads_live_pkg(membership) -> bool:
    return membership.has_role(*LIVE_PKG_READERS)


def semester_list(*, madrasah: Madrasah) -> list[Semester]:
    """The madrasah's semesters, newest first, with their supervision programme: one query serves
    the period selector, the chosen semester, the one before it (the dashboard's change) and the
    drill-down into its programme."""
    return list(
        Semester.objects.filter(madrasah=madrasah)
        .select_related("academic_year", "supervision_programme")
        .order_by("-start_date")
    )


def chosen_semester(*, semesters: list[Semester], slug: str | None) -> Semester | None:
    """`?semester=2025-2026-ganjil` among `semesters` (404 when unknown), else the active one."""
    if slug:
        for semester in semesters:
            if semester.slug == slug:
                return semester
        raise Http404
    return next((s for s in semesters if s.is_active), None)


def overseen_madrasah_list(*, user) -> list[Madrasah]:
    """The madrasah where `user` is an active pengawas, by name."""
    return list(
        Madrasah.objects.filter(
            memberships__user=user, memberships__is_active=True, memberships__roles__role=Role.PENGAWAS
        )
        .distinct()
        .order_by("name")
    )


def overseen_madrasah_for_user(*, user, pk: int) -> Madrasah:
    """A madrasah the user oversees as pengawas, or 404."""
    madrasah = (
        Madrasah.objects.filter(
            pk=pk, memberships__user=user, memberships__is_active=True, memberships__roles__role=Role.PENGAWAS
        )
        .distinct()
        .first()
    )
    if madrasah is None:
        raise Http404
    return madrasah
