"""Stage 4 of the audit: findings per node and end to end.

* upsampling -- every node that raises the grid (interpolation at any scale, strided transposed conv, pixel
  shuffle with the conv before it): its checkerboard (constant-input response), replica (images of the band
  over the band, white input) and uneven-overlap figures (``measure``), exact from its rule, and the first two
  as they reach the output along the main path (a finding above the threshold, default ``REPLICA_DB``).
* DC leakage -- padded convs (zero, reflect, replicate): low-band energy a constant input leaks
  into (Thm 4.3).
* aliasing -- decimating nodes: power folded in from aliases relative to the baseband's (white input).
* gap -- predicted and measured end-to-end attenuation more than ``GAP_DB`` apart: the nodes that account for
  it by their attribution, and their kind (nonlinearity, normalisation, data-dependent op; else linear).
* attenuation -- the paper's high-frequency attenuation ``A = 10 log10(low-band / high-band power)``; per node
  ``ΔA = A(out) - A(in)`` predicted (exact rule applied to the node's real input spectrum; nonlinear nodes as
  identity, as the paper ignores them) and measured (real output); their difference attributes the gap between
  prediction and measurement to nodes.  End to end: predicted for a white input along the linear path,
  measured through the real module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import measure as ms
from .rules import ACTIVATIONS, NORMS, Mapping, Stage
from .trace import ATTENTION_CORE, MEASURED_MODULES, Graph, Node, node_name

REPLICA_DB = -20.0  # a replica above this level is a finding
LEAK_DB = -60.0
GAP_DB = 6.0  # predicted and measured end-to-end attenuation further apart than this: the summary says why
GAP_NODES = 3  # nodes named as the gap's likely cause
DATA_DEPENDENT = ATTENTION_CORE | {"log_softmax"} | MEASURED_MODULES  # ops whose response depends on the data


@dataclass
class NodeAudit:
    index: int
    op: str
    path: str
    module: str
    status: str
    kind: str
    inputs: list[int]
    shape_in: tuple | None
    shape_out: tuple | None
    note: str = ""
    rule: str = ""
    gain_db: dict | None = None  # exact white-input gain: dc / mid / high
    spectral_db: dict | None = None  # --norm spectral: σ_max² readouts
    norms: dict | None = None  # --norm spectral: operator norms of a conv layer (symspec.audit.norms)
    measured_db: dict | None = None  # S_out / S_in from the real forward pass at the same frequencies
    replica: dict | None = None
    dc_leak_db: float | None = None
    alias: dict | None = None
    att_pred_db: float | None = None
    att_meas_db: float | None = None
    restarted: bool = False  # the end-to-end prediction restarts from the measured spectrum here
    checkerboard_db: float | None = None  # upsampling nodes: ``measure``'s checkerboard figure (exact)
    replica_db: float | None = None  # upsampling nodes: images of the band over the band, white input (exact)
    uneven_overlap: bool | None = None  # transposed convs: k mod s ≠ 0 along an axis
    reaches_output: bool = True
    warning: str = ""
    made: bool = False  # the node is what its torch.nn module made (``trace.node_name``)
    gain: np.ndarray | None = field(default=None, repr=False)
    power: np.ndarray | None = field(default=None, repr=False)
    predicted: np.ndarray | None = field(default=None, repr=False)  # kept for the outputs only
    # azimuthally averaged predicted power (radii in cycles/pixel, power): kept for every spatial node
    predicted_radial: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def attribution_db(self) -> float | None:
        if self.att_pred_db is None or self.att_meas_db is None:
            return None
        return self.att_meas_db - self.att_pred_db


def _reads(node: Node, mapping: Mapping) -> list[int]:
    """The nodes whose spectra this node's rule reads: its inputs, or (a conv with a fused pad) the pad's
    input, or (a sum over a stack) the stacked maps."""
    src = mapping.extra.get("source")
    return [src] if src is not None else list(mapping.extra.get("sources", node.inputs))


def _input_spectra(
    node: Node, mapping: Mapping, spectra: dict[int, np.ndarray | None]
) -> list[np.ndarray] | None:
    out = [spectra.get(i) for i in _reads(node, mapping)]
    return None if not out or any(s is None for s in out) else out


def _combined(node: Node, mapping: Mapping, S: list[np.ndarray]) -> np.ndarray:
    """The node's input spectrum: one input's, or the branches' sum (add) / channel-weighted mean (cat)."""
    if mapping.kind in ("add", "cat") and len(S) > 1 and all(s.shape == S[0].shape for s in S):
        return mapping.predict(S)
    return S[0]


