"""PKB: the teachers' professional development log, its verification and in-house activities."""
