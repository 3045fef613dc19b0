"""Ids no 64-bit key can hold are a form error in Indonesian, never a server error (issue 16, item 6).

Django checks the range of a plain `pk=` lookup but not of `pk__in=` (every multiple choice field)
nor of a lookup through a foreign key; SQLite cannot bind such a number, so one posted
`99999999999999999999` in a checkbox list was a 500. `madrasah.ids` holds the fields that refuse it;
the walk below makes sure no form of the project is left with Django's own.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from madrasah import ids
from tests.hardening import hostile
from tests.hardening.test_hostile_input import TARGETS, _baseline, _client_for, _controls
from tests.test_permission_matrix import world  # noqa: F401  (the fixture)

TOO_BIG, TOO_SMALL = hostile.HUGE_IDS[:2]
INVALID_CHOICE = "Masukkan pilihan yang valid."  # Django's own message, in Indonesian


def _project_modules():
    for label in hostile.PROJECT_APPS:
        package = importlib.import_module(label)
        for info in pkgutil.walk_packages(package.__path__, f"{label}."):
            if ".migrations" not in info.name and ".management" not in info.name:
                yield importlib.import_module(info.name)


def _project_forms() -> list[type[forms.BaseForm]]:
    found = set()
    for module in _project_modules():
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                found.add(obj)
    return sorted(found, key=lambda f: f"{f.__module__}.{f.__qualname__}")


def test_every_model_choice_field_of_every_form_refuses_ids_outside_64_bits():
    """Declared fields and the ones a ModelForm makes from its model's foreign keys and many-to-many
    fields (those need `Meta.formfield_callback = ids.id_formfield`)."""
    forms_found = _project_forms()
    assert len(forms_found) > 20, [f.__name__ for f in forms_found]
    plain = [
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in forms_found
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, ids.ModelChoiceField | ids.ModelMultipleChoiceField)
    ]
    assert plain == [], "use madrasah.ids.ModelChoiceField / ModelMultipleChoiceField"


def test_no_code_builds_django_s_own_model_choice_field():
    """Fields a form adds in `__init__` are not in `base_fields`: the source must not name Django's."""
    # A call builds one; a class statement subclasses one (`isinstance` checks are fine).
    pattern = re.compile(r"forms\.Model(Multiple)?ChoiceField\(|^\s*class .*\bforms\.Model(Multiple)?ChoiceField\b")
    offenders = []
    for label in hostile.PROJECT_APPS:
        for path in sorted((Path(settings.BASE_DIR) / label).rglob("*.py")):
            if path.name == "ids.py" or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert offenders == []


def test_an_id_is_read_only_when_a_key_can_hold_it():
    assert ids.id_from("42") == 42
    assert ids.id_from(" 7 ") == 7
    assert ids.id_from(str(ids.ID_MAX)) == ids.ID_MAX
    for value in (TOO_BIG, TOO_SMALL, str(ids.ID_MAX + 1), "1e400", "9" * 5000, "", None, "abc", True):
        assert ids.id_from(value) is None, value
    assert ids.ids_from(["3", TOO_BIG, "x", "5"]) == [3, 5]


# The multiple choice fields that were a 500 (a single choice is looked up with `pk=`, which Django
# already bounds; the walk above keeps those on the safe field too).
CHOICES = [
    ("madrasah:staff-create", "subjects"),
    ("madrasah:staff-update", "subjects"),
    ("kompetensi:in-house-create", "attendees"),
    ("kompetensi:in-house-update", "attendees"),
    ("kompetensi:follow-up-create", "items"),
    ("kompetensi:programme-row-create", "instruments"),
    ("kompetensi:programme-bulk-create", "instruments"),
    ("mutu:cycle-create", "team"),
    ("mutu:cycle-update", "team"),
]


@pytest.mark.parametrize(("name", "field"), CHOICES)
def test_a_huge_id_in_a_choice_is_a_form_error_in_indonesian(name, field, world, client):  # noqa: F811
    """The form as its page shows it, with the one choice replaced: the form comes back with Django's
    'not a valid choice' at that field, in Indonesian, for a number too big and one too small."""
    target = next(t for t in TARGETS if t.name == name and not t.label)
    _client_for(client, world, target.persona)
    controls = _controls(client, world, target)
    assert field in controls, sorted(controls)
    url = reverse(target.name, args=target.args(world))
    for value in ([TOO_BIG], [*controls[field].baseline, TOO_SMALL]):
        response = client.post(url, {**_baseline(controls), field: value})
        assert response.status_code == 200, (value, response.status_code)
        assert INVALID_CHOICE in response.content.decode(), value


def test_a_huge_id_ticked_for_finalising_is_not_a_result(world, client):  # noqa: F811
    """The recap's checkboxes are read without a form: an id no key holds is no result to finalise."""
    _client_for(client, world, "kepala")
    url = reverse("kompetensi:observation-finalise-bulk")
    response = client.post(url, {"observation": [TOO_BIG, TOO_SMALL], "confirm": [TOO_BIG]})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Centang dahulu hasil yang akan difinalkan."]
