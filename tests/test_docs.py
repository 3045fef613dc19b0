"""Domain rules are cited from the project's own docs/domain.md, by a section that exists.

A citation reads `docs/domain.md §8` or `docs/domain.md §8 "PKG scoring"`; when it quotes a heading,
the heading must be that section's.
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ROOT / "docs" / "domain.md"
# Spelled in two parts so that this file does not mention the outside reference itself.
OUTSIDE_REFERENCE = "DOMAIN" + ".md"
CITATION = re.compile(r'docs/domain\.md §(\d+)(?:\s+"([^"]+)")?')
HEADING = re.compile(r"^## (\d+)\. (.+)$", re.MULTILINE)


def sections() -> dict[int, str]:
    return {int(number): title.strip() for number, title in HEADING.findall(DOMAIN.read_text(encoding="utf-8"))}


def tracked_files_containing(text: str) -> list[str]:
    found = subprocess.run(
        ["git", "grep", "-I", "-l", "-F", "-e", text, "--", ".", ":(exclude)docs/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert found.returncode in (0, 1), found.stderr  # 1: nothing found
    return found.stdout.split()


def test_no_tracked_file_outside_docs_cites_the_outside_reference():
    assert tracked_files_containing(OUTSIDE_REFERENCE) == []


def test_sections_are_numbered_once_each_from_one():
    numbers = [int(number) for number, _title in HEADING.findall(DOMAIN.read_text(encoding="utf-8"))]
    assert numbers == list(range(1, len(numbers) + 1))


def test_every_citation_names_an_existing_section_by_its_own_heading():
    known = sections()
    bad = []
    cited = 0
    for name in tracked_files_containing("docs/domain.md §"):
        text = (ROOT / name).read_text(encoding="utf-8")
        for match in CITATION.finditer(text):
            cited += 1
            number, title = int(match.group(1)), match.group(2)
            line = text.count("\n", 0, match.start()) + 1
            if number not in known:
                bad.append(f"{name}:{line}: §{number} does not exist")
            elif title is not None:
                # A heading quoted across a line break (in a comment or docstring) reads as one line.
                title = re.sub(r"\s*\n\s*(?:#\s*)?", " ", title)
                if title != known[number]:
                    bad.append(f'{name}:{line}: §{number} is "{known[number]}", not "{title}"')
    assert cited > 0
    assert bad == []
