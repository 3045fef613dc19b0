"""What the import's preview shows of a spec: the instrument as the detail page lays it out, with its
options named in the reader's language. Pure."""

from __future__ import annotations

from ...models import BandRounding, InstrumentKind, ItemScoring, SectionCombining
from .cells import indicator_text


def preview_of(spec: dict) -> dict:
    labels = spec["scale"]["labels"]
    return {
        "code": spec["code"],
        "name": spec["name"],
        "kind": InstrumentKind(spec["kind"]).label,
        "framework": spec["framework"],
        "scale": [(value, labels.get(value, "")) for value in range(spec["scale"]["min"], spec["scale"]["max"] + 1)],
        "allow_not_applicable": spec["allow_not_applicable"],
        "follow_up_below": spec["follow_up_below"],
        "options": [
            ItemScoring(spec["item_scoring"]).label,
            SectionCombining(spec["section_combining"]).label,
            BandRounding(spec["band_rounding"]).label,
        ],
        "bands": spec["bands"],
        "sections": [
            {
                "title": section["title"],
                "weight": section["weight"],
                "competency": section["competency"],
                "items": [
                    {"text": item["text"], "indicator": indicator_text(item["indicator"])} for item in section["items"]
                ],
            }
            for section in spec["sections"]
        ],
        "item_count": sum(len(section["items"]) for section in spec["sections"]),
    }
