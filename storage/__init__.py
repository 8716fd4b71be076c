"""Storage remembers: runs, plans, takes and a content-addressed asset store."""
