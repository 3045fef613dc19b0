"""Growth rules without the database: ASCII file names, never taken from user input unsanitised
(the yearly bundle names its teachers' files with them)."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


# --- file names -------------------------------------------------------------------------------------


def safe_name(name: str, *, fallback: str = "berkas") -> str:
    """An ASCII file name: accents folded, anything but letters, digits, dot, dash and underscore
    turned into a dash, no leading dots, at most 80 characters (the extension kept)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    clean = _UNSAFE.sub("-", folded).strip("-.") or fallback
    stem, dot, suffix = clean.rpartition(".")
    if dot and stem and len(suffix) <= 5:
        return f"{stem[: 80 - len(suffix) - 1].rstrip('-.')}.{suffix.lower()}"
    return clean[:80].rstrip("-.") or fallback
