"""PKG: the yearly teacher performance appraisal (periods, set-up, scoring, evidence, stage
transitions, closing, printed forms and the year's figures)."""
