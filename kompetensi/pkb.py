"""PKB: professional development log, verification, in-house activities (services and selectors)."""
