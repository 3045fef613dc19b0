"""Instruments: frameworks (national, seeded), instrument versions per academic year with their
sections, items and predikat bands, the one scoring function (`rules`) and the filled-sheet core
shared by observations and PKG appraisals (`sheets`)."""
