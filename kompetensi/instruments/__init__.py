"""Instruments: frameworks (national, seeded), instrument versions per academic year with their
sections, items and predikat bands, the one scoring function and the filled-sheet core shared by
observations and PKG appraisals (`rules`: `SaveResult`, `clean_sheet_scores`; `selectors`: `bands_of`,
`sheet_item_ids`)."""
