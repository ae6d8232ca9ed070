"""The profiles file (`cli.profiles`) written by hand: a shape it does not hold is refused by name, never a traceback."""

from __future__ import annotations


def test_a_profiles_file_whose_profiles_key_is_not_a_table_is_refused_by_name(tmp_path, monkeypatch):
    """Found by a breaker: `profiles = "x"` (or a list) at the top of profiles.toml: `profiles_shape` lets it through and `load_all` ends in
    AttributeError ('str' object has no attribute 'items'), a traceback from `legis profile list` and every command that
    reads a profile, where the commit refuses a hand-written file by name."""
    import pytest

    from cli import profiles
    from cli.failures import Invalid

    stored = tmp_path / "profiles.toml"
    monkeypatch.setattr(profiles, "path", lambda: stored)
    for text in ('profiles = "x"\n', "profiles = [1]\n"):
        stored.write_text(text, encoding="utf-8")
        with pytest.raises(Invalid):
            profiles.load_all()
