"""The Indonesian catalogue is complete: no untranslated or fuzzy entry after makemessages.

Runs makemessages on a temporary copy so the working tree is never touched.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["manage.py", "config", "madrasah", "kompetensi", "mutu", "laporan", "templates", "locale"]
MAKEMESSAGES = ["makemessages", "-l", "id", "--no-location", "--ignore=tests/*", "--ignore=.data/*"]


def test_makemessages_leaves_nothing_untranslated_or_fuzzy(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, target)
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "DATA_DIR": str(tmp_path / ".data")}
    subprocess.run([sys.executable, "manage.py", *MAKEMESSAGES], cwd=tmp_path, env=env, check=True, capture_output=True)
    po = tmp_path / "locale/id/LC_MESSAGES/django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    assert untranslated == "", f"untranslated Indonesian entries:\n{untranslated}"
    assert fuzzy == "", f"fuzzy Indonesian entries:\n{fuzzy}"


def test_the_compiled_catalogue_is_not_committed():
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked == ""
