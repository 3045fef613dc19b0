"""Supervision reads, by concern: the programme, observations, follow-ups, and the aggregated results."""
