"""The previous release's database, as the upgrade tests rebuild it.

The latest migration of each of the product's apps in the last release (b37b791). When a release
ships, set these to that release's latest migrations (`git show <release>:<app>/migrations/`), so the
next release's upgrade is tested from it.
"""

PREVIOUS_RELEASE = "b37b791"
PREVIOUS_RELEASE_MIGRATIONS = {
    "madrasah": "0005_access_log_kind",
    "kompetensi": "0006_observation_teacher_state",
    "mutu": "0001_initial",
    "laporan": "0003_retention",
}
