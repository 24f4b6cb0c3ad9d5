"""How the peer scripts write their JSON fixtures: one rule, in one place.

A fixture whose indented text (indent=1) is at most COMPACT_ABOVE bytes is written indented,
so a person can read and diff it; a larger one is written compactly (no indentation,
separators (",", ":")), which keeps the repository small. Either way the values are
Python's `json` output: floats in their shortest round-tripping repr, keys in insertion
order, a final newline.

    from fixture_json import write_fixture
    write_fixture(path, fixture)
"""
import json
from pathlib import Path

COMPACT_ABOVE = 100_000


def fixture_text(value, **options):
    """The fixture text of `value` (`options` are passed to json.dumps, e.g. default=float)."""
    indented = json.dumps(value, indent=1, **options)
    if len(indented.encode("utf-8")) <= COMPACT_ABOVE:
        return indented + "\n"
    return json.dumps(value, separators=(",", ":"), **options) + "\n"


def write_fixture(path, value, **options):
    """Writes `value` to `path` by the rule above; returns the path."""
    path = Path(path)
    path.write_text(fixture_text(value, **options), encoding="utf-8")
    return path
