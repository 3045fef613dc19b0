"""PKG: the yearly teacher performance appraisal (services and selectors)."""
