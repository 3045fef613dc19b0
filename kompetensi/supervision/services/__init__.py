"""Supervision writes, by concern: team and programme, observations and their conflict copies, the
workflow of a result, evidence and follow-ups."""
