"""Supervision pages, by concern: team and programme, observation entry, read-only sheets, conflict
copies, and the workflow of a result with its follow-ups."""