def _aligned(S_in: np.ndarray, grid: tuple, insert: tuple) -> np.ndarray:
    """The input spectrum read at the output grid's frequencies (replica images for upsampling)."""
    if insert != (1, 1) or grid[0] > S_in.shape[0] * 1.5:
        return ms.lift(S_in, grid)
    return ms.resample(S_in, grid)


def _ratio_readouts(S_out: np.ndarray, S_ref: np.ndarray) -> dict:
    M, N = S_out.shape
    pts = {"dc": (0, 0), "mid": (M // 4, N // 4), "high": (M // 2, N // 2)}
    return {k: (ms.db(S_out[p] / S_ref[p]) if S_ref[p] > 0 else None) for k, p in pts.items()}


def analyse(graph: Graph, mappings: dict[int, Mapping]) -> tuple[list[NodeAudit], dict]:
    measured = {n.index: n.power for n in graph.nodes}
    rows: list[NodeAudit] = []
    for node in graph.nodes:
        m = mappings[node.index]
        row = _row(node, m)
        rows.append(row)
        if node.power is not None and m.fused_into is None:
            _read(row, node, m, measured)
    _predict_end_to_end(graph, mappings, rows)
    _upsampling(graph, mappings, rows)
    reaches = _reaching(graph)
    for row in rows:
        row.reaches_output = row.index in reaches
    _zeroing(graph, rows)
    return rows, _totals(graph, rows)


def _row(node: Node, m: Mapping) -> NodeAudit:
    """The node's row before any figure: what it is, where it sits and what its rule says."""
    first = node.shapes_in[0][1:] if node.shapes_in else None
    return NodeAudit(
        node.index,
        node.op,
        node.path,
        node.module,
        m.status,
        m.kind,
        list(node.inputs),
        first,
        None if node.shape_out is None else node.shape_out[1:],
        m.note,
        m.rule,
        power=node.power,
        made=node.made,
    )


def _read(row: NodeAudit, node: Node, m: Mapping, measured: dict[int, np.ndarray | None]) -> None:
    """A computed node's figures: its rule's (gains, norms, DC leakage, aliasing) and, where its input
    spectra were measured, the measured gain and the attenuation it adds, predicted and measured."""
    S = _input_spectra(node, m, measured)
    if m.gain is not None:
        row.gain = m.gain()
        row.gain_db = ms.readouts(row.gain)
    if m.spectral is not None:
        row.spectral_db = ms.readouts(m.spectral())
    if m.norms is not None:
        row.norms = m.norms().as_dict()
    if m.dc_leak is not None:
        row.dc_leak_db = m.dc_leak()
    if m.stride != (1, 1):
        row.alias = {"factor": m.stride[0] * m.stride[1], "level_db": m.alias() if m.alias else None}
    if S is not None:
        _attenuations(row, node, m, S)


def _attenuations(row: NodeAudit, node: Node, m: Mapping, S: list[np.ndarray]) -> None:
    grid = node.power.shape
    S_in = _combined(node, m, S)
    if m.kind in ("add", "cat") or S_in.ndim != 2:
        ref = S_in if S_in.shape == grid else None
    else:
        ref = _aligned(S_in, grid, m.insert)
    if ref is not None and node.op != "input":
        row.measured_db = _ratio_readouts(node.power, ref)
    a_in, a_out = ms.attenuation(S_in), ms.attenuation(node.power)
    if a_in is None or a_out is None:
        return
    row.att_meas_db = a_out - a_in
    if m.status == "exact" and m.predict is not None:
        pred = m.predict(S)
        if pred is not None and pred.shape == grid:
            row.att_pred_db = ms.attenuation(pred) - a_in
    elif m.status in ("measured", "identity") and S_in.shape == grid:
        row.att_pred_db = 0.0


def _totals(graph: Graph, rows: list[NodeAudit]) -> dict:
    """End-to-end attenuation at the first output, predicted and measured."""
    rows_by = {r.index: r for r in rows}
    outputs = [rows_by[i] for i in graph.outputs if rows_by[i].power is not None]
    totals = {"predicted_db": None, "measured_db": None}
    if outputs:  # relative to the white input (whose attenuation is 0 dB)
        out = outputs[0]
        totals["measured_db"] = ms.attenuation(out.power)
        if out.predicted is not None:
            totals["predicted_db"] = ms.attenuation(out.predicted)
        totals["output"] = out.index
    return totals


def _predict_end_to_end(graph: Graph, mappings: dict[int, Mapping], rows: list[NodeAudit]) -> None:
    """A white input through the graph: exact nodes by their rules, nonlinear nodes as identity; where neither
    applies (unmapped ops, nonlinear nodes that change the grid) the prediction restarts from the measured
    spectrum."""
    pred: dict[int, np.ndarray | None] = {}
    remaining = {n.index: 0 for n in graph.nodes}
    for n in graph.nodes:
        for i in _reads(n, mappings[n.index]):
            remaining[i] += 1
    keep = set(graph.outputs)
    for node, row in zip(graph.nodes, rows):
        m = mappings[node.index]
        value = None
        if m.fused_into is not None:  # a conv's padding: the conv's rule reads the pad's input
            pass
        elif node.op == "input":
            value = None if node.power is None else np.ones_like(node.power)
        elif node.power is not None:
            S = _input_spectra(node, m, pred)
            if S is not None:
                if m.status == "exact" and m.predict is not None:
                    value = m.predict(S)
                elif m.status in ("measured", "identity") and S[0].shape == node.power.shape:
                    value = S[0]
            if value is None or value.shape != node.power.shape:
                value, row.restarted = node.power, True
        pred[node.index] = value
        row.predicted = value if node.index in keep else None
        if value is not None and value.ndim == 2:
            row.predicted_radial = ms.radial_profile(value)
        for i in _reads(node, m):  # free spectra no later node reads
            remaining[i] -= 1
            if remaining[i] == 0 and i not in keep:
                pred[i] = None


def _reaching(graph: Graph) -> set[int]:
    """The nodes from which an output is reached (the outputs included)."""
    consumers = graph.consumers()
    reaches = set(graph.outputs)
    for n in reversed(graph.nodes):
        if any(c in reaches for c in consumers[n.index]):
            reaches.add(n.index)
    return reaches


def _area(node: Node) -> int:
    return node.shape_out[-2] * node.shape_out[-1] if node.spatial else 0


def _main_path(graph: Graph, start: int) -> list[int]:
    """Downstream from ``start`` to an output: at each step the earliest consumer that reaches one and keeps
    the map's grid (a pooled or gating branch -- squeeze-excitation's global pool -- is a side branch), else
    the earliest that reaches one."""
    consumers = graph.consumers()
    reaches = _reaching(graph)
    nodes = {n.index: n for n in graph.nodes}
    path, cur = [], start
    while cur not in graph.outputs:
        nxt = [c for c in consumers[cur] if c in reaches]
        if not nxt:
            break
        keep = [c for c in nxt if _area(nodes[c]) >= _area(nodes[cur])]
        cur = min(keep or nxt)
        path.append(cur)
    return path


def _bins(f: np.ndarray, n: int) -> np.ndarray:
    """Bin indices of frequencies f (cycles per pixel) on an n-point axis."""
    return np.rint(f * n).astype(int) % n


class _Follower:
    """Frequencies (cycles per pixel) carried down the main path with their power, scaled at each exact node
    by its white-input gain there; a decimating node folds them (the figure stops)."""

    def __init__(self, fu: np.ndarray, fv: np.ndarray, grid: tuple[int, int]):
        self.fu, self.fv, self.grid = fu.astype(float), fv.astype(float), grid
        self.scale = np.ones(fu.shape)
        self.stop = ""
        self.inexact = ""

    def step(self, j: int, row: NodeAudit, mapping: Mapping) -> bool:
        grid = tuple(row.power.shape)
        ratio = (grid[0] / self.grid[0], grid[1] / self.grid[1])
        if ratio[0] < 1 / 1.5 or ratio[1] < 1 / 1.5:
            self.stop = f"folded by node {j} ({node_name(row)})"
            return False
        if ratio[0] > 1.5 or ratio[1] > 1.5:  # an upsampler: the same cycles per image
            self.fu, self.fv = self.fu / ratio[0], self.fv / ratio[1]
        self.grid = grid
        if mapping.status == "exact" and row.gain is not None and row.gain.shape == grid:
            self.scale = self.scale * row.gain[_bins(self.fu, grid[0]), _bins(self.fv, grid[1])]
        elif mapping.status != "identity" and not self.inexact:
            self.inexact = f"exact up to node {j}, {node_name(row)}: {mapping.status}, taken as identity"
        return True

    def weights_on(self, grid: tuple[int, int], values: np.ndarray) -> np.ndarray:
        out = np.zeros(grid)
        np.add.at(out, (_bins(self.fu, grid[0]), _bins(self.fv, grid[1])), values)
        return out


def _cell_freqs(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    fu, fv = np.meshgrid(np.fft.fftfreq(shape[0]), np.fft.fftfreq(shape[1]), indexing="ij")
    return fu.ravel(), fv.ravel()


@dataclass
class _Upsampler:
    """One upsampling node's figures as its rule gives them: the stage's ingredients, the node's output grid,
    its white-input gain resampled onto that grid and the band mask of its input grid there."""

    stage: Stage
    grid: tuple[int, int]
    gain: np.ndarray
    band: np.ndarray


def _upsampling(graph: Graph, mappings: dict[int, Mapping], rows: list[NodeAudit]) -> None:
    """Each upsampling node's figures (``measure``: checkerboard, replica, uneven overlap), exact from its
    rule, and the same figures as they reach the output: followed down the main path, scaled at each later
    exact node by its white-input gain at those frequencies (exact for a pattern white over channels;
    nonlinear and measured nodes are taken as identity, and the note names the first), until a decimating node
    folds them."""
    by = {r.index: r for r in rows}
    out_row = by[graph.outputs[0]] if graph.outputs else None
    for node in graph.nodes:
        m = mappings[node.index]
        row = by[node.index]
        if m.stage is None or row.power is None:
            continue
        st = m.stage()
        grid = tuple(row.power.shape)
        up = _Upsampler(st, grid, ms.resample(st.white_gain, grid), ms.band_split(st.grid_in, grid))
        row.replica_db = ms.replica_db(up.gain, up.band)
        row.uneven_overlap = st.uneven
        row.checkerboard_db = (
            ms.checkerboard_db(st.cell_powers) if st.cell_powers is not None else st.checker_db
        )
        rep, chk = _follow(graph, mappings, by, node.index, up)
        row.replica = _replica(row, m, up, rep, chk, out_row)


def _follow(graph: Graph, mappings: dict[int, Mapping], by: dict[int, NodeAudit], start: int, up: _Upsampler):
    """The replica's and the checkerboard's frequencies (the latter None without cell powers) followed down
    the main path from ``start``."""
    st, grid = up.stage, up.grid
    fu, fv = _cell_freqs(grid)
    rep = _Follower(fu, fv, grid)
    chk = _Follower(*_cell_freqs(st.cell_powers.shape), grid) if st.cell_powers is not None else None
    for j in _main_path(graph, start):
        if by[j].power is None:
            rep.stop = f"leaves the (B, C, H, W) layout at node {j}"
            break
        if not rep.step(j, by[j], mappings[j]) or (chk is not None and not chk.step(j, by[j], mappings[j])):
            break
    return rep, chk


def _replica(row: NodeAudit, m: Mapping, up: _Upsampler, rep: _Follower, chk, out_row) -> dict:
    """The node's replica record: its figures where it is and as they reach the output."""
    st = up.stage
    g, b = up.gain.ravel(), up.band.ravel()
    rep_out = (
        None
        if rep.stop
        else ms.ratio_db(float((g * (1 - b) * rep.scale).sum()), float((g * b * rep.scale).sum()))
    )
    chk_out = None
    if chk is not None and not rep.stop:
        p = st.cell_powers.ravel() * chk.scale
        chk_out = ms.checkerboard_db(p.reshape(st.cell_powers.shape))
    meas_out = None
    if out_row is not None and out_row.power is not None and not rep.stop:
        og = tuple(out_row.power.shape)
        inside = rep.weights_on(og, b)
        total = rep.weights_on(og, np.ones_like(b))
        band_out = np.divide(inside, total, out=np.zeros(og), where=total > 0)
        meas_out = ms.replica_db(out_row.power, band_out)
    note = rep.stop or rep.inexact or "exact to the output"
    return {
        "factor": [m.scale[0], m.scale[1]],
        "level_db": row.replica_db,
        "measured_db": ms.replica_db(row.power, up.band),
        "at_output_db": rep_out,
        "measured_at_output_db": meas_out,
        "checkerboard_db": row.checkerboard_db,
        "checkerboard_at_output_db": chk_out,
        "uneven_overlap": st.uneven,
        "reaches_output": not rep.stop,
        "note": note,
        "checker_note": st.checker_note,
    }


def _zeroing(graph: Graph, rows: list[NodeAudit]) -> None:
    """A node whose real output is zero everywhere while its input was not (e.g. ``round`` of a small latent):
    every figure after it reads a zero map, so the stage is a warning."""
    by = {r.index: r for r in rows}
    for node in graph.nodes:
        row = by[node.index]
        ins = [by[i].power for i in node.inputs if by[i].power is not None]
        if row.power is not None and ins and not row.power.any() and any(p.any() for p in ins):
            row.warning = (
                f"node {node.index} ({node_name(node)}) zeroes the signal: its real "
                f"output is 0 everywhere, every figure after it reads a zero map"
            )


def _worst(values) -> float | None:
    """The largest figure (nan ignored, -inf kept); None when there is none."""
    vals = [v for v in values if v is not None and not np.isnan(v)]
    return max(vals) if vals else None


def op_class(row: NodeAudit) -> str:
    """What kind of op a node is, as the attenuation gap names it: a data-dependent op (attention, softmax,
    GDN, a product of maps), a normalisation, a nonlinearity, or linear (everything with a rule, and the
    unmapped ops)."""
    if row.op in DATA_DEPENDENT or row.kind in ("block", "product", "dropout"):
        return "data-dependent op"
    if row.kind == "norm" or row.op in NORMS or row.op == "batch_norm":
        return "normalisation"
    if row.kind == "nonlinear" or row.op in ACTIVATIONS:
        return "nonlinearity"
    return "linear"


def _gap(rows: list[NodeAudit], totals: dict, ref) -> dict | None:
    """Predicted and measured end-to-end attenuation more than ``GAP_DB`` apart: the difference and its likely
    cause, the nodes whose measured − predicted ΔA (the attribution) is largest in the gap's direction,
    classified by ``op_class``; when the largest is linear (or none is attributed), the linear path and its
    unmapped nodes.  ``explained_db``: how much of the difference the named nodes' attributions add up to."""
    pred, meas = totals.get("predicted_db"), totals.get("measured_db")
    if pred is None or meas is None or not (np.isfinite(pred) and np.isfinite(meas)):
        return None
    difference = float(meas - pred)
    if abs(difference) <= GAP_DB:
        return None
    same_way = sorted(
        (r for r in rows if r.attribution_db is not None and r.attribution_db * difference > 0),
        key=lambda r: -abs(r.attribution_db),
    )[:GAP_NODES]
    kind = op_class(same_way[0]) if same_way else "linear"
    return {
        "predicted_db": float(pred),
        "measured_db": float(meas),
        "difference_db": difference,
        "limit_db": GAP_DB,
        "kind": kind,
        "cause": kind if kind != "linear" else "linear path: check the unmapped nodes",
        "nodes": [
            {"node": ref(r), "kind": op_class(r), "difference_db": float(r.attribution_db)} for r in same_way
        ],
        "explained_db": float(sum(r.attribution_db for r in same_way)),
        "unmapped": [ref(r) for r in rows if r.status == "unmapped" and r.reaches_output],
    }


def summarise(rows: list[NodeAudit], totals: dict, threshold: float = REPLICA_DB) -> dict:
    """The findings as lists of node references (what --fail-on and the JSON read).  A replica or a
    checkerboard is a finding when its figure at the output is above ``threshold`` dB."""

    def ref(r):
        return f"{r.index}:{node_name(r)}"

    upsampling = [r for r in rows if r.replica is not None]
    attributed = sorted(
        (r for r in rows if r.attribution_db is not None and abs(r.attribution_db) > 0.05),
        key=lambda r: -abs(r.attribution_db),
    )

    def above(key):
        return [
            ref(r)
            for r in upsampling
            if r.replica[key] is not None and not np.isnan(r.replica[key]) and r.replica[key] > threshold
        ]

    return {
        "upsampling": [ref(r) for r in upsampling],
        "threshold_db": threshold,
        "replica_db": _worst(r.replica["at_output_db"] for r in upsampling),
        "checkerboard_db": _worst(r.replica["checkerboard_at_output_db"] for r in upsampling),
        "replicas": above("at_output_db"),
        "checkerboard": above("checkerboard_at_output_db"),
        "dc_leak": [ref(r) for r in rows if r.dc_leak_db is not None and r.dc_leak_db > LEAK_DB],
        "aliasing": [ref(r) for r in rows if r.alias is not None],
        "unmapped": [ref(r) for r in rows if r.status == "unmapped" and r.reaches_output],
        "unmapped_side": [ref(r) for r in rows if r.status == "unmapped" and not r.reaches_output],
        "warnings": [r.warning for r in rows if r.warning],
        "attenuation_db": totals.get("predicted_db"),
        "measured_attenuation_db": totals.get("measured_db"),
        "attribution": [
            {
                "node": ref(r),
                "predicted_db": r.att_pred_db,
                "measured_db": r.att_meas_db,
                "difference_db": r.attribution_db,
            }
            for r in attributed[:8]
        ],
        "gap": _gap(rows, totals, ref),
    }
