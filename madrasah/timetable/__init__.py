"""The madrasah's school week, bell times (regular and Ramadan), classes (rombel) and the teaching
timetable imported from Excel, which the supervision planner reads (`selectors.planner_week`)."""
