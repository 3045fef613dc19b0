"""PKG writes, by concern: set-up (`setup`), scores, evidence and self-evaluation (`scores`), stage
transitions (`transitions`) and closing the year (`closing`)."""
