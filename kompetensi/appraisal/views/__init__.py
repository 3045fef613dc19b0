"""PKG views, by page: the period (`periods`), the appraisal's sheet (`sheet`), its stages and
printed forms (`stages`)."""
