"""The generated blocks of the documentation: each is the output of a command, written between its markers
(``<!-- name:begin -->`` / ``<!-- name:end -->``) and checked by the tests, never typed by hand.

    python3 -m symspec.output.generated          rewrite every block where it stands (README.md, docs/*.md)
    python3 -m symspec.output.generated --check  exit 1 when a block differs from its command's output
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def findings_block() -> str:
    from ..findings import run_all
    from .findings import findings_markdown

    return findings_markdown(run_all())


def ledger_block() -> str:
    from ..ledger import build
    from .ledger import readme_block

    return readme_block(build())


def study_block() -> str:
    from .experiment import study_markdown

    return study_markdown(json.loads((ROOT / "docs" / "studies" / "audit-vs-training.json").read_text()))


EXCERPT = ("check", "valid-conv")  # the front page's real output: its table and first witness, at 80 columns
AUDIT_EXCERPT = ("audit", "examples.decoders:UNetDecoder", "--input", "128x4x4")  # the auditing page's table
AUDIT_ROWS = 6  # the audit table's first rows shown (its head is 3 lines, the title 1)


def command_output(argv: tuple[str, ...], columns: int) -> list[str]:
    """What ``symspec ARGV`` prints at ``columns`` columns, as lines (its exit code does not matter here)."""
    import contextlib
    import io
    import os

    from ..cli import main

    out = io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        with contextlib.redirect_stdout(out):
            try:
                main(list(argv))
            except SystemExit:
                pass
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    return out.getvalue().splitlines()


def excerpt_block() -> str:
    lines = command_output(EXCERPT, 80)
    end = next(i for i, line in enumerate(lines) if line.strip().startswith("replay:"))
    return "```\n$ symspec " + " ".join(EXCERPT) + "\n" + "\n".join(lines[: end + 1]) + "\n[...]\n```"


def audit_excerpt_block() -> str:
    """The head of a real audit table at 100 columns (weights and inputs are seeded: the same every run)."""
    lines = command_output(AUDIT_EXCERPT, 100)
    head = next(i for i, line in enumerate(lines) if line.startswith("┡"))
    shown = [line.rstrip() for line in lines[: head + 1 + AUDIT_ROWS]]
    return "```\n$ symspec " + " ".join(AUDIT_EXCERPT) + "\n" + "\n".join(shown) + "\n[...]\n```"


def example_claim_block() -> str:
    """The worked example of a claim of one's own, exactly the file the tests run."""
    return "```python\n" + (ROOT / "examples" / "my_claim.py").read_text(encoding="utf-8").rstrip() + "\n```"


BLOCKS = {
    "findings": findings_block,
    "ledger": ledger_block,
    "study": study_block,
    "excerpt": excerpt_block,
    "audit-excerpt": audit_excerpt_block,
    "example-claim": example_claim_block,
}


def pages() -> list[Path]:
    return [p for p in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))] if p.is_file()]


def pattern(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- {name}:begin -->\n)(.*?)(\n?<!-- {name}:end -->)", flags=re.S)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    texts = {p: p.read_text(encoding="utf-8") for p in pages()}
    for name, make in BLOCKS.items():
        holders = [p for p, t in texts.items() if pattern(name).search(t)]
        if not holders:
            continue
        body = make().strip()
        for page in holders:
            new = pattern(name).sub(lambda m: m.group(1) + body + "\n" + m.group(3).lstrip("\n"), texts[page])
            if new != texts[page]:
                stale.append(f"{page.relative_to(ROOT)}: {name}")
                texts[page] = new
                if not check:
                    page.write_text(new, encoding="utf-8")
    for line in stale:
        print(("stale  " if check else "wrote  ") + line)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
