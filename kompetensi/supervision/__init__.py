"""Academic supervision: the team decree and the programme of a semester with its rows, observations
(entry, autosave, conflict copies, the read-only and blank sheets), the workflow of a result (submit,
acknowledge, clarify, finalise, reopen, deemed received), evidence and follow-ups (RTL)."""
