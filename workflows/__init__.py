"""Temporal workflows of legis and the pure modules they import (stage graph, deadlines, decision rules)."""
