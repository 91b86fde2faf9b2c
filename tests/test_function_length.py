"""No function in symspec/ runs over 60 lines: a long one is split into named steps that share a small
setup record (see ``symspec.papers.tang2023.theorem2.run``).

Measured with ``ast``: from the ``def`` line to the function's last line, nested functions and methods
included.  ``STILL_LONG`` lists the functions not yet split, each with its length today; the list may only
shrink (an entry that is split must be removed) and no entry may grow.
"""

from __future__ import annotations

import ast
from pathlib import Path

LIMIT = 60
ROOT = Path(__file__).resolve().parent.parent / "symspec"

# "path under symspec/:function" -> its length when listed; every function is split now
STILL_LONG: dict[str, int] = {}


def function_lengths(source: str) -> list[tuple[str, int]]:
    """(name, lines) of every function and method in ``source``, nested ones included."""
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def long_functions() -> dict[str, int]:
    """Every function of symspec/ over ``LIMIT`` lines, as "path:name" -> lines (the longest of a name)."""
    out: dict[str, int] = {}
    for path in sorted(ROOT.rglob("*.py")):
        for name, lines in function_lengths(path.read_text(encoding="utf-8")):
            key = f"{path.relative_to(ROOT).as_posix()}:{name}"
            if lines > LIMIT:
                out[key] = max(lines, out.get(key, 0))
    return out


def test_the_measure_counts_from_def_to_the_last_line():
    body = "".join(f"        x{i} = {i}\n" for i in range(59))
    source = "@decorator\ndef at_limit():\n" + body.replace("        ", "    ")
    source += "\n\nclass A:\n    def over(self):\n" + body + "        return x0\n"
    lengths = dict(function_lengths(source))
    assert lengths["at_limit"] == LIMIT  # the def line and 59 statements; the decorator is not counted
    assert lengths["over"] == LIMIT + 1  # a method is measured too


def test_no_function_is_over_the_limit():
    over = {k: n for k, n in long_functions().items() if k not in STILL_LONG}
    assert not over, f"functions over {LIMIT} lines (split them into named steps): {over}"


def test_the_still_long_list_only_shrinks():
    found = long_functions()
    split = [k for k in STILL_LONG if k not in found]
    assert not split, f"now at most {LIMIT} lines: remove from STILL_LONG: {split}"
    grown = {k: (STILL_LONG[k], found[k]) for k in STILL_LONG if found[k] > STILL_LONG[k]}
    assert not grown, f"grew since listed (listed, now): {grown}"
