"""Tests of the HTTP API (studio.api)."""
