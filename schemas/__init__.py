"""Typed messages of legis: one pydantic model per message, enumerations named as in DOMAIN.md."""
