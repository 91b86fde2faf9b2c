"""Code the manual quotes as "from: FILE" is that file's code, verbatim: a page cannot drift from it."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUOTED = re.compile(r"<!-- from: (?P<file>\S+) -->\n```python\n(?P<code>.*?)```", re.S)


def quoted_blocks():
    for page in sorted((ROOT / "docs").glob("*.md")):
        for m in QUOTED.finditer(page.read_text(encoding="utf-8")):
            yield pytest.param(page.name, m["file"], m["code"], id=f"{page.name}:{m['file']}")


BLOCKS = list(quoted_blocks())


def test_the_contributing_page_quotes_its_worked_example():
    assert {(page, file) for page, file, _ in (b.values for b in BLOCKS)} >= {
        ("contributing.md", "symspec/audit/rules.py"),
        ("contributing.md", "tests/test_audit_rule_roll.py"),
    }


@pytest.mark.parametrize("page,file,code", BLOCKS)
def test_a_quoted_block_is_in_its_file(page, file, code):
    assert code in (ROOT / file).read_text(encoding="utf-8"), f"{page} quotes code that {file} no longer has"
