"""The `legis` command for upstream systems and operators."""
