"""Activities of legis: every effect on the world outside the workflow (PostgreSQL, files)."""
