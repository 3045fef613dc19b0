"""Who controls an account and who grants which role: pure rules, no database.

The table below is the product's rule, also written out in docs/security.md ("Accounts and roles"):

| actor          | may give or take away (never on their own account) | may reset, unlock, print a slip for |
|----------------|----------------------------------------------------|-------------------------------------|
| operator       | guru, operator                                     | accounts ranked at most operator    |
| kepala         | guru, waka, operator; pengawas by invitation       | accounts ranked at most waka        |
| installation   | kepala (by decree: SK number and date), any reset  | every account except its own        |
| administrator  |                                                    |                                     |

A madrasah controls only an account whose every active membership is in that madrasah: an account that
belongs to another madrasah too (a pengawas, a teacher at two madrasah) is managed by its owner and, when
they lose their password, by the installation administrator. The supervision team is named by decree in
the supervision programme (kompetensi), not by a role here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ..models import Role

# Higher ranks are above lower ones: nobody resets the password of a role above their own. The pengawas
# oversees the madrasah (and appraises its Kepala), so ranks above it.
ROLE_RANK = {Role.GURU: 1, Role.OPERATOR: 2, Role.WAKA: 3, Role.KEPALA: 4, Role.PENGAWAS: 5}

GRANTS: dict[str, frozenset[str]] = {
    Role.OPERATOR: frozenset({Role.GURU, Role.OPERATOR}),
    Role.KEPALA: frozenset({Role.GURU, Role.WAKA, Role.OPERATOR, Role.PENGAWAS}),
}
# What an account manager may reset: at most their own rank, and the Kepala's own rank is reserved to the
# installation administrator (a Kepala who lost the password; there is one Kepala).
RESET_CEILING = {Role.OPERATOR: ROLE_RANK[Role.OPERATOR], Role.KEPALA: ROLE_RANK[Role.WAKA]}


def rank(roles: Iterable[str]) -> int:
    return max((ROLE_RANK.get(r, 0) for r in roles), default=0)


def grantable_roles(actor_roles: Iterable[str]) -> frozenset[str]:
    """The roles someone holding `actor_roles` may give or take away."""
    granted: frozenset[str] = frozenset()
    for role in actor_roles:
        granted |= GRANTS.get(role, frozenset())
    return granted


def roles_change_refusal(
    *, actor_roles: Iterable[str], is_self: bool, held: set[str], wanted: set[str], person_of_madrasah: bool = True
) -> str | None:
    """Why the actor may not change `held` into `wanted`, or None when they may. `person_of_madrasah`: the
    login belongs to a person recorded in the madrasah (a teacher or staff member), who is never made the
    madrasah's own pengawas; a pengawas is added by NIP on the pengawas page."""
    changed = held ^ wanted
    if not changed:
        return None
    if is_self:
        return _("Nobody changes their own roles: ask the Kepala or the installation administrator.")
    if person_of_madrasah and Role.PENGAWAS in wanted - held:
        return _(
            "A person of this madrasah is not its pengawas: the Kepala adds the pengawas by NIP on the pengawas page."
        )
    if Role.KEPALA in changed:
        return _(
            "The Kepala role is given only by the installation administrator, with the number and date of the decree."
        )
    allowed = grantable_roles(actor_roles)
    refused = sorted(changed - allowed, key=lambda r: ROLE_RANK.get(r, 0))
    if refused:
        labels = ", ".join(str(Role(r).label) for r in refused)
        return _("You may not give or take away this role: %(roles)s.") % {"roles": labels}
    return None


def control_refusal(
    *,
    actor_roles: Iterable[str],
    is_self: bool,
    target_roles: Iterable[str],
    other_madrasah: bool,
    target_is_administrator: bool,
) -> str | None:
    """Why a madrasah's account manager may not reset, unlock or print a slip for an account (None: may).

    `other_madrasah`: the account has an active membership in another madrasah; `target_is_administrator`:
    it is the installation administrator's (or has staff/superuser rights)."""
    if target_is_administrator:
        return _("This is the installation administrator's account: the madrasah does not manage it.")
    if is_self:
        return _("Change your own password on the password page.")
    if other_madrasah:
        return _(
            "This account also belongs to another madrasah: only its owner, or the installation administrator, "
            "can reset or unlock it."
        )
    ceiling = max((RESET_CEILING.get(r, 0) for r in actor_roles), default=0)
    if rank(target_roles) > ceiling:
        return _("This account holds a role above yours: ask the Kepala or the installation administrator.")
    return None
