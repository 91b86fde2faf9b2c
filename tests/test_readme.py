"""The README is part of the product: its set-up commands are what CI runs, and its commands work as shown."""

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]  # the front page and the manual
MANUAL = "\n".join(p.read_text() for p in PAGES)


def bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_first_screen_has_exactly_the_two_setup_commands():
    first_screen = "\n".join(README.splitlines()[:30])
    blocks = bash_blocks(first_screen)
    assert [b.strip() for b in blocks] == [
        "bash install.sh && .venv/bin/symspec check all",
        "bash install.sh --test && .venv/bin/python -m pytest",
    ]


def test_ci_runs_the_readme_test_command():
    test_command = bash_blocks(README)[1].strip()
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()


def readme_symspec_commands():
    out = []
    for block in bash_blocks(MANUAL):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("symspec "):
                out.append(line)
    return out


@pytest.mark.parametrize("line", readme_symspec_commands())
def test_readme_command_works_as_shown(run_cli, line, tmp_path, monkeypatch):
    # run in a scratch copy of the files the commands read, so that files they write stay out of the tree
    import shutil
    import sys

    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path)] + [p for p in sys.path if p not in ("", str(ROOT))])
    for name in [m for m in sys.modules if m == "examples" or m.startswith("examples.")]:
        monkeypatch.delitem(sys.modules, name)
    r = run_cli(*shlex.split(line)[1:])
    assert r.code in (0, 1), r.err  # 1 is an honest FAIL verdict; 2 would be a usage error
    assert "Traceback" not in r.out + r.err


def test_readme_findings_table_is_the_output_of_symspec_findings():
    """The findings table is generated (`symspec findings --markdown`), never typed; each row is confirmed."""
    from symspec.findings import run_all
    from symspec.output.findings import findings_markdown

    match = re.search(r"<!-- findings:begin -->\n(.*?)\n<!-- findings:end -->", MANUAL, flags=re.S)
    assert match, "the manual has no generated findings block"
    outcomes = run_all()
    assert all(o.confirmed for o in outcomes), [o.case.row for o in outcomes if not o.confirmed]
    assert match.group(1).strip() == findings_markdown(outcomes).strip()


def test_every_finding_has_an_independent_witness_test():
    import ast

    from symspec.papers.tang2023.findings import CASES

    for case in CASES:
        path = ROOT / "tests" / "witnesses" / case.witness_test
        assert path.exists(), case.witness_test
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] == "symspec" for n in names), (
                f"{case.witness_test} imports symspec"
            )


def test_witness_tests_pass_without_symspec_loaded():
    """Run tests/witnesses in a fresh interpreter without the suite's conftest: symspec must never be imported
    (in this one process, ``-n 0``: worker processes would hide what the tests import)."""
    import subprocess
    import sys

    code = (
        "import sys, pytest; rc = pytest.main(['-q', '--noconftest', '-p', 'no:cacheprovider', "
        "'-n', '0', 'tests/witnesses']); loaded = [m for m in sys.modules if m.split('.')[0] == 'symspec']; "
        "print('loaded:', loaded); sys.exit(rc or (3 if loaded else 0))"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "loaded: []" in run.stdout


def test_every_printed_failure_at_the_defaults_is_a_documented_finding():
    """`symspec check all` exits 1 only through printed rows, and each of them has a findings case (and so a
    witness test); variant rows never fail."""
    from symspec.claims import row_key
    from symspec.papers.tang2023.findings import CASES
    from symspec.papers.tang2023 import all_claims

    documented = {row_key(c.row)[-1] for c in CASES}
    for claim in all_claims():
        for v in claim.check({}).verdicts:
            if v.verdict == "fail":
                assert v.source != "variant", v.id
                if v.source == "printed":
                    assert row_key(v.id)[-1] in documented, v.id


def test_every_generated_block_is_the_output_of_its_command():
    """Generated blocks (the front page's excerpt, findings, ledger, the audit study) are rewritten by
    `python3 -m symspec.output.generated`, never typed: none is stale."""
    from symspec.output.generated import main as generate

    assert generate(["--check"]) == 0
    assert "<!-- excerpt:begin -->\n```" in README


def test_front_page_is_short_and_links_into_the_manual():
    assert len(README.encode()) <= 10 * 1024
    for target in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / target).is_file(), target


def test_the_manual_builds_strictly(tmp_path):
    """`mkdocs build --strict`: a broken link, a missing page or an unresolvable API reference fails."""
    import subprocess
    import sys

    pytest.importorskip("mkdocs")
    import os

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert (tmp_path / "site" / "reference" / "cli" / "index.html").is_file()
