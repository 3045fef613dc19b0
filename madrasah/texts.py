"""Texts for people: the one way a long text is cut short on a page or a document.

A cut text ends at a word boundary with an ellipsis ("…"), so a reader sees that something follows
and never reads half a word ("Pendampingan penyusunan mod"). Only a single word longer than the
room is cut inside the word.
"""

from __future__ import annotations

ELLIPSIS = "…"
# Punctuation left dangling before the ellipsis reads as a typo ("modul ajar,…").
_TRAILING = " \t\n,;:.-–—/("


def shorten(text, limit: int) -> str:
    """`text` with its whitespace collapsed, at most `limit` characters including the ellipsis.

    >>> shorten("Pendampingan penyusunan modul ajar", 26)
    'Pendampingan penyusunan…'
    """
    clean = " ".join(str(text or "").split())
    if len(clean) <= limit:
        return clean
    if limit <= 1:
        return ELLIPSIS[:limit]
    head = clean[: limit - 1]
    if clean[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(_TRAILING) + ELLIPSIS
