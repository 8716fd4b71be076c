"""The studio as an HTTP service: FastAPI routes under /api/v1 that enqueue work for workers."""
