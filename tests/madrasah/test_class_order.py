"""Class names (rombel) in the order people read them: by grade, the Roman numerals counted, then the
group with its numbers counted; names without a grade last."""

from __future__ import annotations

import random

import pytest

from madrasah.timetable.rules import class_sort_key

READING_ORDER = [
    "VII-2",
    "VII-10",
    "VII-A",
    "VII-B",
    "VIII-A",
    "VIIIB",
    "IX-A",
    "X IPA 1",
    "X IPA 2",
    "X IPA 10",
    "XI-A",
    "XII-A",
    "Ibnu Sina",
    "Tahfidz",
]


def test_the_grades_count_before_the_letters():
    assert sorted(["IX-A", "VIII-A", "VII-B", "VII-A"], key=class_sort_key) == ["VII-A", "VII-B", "VIII-A", "IX-A"]


def test_a_shuffled_list_comes_back_in_reading_order():
    shuffled = READING_ORDER[:]
    random.Random(19).shuffle(shuffled)
    assert sorted(shuffled, key=class_sort_key) == READING_ORDER


@pytest.mark.parametrize(
    ("written", "as_"),
    [
        ("7A", "VII-A"),
        ("7-a", "VII-A"),
        ("Kelas VIII A", "VIII-A"),
        ("viiia", "VIII-A"),
        ("IXA", "IX-A"),
        ("10 IPA 2", "X IPA 2"),
        (" XII - A ", "XII-A"),
    ],
)
def test_the_ways_a_class_is_written_read_as_the_same_grade_and_group(written, as_):
    assert class_sort_key(written)[:3] == class_sort_key(as_)[:3]


@pytest.mark.parametrize("name", ["Ibnu Sina", "Ivan", "Tahfidz", "", None, "=1+1"])
def test_a_name_without_a_grade_comes_after_every_graded_class(name):
    assert class_sort_key(name) > class_sort_key("XII-Z")
