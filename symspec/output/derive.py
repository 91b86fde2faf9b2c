"""``symspec derive``: a layer's rule as text (fits the console's width), as LaTeX (pure ASCII) and as JSON.

All three show every term of Phi: each term's channel weight (``W[d, c, t, s]``, ``δ(c, d)``), its row factor
``A_i(u', u)`` and its column factor ``B_j(v', v)``, and each factor in closed form (the sine quotient
over the interior plus the boundary terms), so that the rule can be rebuilt from what is printed.
The JSON carries each expression as ``srepr`` (``sympy.sympify`` reads it back) and as a plain string,
with the values each weight stands for.
"""

from __future__ import annotations

import textwrap
import unicodedata

import sympy as sp
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from .console import unicode_ok
from .style import STYLE, verdict_text
from .format import fmt
from ..spectral.ops import Derivation
from ..spectral.ops.axis import uo, vo
from ..verdicts import FAIL, PASS
from .jsonout import document, jsonable
from .table import Col, build

TEX_NAMES = {uo: r"u^{\prime}", vo: r"v^{\prime}"}
ZERO_RULE = (
    "where a denominator sin(x) is 0 (x = k pi), the quotient sin(L x)/sin(x) is its limit "
    "L cos(L x)/cos(x) = L (-1)^(k (L-1))"
)
ASCII = {
    "π": "pi",
    "Σ": "sum ",
    "×": "x",
    "·": "*",
    "⋅": "*",
    "∘": "o",
    "²": "^2",
    "→": "->",
    "α": "alpha",
    "λ": "lambda",
    "δ": "delta",
    "Φ": "Phi",
    "θ": "theta",
    "…": "...",
    "−": "-",
    "ⅈ": "i",
    "ℯ": "e",
    "≤": "<=",
    "≥": ">=",
    "‖": "||",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
}


# ------------------------------------------------------------------------------------------ pieces


def ascii_text(text: str) -> str:
    """Plain ASCII for LaTeX comments: known symbols spelled out, other characters by
    their NFKD form or '?'."""
    out = []
    text = str(text)
    for i, ch in enumerate(text):
        if ord(ch) < 128:
            out.append(ch)
        elif ch in ASCII:
            word = ASCII[ch]
            glued = word.isalpha() and len(word) > 1 and i + 1 < len(text) and text[i + 1].isalnum()
            out.append(word + " " if glued else word)  # "2πu'" -> "2pi u'"
        else:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def tex(expr) -> str:
    return sp.latex(expr, symbol_names=TEX_NAMES)


def weight_text(w: sp.Expr) -> str:
    """A channel weight on one line: ``W[d, c, 0, 1]``, ``δ(c, d)``."""
    if isinstance(w, sp.KroneckerDelta):  # compact arguments: δ(c, 4d+1)
        return f"δ({', '.join(sp.sstr(a).replace(' ', '').replace('*', '') for a in w.args)})"
    if isinstance(w, sp.Indexed):
        return f"{w.base}[{', '.join(sp.sstr(i) for i in w.indices)}]"
    return sp.sstr(w)


def call_text(expr: sp.Expr) -> str:
    return sp.pretty(expr, use_unicode=unicode_ok())


def term_text(t) -> str:
    return f"{weight_text(t.weight)}⋅{call_text(t.row.symbol())}⋅{call_text(t.col.symbol())}"


def factored_text(form) -> str:
    weight, rows, cols = form
    return (
        f"{weight_text(weight)}⋅({' + '.join(call_text(r.symbol()) for r in rows)})"
        f"⋅({' + '.join(call_text(c.symbol()) for c in cols)})"
    )


def wrap_sum(head: str, pieces: list[str], width: int) -> list[str]:
    """``head = p1 + p2 + ...`` broken between pieces (and inside a piece at its own " + "), continuation
    lines indented."""
    tokens = [tok for piece in pieces for tok in piece.split(" + ")]
    lines, line = [], head + " ="
    for i, tok in enumerate(tokens):
        sep = " " if i == 0 else " + "
        if cell_len(line + sep + tok) > width:
            lines.append(line)
            line = ("    " if i == 0 else "    + ") + tok
        else:
            line += sep + tok
    lines.append(line)
    return lines


