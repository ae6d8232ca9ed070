"""Reads and writes of PostgreSQL that are not a workflow's activities: what the HTTP API and the CLI share."""
