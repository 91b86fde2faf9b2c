"""Where claims come from: the papers shipped in ``symspec/papers/<id>/`` (found by directory, imported by
name), papers of other packages (entry-point group ``symspec.papers``), and a claim file the user names
(``symspec check ./my_claims.py``).  The engine imports no paper: it asks this registry, by name.

A paper package exposes ``PAPER`` (a :class:`symspec.api.Paper` whose ``claims`` are filled); an entry point
names such a package or the ``Paper`` object itself.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from functools import lru_cache
from pathlib import Path

from .api import Paper
from .claims import Claim
from .errors import SymspecError

PAPERS_DIR = Path(__file__).with_name("papers")
GROUP = "symspec.papers"
DEFAULT_PAPER = "tang2023"  # its claims keep their short ids (theorem1, ...)
_loaded: dict[str, Paper] = {}  # papers loaded from files the user named, by paper id
_files: dict[str, str] = {}  # the file each of them came from, as the user named it, by paper id
_stamps: dict[Path, tuple] = {}  # a loaded file's (mtime, size) and paper: named again unchanged, not re-run


def builtin_ids() -> list[str]:
    """The papers shipped with symspec, the decoder paper first, then by id."""
    ids = sorted(m.name for m in pkgutil.iter_modules([str(PAPERS_DIR)]) if m.ispkg)
    return sorted(ids, key=lambda i: (i != DEFAULT_PAPER, i))


def _paper_of(obj, where: str) -> Paper:
    paper = getattr(obj, "PAPER", obj)
    if not isinstance(paper, Paper):
        raise SymspecError(f"{where} is not a symspec paper (a Paper, or a module with PAPER)")
    return _owned(paper)


def _owned(paper: Paper) -> Paper:
    """``paper`` with each of its claims naming it (``Claim.paper``; a report carries it on)."""
    for c in paper.claims:
        if not c.paper:
            c.paper = paper.id
    return paper


@lru_cache(maxsize=None)
def builtin(paper_id: str) -> Paper:
    return _paper_of(
        importlib.import_module(f"{__package__}.papers.{paper_id}"), f"symspec.papers.{paper_id}"
    )


@lru_cache(maxsize=1)
def entry_point_papers() -> tuple[Paper, ...]:
    from importlib.metadata import entry_points

    out = []
    for ep in entry_points(group=GROUP):
        try:
            out.append(_paper_of(ep.load(), f"entry point {ep.name} ({ep.value})"))
        except ImportError as exc:
            raise SymspecError(
                f"entry point {ep.name} ({ep.value}) of group {GROUP} cannot be imported: {exc}"
            ) from None
    return tuple(out)


def all_papers() -> list[Paper]:
    papers = [builtin(i) for i in builtin_ids()] + list(entry_point_papers()) + list(_loaded.values())
    seen: dict[str, Paper] = {}
    for p in papers:
        if p.id in seen and seen[p.id] is not p:
            raise SymspecError(f"two papers share the id {p.id!r}")
        seen[p.id] = p
    return list(seen.values())


def all_claims(paper: str | None = None) -> list[Claim]:
    if paper is not None:
        return list(find_paper(paper).claims)
    return [c for p in all_papers() for c in p.claims]


def find_paper(name: str) -> Paper:
    key = str(name).strip().lower()
    for p in all_papers():
        if p.id == key:
            return p
    raise SymspecError(f"unknown paper {name!r} (known: {', '.join(p.id for p in all_papers())})")


def paper_of(claim: Claim) -> str:
    return claim.paper or DEFAULT_PAPER


def is_path(name: str) -> bool:
    return str(name).endswith(".py")


def load_path(path: str) -> Paper:
    """Import the claim file the user named and return its paper (a file's claims are the user's own code,
    run because they asked for it).  A file with claims but no ``Paper`` of its own is refused."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise SymspecError(f"{path}: no such claim file")
    stat = file.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    seen = _stamps.get(file.resolve())
    if seen is not None and seen[0] == stamp and _loaded.get(seen[1].id) is seen[1]:
        _files[seen[1].id] = str(path)
        return seen[1]
    name = "symspec_user_" + "".join(ch if ch.isalnum() else "_" for ch in file.stem)
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    papers = [v for v in vars(module).values() if isinstance(v, Paper)]
    if len(papers) != 1:
        raise SymspecError(f"{path}: expected one Paper in the file, found {len(papers)}")
    paper = papers[0]
    if not paper.claims:
        raise SymspecError(f"{path}: paper {paper.id!r} states no claim")
    known = {p.id: p for p in [builtin(i) for i in builtin_ids()] + list(entry_point_papers())}
    if paper.id in known:
        raise SymspecError(f"{path}: paper id {paper.id!r} is already taken by an installed paper")
    _loaded[paper.id] = _owned(paper)
    _files[paper.id] = str(path)
    _stamps[file.resolve()] = (stamp, paper)
    return paper


def check_name(claim: Claim) -> str:
    """What ``symspec check`` is given to run ``claim`` again in a fresh process: the claim file it came from
    (quoted for a shell where needed), else its id."""
    path = _files.get(claim.paper) if _loaded.get(claim.paper) is not None else None
    if path is None:
        return claim.id
    import shlex

    return shlex.quote(path)


def lookup(name: str) -> Claim:
    """A claim by id, alias or ``<paper>.<claim>`` (the decoder paper's claims also by their short ids)."""
    key = str(name).strip().lower()
    for c in all_claims():
        if key == c.id or key in c.aliases:
            return c
    if "." in key:
        head, rest = key.split(".", 1)
        try:
            paper = find_paper(head)
        except SymspecError:
            paper = None
        if paper is not None:
            for c in paper.claims:
                if rest == c.id or rest in c.aliases or c.id == f"{paper.id}.{rest}":
                    return c
    known = ", ".join(c.id for c in all_claims())
    raise SymspecError(f"unknown claim {name!r} (known: {known}; papers in `symspec papers`)")


def select(name: str) -> tuple[str, list[Claim]]:
    """What ``check NAME`` / ``falsify NAME`` runs: ``all``, a paper id, a claim file, or one claim."""
    key = str(name).strip().lower()
    if key == "all":
        return "all", all_claims()
    if is_path(name):
        paper = load_path(name)
        return paper.id, list(paper.claims)
    if key in {p.id for p in all_papers()}:
        return key, all_claims(key)
    c = lookup(name)
    return c.id, [c]