def _width(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def pretty(expr, width: int) -> str:
    """SymPy's 2-D form within ``width``: a sum too wide for one line is set summand by summand, as many to a
    line as fit, each further line starting with + or -; only a single summand wider than ``width`` is cut by
    SymPy's own line wrapping."""
    from sympy.printing.pretty.pretty import PrettyPrinter
    from sympy.printing.pretty.stringpict import prettyForm, stringPict

    text = sp.pretty(expr, use_unicode=unicode_ok(), wrap_line=False)
    if _width(text) <= width:
        return text
    if not isinstance(expr, sp.Add):
        return sp.pretty(expr, use_unicode=unicode_ok(), wrap_line=True, num_columns=width)
    printer = PrettyPrinter({"use_unicode": unicode_ok(), "wrap_line": False})
    lines, current = [], None
    for arg in expr.args:
        minus = arg.could_extract_minus_sign()
        form = printer._print(-arg if minus else arg)
        sign = "- " if minus else "+ "
        if current is None:  # the first summand
            current = prettyForm(*stringPict.next(prettyForm(sign), form)) if minus else form
            continue
        joined = prettyForm(*stringPict.next(current, prettyForm(" " + sign), form))
        if joined.width() <= width:
            current = joined
        else:
            lines.append(current)
            current = prettyForm(*stringPict.next(prettyForm(sign), form))
    lines.append(current)
    return "\n".join(f.render(wrap_line=f.width() > width, num_columns=width) for f in lines)


def composition_lines(rule, width: int) -> list[str]:
    """``Φ(...) = Σ_(k<K, a<M, b<N) Φ₂(...)⋅Φ₁(...)``, broken between factors where it is too wide."""
    product, limits = rule.composition()
    ranges = ", ".join(f"{sp.pretty(k)}<{hi + 1}" for k, _, hi in limits)
    lines = [f"{call_text(sp.Function('Phi')(*rule.variables()))} = Σ_({ranges})"]
    for i, f in enumerate(product):
        joint, piece = (" " if i == 0 else "⋅"), call_text(f)
        if cell_len(lines[-1] + joint + piece) <= width:
            lines[-1] += joint + piece
        else:
            lines[-1] += joint.strip()
            lines.append("    " + piece)
    return lines


def composition_tex(rule) -> str:
    product, limits = rule.composition()
    sums = " ".join(f"\\sum_{{{tex(k)}=0}}^{{{hi}}}" for k, _, hi in limits)
    return f"{tex(sp.Function('Phi')(*rule.variables()))} &= {sums} " + " ".join(tex(f) for f in product)


def shown(rule) -> str:
    from ..params import shown_params

    return fmt(
        shown_params(
            {k: (tuple(v) if isinstance(v, list) else v) for k, v in rule.params.items() if k != "seed"},
            sizes=("size", "ratio"),
        )
    )


# ------------------------------------------------------------------------------------------ LaTeX


def _phi_rows(stage) -> list[str]:
    """The stage's Phi as align* rows, three terms a row."""
    head = tex(stage.symbol())
    form = stage.factored()
    if form is not None:
        weight, rows, cols = form
        body = (
            f"{tex(weight)} \\left({' + '.join(tex(r.symbol()) for r in rows)}\\right) "
            f"\\left({' + '.join(tex(c.symbol()) for c in cols)}\\right)"
        )
        return [f"{head} &= {body}"]
    pieces = [f"{tex(t.weight)} {tex(t.row.symbol())} {tex(t.col.symbol())}" for t in stage.terms]
    chunks = [" + ".join(pieces[i : i + 3]) for i in range(0, len(pieces), 3)]
    return [f"{head} &= {chunks[0]}"] + [f"&\\quad + {chunk}" for chunk in chunks[1:]]


def latex_rows(rule) -> list[tuple[list[str], str]]:
    """(comments, math row) pairs of the rule: statement, Phi, every stage's terms and
    factors, the 0/0 rule."""
    rows: list[tuple[list[str], str]] = []
    st = rule.statement()
    rows.append(([], f"{tex(st.lhs)} &= {tex(st.rhs)}"))
    if rule.transfer is not None:
        rows.append(
            (
                ["T: the per-frequency channel matrix (shift-invariant layer)"],
                f"T(d, c, u^{{\\prime}}, v^{{\\prime}}) &= {tex(rule.transfer)}",
            )
        )
    stages = rule.stages()
    if rule.parts:
        rows.append((["Phi composes the stages, stage 1 applied first"], composition_tex(rule)))
    for i, stage in enumerate(stages):
        comments = []
        if rule.parts:
            part = stage.rule
            comments.append(f"stage {i + 1}: {part.layer} {part.in_shape} -> {part.out_shape}")
        if stage.weights_note:
            comments.append(stage.weights_note)
        phi = _phi_rows(stage)
        rows.append((comments, phi[0]))
        rows += [([], row) for row in phi[1:]]
        for f in stage.rows + stage.cols:
            note = [f"{f.name}: {f.axis} {f.term.describe()}"]
            if f.same_as:
                rows.append((note, f"{tex(f.symbol())} &= {tex(sp.Function(f.same_as)(*f.variables))}"))
            else:
                rows.append((note, f"{tex(f.symbol())} &= {tex(f.expr())}"))
    rows.append(([ZERO_RULE], r"\frac{\sin(L x)}{\sin(x)} &\to L (-1)^{k (L-1)} \quad \text{at } x = k \pi"))
    return rows


def latex_block(rule) -> str:
    """One amsmath ``align*`` environment, pure ASCII, one equation a row, comments (%) naming the pieces."""
    rows = latex_rows(rule)
    lines = [r"\begin{align*}"]
    for i, (comments, row) in enumerate(rows):
        lines += [f"% {ascii_text(c)}" for c in comments]
        lines.append(row + ("" if i == len(rows) - 1 else r" \\"))
    lines.append(r"\end{align*}")
    text = "\n".join(lines)
    assert text.isascii(), [ch for ch in text if not ch.isascii()]
    return text


class Derived(Derivation):
    """What ``symspec.derive(...)`` returns: the derivation with its LaTeX bound."""

    @property
    def latex(self) -> str:
        """Every equation of the rule as one amsmath ``align*`` block,
        pure ASCII (``\\Phi``, ``u^{\\prime}``)."""
        return latex_block(self.rule)


def verdict_line(result, validation) -> str:
    """``derive --quiet``: the validation verdict against the torch layer, in one line."""
    return (
        f"{validation.verdict.upper()}  derive {result.rule.layer}: "
        f"max rel. error {fmt(validation.max_error)} (tol {fmt(validation.tolerance)}) "
        f"over {validation.entries} entries"
    )


def wrap_latex(text: str, width: int) -> list[str]:
    """LaTeX source lines fitted to ``width`` by breaking at spaces (a line break is a space in math mode);
    comments stay comments."""
    out = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        comment = line.startswith("%")
        body = line[1:].strip() if comment else line
        out += textwrap.wrap(
            body,
            width=width,
            initial_indent="% " if comment else "",
            subsequent_indent="% " if comment else "  ",
            break_long_words=False,
            break_on_hyphens=False,
        ) or [line]
    return out


def print_latex(console: Console, result, validation) -> None:
    """``derive --latex``: only LaTeX, so that the output pastes or \\input-s into a document as it is."""
    rule = result.rule
    head = [
        f"% symspec derive {rule.layer} ({shown(rule)}): LaTeX, needs amsmath",
        f"% shape {rule.in_shape} -> {rule.out_shape}. {rule.reading}",
        f"% validation against the torch layer: {validation.verdict.upper()}, "
        f"max rel. error {fmt(validation.max_error)} (tol {fmt(validation.tolerance)}) "
        f"over {validation.entries} entries of Phi, {validation.limits_used} 0/0 points taken as limits",
    ]
    width = console.width
    source = "\n".join(ascii_text(h) for h in head)
    for line in wrap_latex(source, width) + wrap_latex(latex_block(result.rule), width):
        console.print(line, soft_wrap=True)


# ------------------------------------------------------------------------------------------ text


def print_factor(console: Console, f, width: int) -> None:
    name = call_text(f.symbol())
    if f.same_as:
        console.print(f"{name} = {call_text(sp.Function(f.same_as)(*f.variables))}")
        return
    console.print(
        Text(f"{name} =", style="bold")
        + Text(f"  {f.axis} {f.term.describe().replace(' -> ', ' → ')}", style="dim")
    )
    console.print(pretty(f.expr(), width))


def print_stage(console: Console, stage, width: int) -> None:
    form = stage.factored()
    head = call_text(stage.symbol())
    pieces = [factored_text(form)] if form is not None else [term_text(t) for t in stage.terms]
    for line in wrap_sum(head, pieces, width):
        console.print(line, soft_wrap=True)
    if stage.weights_note:
        console.print(Text(stage.weights_note, style="dim"))
    for f in stage.rows + stage.cols:
        print_factor(console, f, width)


def print_derivation(console: Console, result, validation, as_latex: bool = False) -> None:
    if as_latex:
        print_latex(console, result, validation)
        return
    rule = result.rule
    width = console.width
    console.print(Text(f"{rule.layer}  ({shown(rule)})", style="bold"))
    console.print(f"shape {rule.in_shape} → {rule.out_shape}")
    console.print(Text(rule.reading, style="italic"))
    console.print()
    console.print(pretty(result.expr, width))
    if rule.transfer is not None:
        console.print("\nT(d, c, u', v') =")
        console.print(pretty(rule.transfer, width))
    console.print()
    if rule.parts:
        console.print(Text("Φ composes the stages, stage 1 applied first:", style="bold"))
        for line in composition_lines(rule, width):
            console.print(line)
    for i, stage in enumerate(rule.stages()):
        if rule.parts:
            part = stage.rule
            console.print()
            console.print(
                Text(f"stage {i + 1}: {part.layer}  {part.in_shape} → {part.out_shape}", style="bold")
            )
        print_stage(console, stage, width)
    console.print(
        Text(
            ZERO_RULE.replace(" pi", "π").replace("k π", "kπ") + f": {validation.limits_used} such "
            "points here",
            style="dim",
        )
    )
    console.print()
    cols = [
        Col("entries of Φ", "right"),
        Col("max rel. error", "right"),
        Col("tol", "right"),
        Col("0/0 taken as limits", "right", priority=1),
        Col("verdict", "right"),
    ]
    row = [
        str(validation.entries),
        fmt(validation.max_error),
        fmt(validation.tolerance),
        str(validation.limits_used),
        verdict_text(validation.verdict),
    ]
    console.print(build(cols, [row], width, title="validation against the torch layer"))
    if validation.verdict != PASS:
        console.print(Text("  witness  ", style=STYLE[FAIL]) + Text(fmt(validation.witness)))


# ------------------------------------------------------------------------------------------ JSON


def expr_doc(expr: sp.Expr) -> dict:
    return {"formula": str(expr), "srepr": sp.srepr(expr)}


def factor_doc(f) -> dict:
    return {
        "name": f.name,
        "axis": f.axis,
        "variables": [str(v) for v in f.variables],
        "size_in": f.term.n_in,
        "size_out": f.term.n_out,
        "description": f.term.describe(),
        "same_as": f.same_as,
        **expr_doc(f.expr()),
        "length": f.term.length(),
        "denominator": expr_doc(f.denominator()),
        "at_zero_denominator": expr_doc(f.limit_expr()),
    }


def term_doc(t) -> dict:
    return {
        "label": t.term.label,
        "weight": {**expr_doc(t.weight), "values": t.term.channels},
        "row": t.row.name,
        "column": t.col.name,
    }


def stage_doc(stage) -> dict:
    part = stage.rule
    return {
        "name": stage.name,
        "layer": part.layer,
        "input_shape": list(part.in_shape),
        "output_shape": list(part.out_shape),
        "phi": expr_doc(stage.definition()),
        "weights": stage.weights_note,
        "terms": [term_doc(t) for t in stage.terms],
        "factors": [factor_doc(f) for f in stage.rows + stage.cols],
    }


def derivation_json(result, validation) -> str:
    """One derive row: the statement, Phi and its terms (single layer) or its stages (chain), each factor's
    closed form, its denominator and its value where that is 0, the reading and the validation."""
    rule = result.rule
    doc = {
        "layer": rule.layer,
        "input_shape": list(rule.in_shape),
        "output_shape": list(rule.out_shape),
        "formula": str(result.expr),
        "srepr": sp.srepr(result.expr),
        "latex": latex_block(result.rule),
        "phi": expr_doc(rule.phi_definition()),
        "zero_denominator": ZERO_RULE,
        "transfer": None if rule.transfer is None else expr_doc(rule.transfer),
        "reading": rule.reading,
        "validation": jsonable(validation.as_dict()),
    }
    stages = rule.stages()
    if rule.parts:
        doc["composition"] = "Phi = Phi_n o ... o Phi_1 (stage 1 applied first): see phi"
        doc["stages"] = [stage_doc(s) for s in stages]
    else:
        one = stage_doc(stages[0])
        doc.update(weights=one["weights"], terms=one["terms"], factors=one["factors"])
    return document("derive", rule.params, validation.verdict, rows=[doc])
