"""What the hostile-input tests share: the forms a page offers, hostile values, the row counts of the
project's tables, and a stand-in for PostgreSQL's refusal of NUL on SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.db import DataError, connection
from django.urls import Resolver404, resolve
from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
# Raw markup that must never come back unescaped in a page.
RAW_MARKERS = (SCRIPT, IMAGE)
MAX_TEXT = 100_000

PROJECT_APPS = ("madrasah", "kompetensi", "mutu", "laporan")
# Opening a teacher's record is logged (UU PDP) even when the form on it is refused, and the worker
# heartbeat is written by the worker: neither is a row the posted data wrote. A save refused because
# the sheet changed since its copy keeps the refused entries for their author to choose from: the
# refusal writes that copy on purpose, and only that.
NOT_COUNTED = frozenset({"accesslog", "workerheartbeat", "observationconflictcopy"})

# Markup of a form that came back with its errors (crispy's Bootstrap 5 pack, Django's list, the
# alert our templates use for a refused step).
ERROR_MARKERS = ("is-invalid", "invalid-feedback", "errorlist", "alert-danger")


# --- forms of a page -------------------------------------------------------------------------------


@dataclass
class FormField:
    """One named control: its kind, the options it offers and the values the page would post back."""

    name: str
    kind: str  # text, number, date, time, bool, multi, choice, hidden, file
    baseline: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    method: str
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)


_INPUT_KINDS = {"number": "number", "date": "date", "time": "time", "hidden": "hidden", "file": "file"}


class FormParser(HTMLParser):
    """The POST forms of a page with their controls, as a browser would submit them."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: FormField | None = None
        self._option: str | None = None
        self._textarea: FormField | None = None

    def _field(self, name: str, kind: str) -> FormField:
        existing = self._form.fields.get(name)
        if existing is None:
            existing = self._form.fields[name] = FormField(name, kind)
        elif existing.kind == "bool" and kind == "bool":
            existing.kind = "multi"  # several checkboxes of one name
        return existing

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = PageForm((a.get("method") or "get").lower(), a.get("action") or self.page_url)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.baseline = [*self._select.baseline, value] if self._select.kind == "multi" else [value]
            return
        if not name or name == "csrfmiddlewaretoken":
            return
        if tag == "select":
            self._select = self._field(name, "multi" if "multiple" in a else "choice")
        elif tag == "textarea":
            self._textarea = self._field(name, "text")
            self._textarea.baseline = [""]
        elif tag == "button":
            control = self._field(name, "choice")
            control.options.append(a.get("value", ""))
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            value = a.get("value", "")
            if kind in ("submit", "reset", "image", "button"):
                return
            if kind in ("checkbox", "radio"):
                control = self._field(name, "bool" if kind == "checkbox" else "choice")
                control.options.append(value or "on")
                if "checked" in a:
                    control.baseline = [*control.baseline, value or "on"] if kind == "checkbox" else [value or "on"]
                return
            control = self._field(name, _INPUT_KINDS.get(kind, "text"))
            if value and kind != "file":
                control.baseline = [value]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.baseline = [self._textarea.baseline[0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.baseline and self._select.kind == "choice" and self._select.options:
                self._select.baseline = [self._select.options[0]]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_posting_to(html: str, *, page_url: str, view_name: str, args: list) -> dict[str, FormField]:
    """The controls of every POST form on a page whose action is `view_name` with `args`, merged."""
    parser = FormParser(page_url)
    parser.feed(html)
    fields: dict[str, FormField] = {}
    for form in parser.forms:
        if form.method != "post":
            continue
        try:
            match = resolve(urlsplit(form.action).path or urlsplit(page_url).path)
        except Resolver404:
            continue
        if match.view_name == view_name and [str(a) for a in match.args or match.kwargs.values()] == [
            str(a) for a in args
        ]:
            for name, control in form.fields.items():
                fields.setdefault(name, control)
    return fields


# --- hostile values --------------------------------------------------------------------------------

TRICKY_TEXT = [
    SCRIPT,
    f'">{IMAGE}',
    f"'><svg onload=alert(1)>{SCRIPT}",
    "\x00",
    "nama\x00guru",
    "\u202egnp.exe",  # right-to-left override
    "\u200b\u200c\u200d\ufeff",  # zero-width characters
    "مدرسة تسناوية \u200f 🕌 𝕳𝖔𝖘𝖙𝖎𝖑𝖊",
    "",
    " ",
    "\t\r\n",
    "' OR '1'='1' --",
    "{{ 7|add:7 }} {% now 'Y' %}",
    "%(name)s %s {0}",
    "../../etc/passwd",
    "javascript:alert(1)",
    "None",
    "[]",
    "-",
]
HUGE_UNITS = ["A", "ي", SCRIPT, "\u200b", "🕌", "9", "\x00"]
TRICKY_NUMBERS = [
    "-1",
    "-0",
    "0",
    "1e308",
    "-1e308",
    "1e-400",
    "NaN",
    "-Infinity",
    "inf",
    "9" * 40,
    "-" + "9" * 40,
    "1" * 400,
    "1.5",
    "1,5",
    "0x1F",
    "１２",  # full-width digits
    "٣",  # Arabic-Indic digit
    "1_000",
    "Rp 1.000.000.000.000.000.000.000",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
]
TRICKY_DATES = [
    "2026-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-13-01",
    "-2026-01-01",
    "2026/08/03",
    "03-08-2026",
    "2026-08-03T07:30",
    "99999999999-01-01",
]
TRICKY_TIMES = ["25:00", "23:60", "-1:00", "07:30:99", "99999", "7", "24:00"]
# Ids no 64-bit key can hold: SQLite cannot bind them ("Python int too large to convert to SQLite
# INTEGER") and PostgreSQL refuses them in a bigint column. Every control that carries an id gets them.
HUGE_IDS = ["99999999999999999999", "-99999999999999999999", "9223372036854775808", "-9223372036854775809"]
# JSON bodies the standard parser turns into values Python cannot use as numbers (1e400 is an infinite
# float; int() of it overflows), or cannot parse without running out of stack (deep nesting).
HOSTILE_JSON_BODIES = [
    b'{"base_revision": 1e400}',
    b'{"base_revision": -1e400}',
    b'{"base_revision": NaN}',
    b'{"base_revision": Infinity}',
    b'{"base_revision": 100000000000000000000000000000}',
    b'{"base_revision": "1e400"}',
    b'{"base_revision": [1]}',
    b'{"base_revision": {"a": 1}}',
    b'{"base_revision": 0, "scores": {"99999999999999999999": {"points": 1}}}',
    b'{"base_revision": 0, "scores": {"1": {"points": 1e400}}}',
    b'{"base_revision": 0, "scores": {"1": {"points": NaN}}}',
    b'{"base_revision": 0, "scores": {"1": {"points": 100000000000000000000000000000}}}',
    b'{"base_revision": 0, "scores": {"1": {"points": -Infinity}}}',
    b'{"base_revision": 0, "scores": {"1": {"points": 1, "note": ["x"]}}}',
    b'{"base_revision": 0, "scores": [1, 2]}',
    b'{"base_revision": 0, "fields": {"observed_on": 1e400}}',
    b'{"base_revision": 0, "fields": {"observed_on": "99999-01-01"}}',
    b'{"base_revision": 0, "fields": {"strengths": 1e400}}',
    b"[" * 100_000,
    b'{"a":' * 100_000,
    b"[" * 100_000 + b"]" * 100_000,
    b"1" * 10_000,
    b'"' + b"\\ud800" + b'"',
    b"\xff\xfe",
    b"",
]


def _huge(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


text_values = st.one_of(
    st.sampled_from(TRICKY_TEXT),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.builds(_huge, st.sampled_from(HUGE_UNITS), st.integers(min_value=1_000, max_value=MAX_TEXT)),
)
number_values = st.one_of(
    st.sampled_from(TRICKY_NUMBERS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),
)
date_values = st.one_of(st.sampled_from(TRICKY_DATES), st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat))
time_values = st.sampled_from(TRICKY_TIMES)


def value_strategy(control: FormField, forged: list[str]) -> st.SearchStrategy[list[str]]:
    """Hostile values for one control: text, numbers, dates of any kind whatever the control is (the
    browser is not in charge), ids of another madrasah's objects for a choice, several values where
    one is expected, or nothing at all."""
    kinds = [text_values, number_values]
    if control.kind == "date":
        kinds.insert(0, date_values)
    if control.kind == "time":
        kinds.insert(0, time_values)
    if control.kind in ("choice", "multi", "bool", "hidden"):
        kinds.insert(0, st.sampled_from(forged + control.options + HUGE_IDS))
    one = st.one_of(*kinds)
    return st.one_of(one.map(lambda v: [v]), st.lists(one, min_size=2, max_size=3), st.just([]))


@st.composite
def payloads(draw, controls: dict[str, FormField], forged: list[str]) -> dict:
    """The page's own values with at least one control (when there is any) made hostile."""
    names = sorted(n for n, c in controls.items() if c.kind != "file")
    hostile = draw(st.sets(st.sampled_from(names), min_size=1)) if names else set()
    data = {}
    for name in names:
        values = draw(value_strategy(controls[name], forged)) if name in hostile else controls[name].baseline
        if values:
            data[name] = values if len(values) > 1 else values[0]
    return data


def carries_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(carries_nul(v) for v in value)
    return False


# --- the database ----------------------------------------------------------------------------------


def project_tables() -> list[str]:
    tables = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.managed and not meta.proxy and meta.model_name not in NOT_COUNTED:
                tables.append(meta.db_table)
    return sorted(set(tables))


def row_counts(tables: Iterable[str]) -> dict[str, int]:
    """The number of rows of each table, in one query."""
    tables = list(tables)
    quote = connection.ops.quote_name
    # Table names come from the models, never from input.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def changed_tables(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}


def _flat(params) -> Iterable:
    if isinstance(params, dict):
        params = params.values()
    for value in params or ():
        if isinstance(value, list | tuple | dict):
            yield from _flat(value)
        else:
            yield value


def refuse_nul_like_postgresql(execute, sql, params, many, context):
    """SQLite stores NUL; PostgreSQL refuses it in text (and `\\u0000` in jsonb) with an error that
    becomes a 500. On SQLite this wrapper refuses it the same way, so the tests see what production
    would."""
    if connection.vendor == "sqlite":
        for value in _flat(params):
            if isinstance(value, str) and ("\x00" in value or (value[:1] in '{["' and "\\u0000" in value)):
                raise DataError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)
