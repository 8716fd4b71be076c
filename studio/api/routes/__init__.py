"""One router per resource, each included by studio.api.main under /api/v1."""
