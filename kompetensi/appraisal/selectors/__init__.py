"""PKG reads, by concern: set-up (`setup`), results and standing (`results`), the appraisal page
(`pages`), the year's aggregates (`figures`) and the printed forms (`printing`)."""
