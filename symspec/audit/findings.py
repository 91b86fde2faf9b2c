"""Stage 4 of the audit: findings per node and end to end.

* replicas -- every node that inserts zeros (upsampling, strided transposed conv, pixel shuffle): the level of the
  first replica of the lowest non-DC frequency relative to its baseband (exact, white input), the level measured
  in the real forward pass, and its fate: the level predicted at the network's output after the downstream
  linear nodes of the main path (``suppressed`` below ``REPLICA_DB``).  A stride-1 transposed conv inserts nothing.
* DC leakage -- padded convs (zero, reflect, replicate): low-band energy a constant input leaks into (Thm 4.3).
* aliasing -- decimating nodes: power folded in from aliases relative to the baseband's (white input).
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
from .rules import Mapping
from .trace import Graph, Node

REPLICA_DB = -20.0  # a replica above this level is a finding
LEAK_DB = -60.0


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
    measured_db: dict | None = None  # S_out / S_in from the real forward pass at the same frequencies
    replica: dict | None = None
    dc_leak_db: float | None = None
    alias: dict | None = None
    att_pred_db: float | None = None
    att_meas_db: float | None = None
    restarted: bool = False  # the end-to-end prediction restarts from the measured spectrum here
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
    """The nodes whose spectra this node's rule reads: its inputs, or (a conv with a fused pad) the pad's input,
    or (a sum over a stack) the stacked maps."""
    src = mapping.extra.get("source")
    return [src] if src is not None else list(mapping.extra.get("sources", node.inputs))


def _input_spectra(node: Node, mapping: Mapping, spectra: dict[int, np.ndarray | None]) -> list[np.ndarray] | None:
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
        first = node.shapes_in[0][1:] if node.shapes_in else None
        row = NodeAudit(node.index, node.op, node.path, node.module, m.status, m.kind, list(node.inputs),
                        first, None if node.shape_out is None else node.shape_out[1:], m.note, m.rule,
                        power=node.power)
        rows.append(row)
        if node.power is None or m.fused_into is not None:
            continue
        S = _input_spectra(node, m, measured)
        grid = node.power.shape
        if m.gain is not None:
            row.gain = m.gain()
            row.gain_db = ms.readouts(row.gain)
        if m.spectral is not None:
            row.spectral_db = ms.readouts(m.spectral())
        if m.dc_leak is not None:
            row.dc_leak_db = m.dc_leak()
        if m.stride != (1, 1):
            row.alias = {"factor": m.stride[0] * m.stride[1], "level_db": m.alias() if m.alias else None}
        if S is None:
            continue
        S_in = _combined(node, m, S)
        if m.kind in ("add", "cat") or S_in.ndim != 2:
            ref = S_in if S_in.shape == grid else None
        else:
            ref = _aligned(S_in, grid, m.insert)
        if ref is not None and node.op != "input":
            row.measured_db = _ratio_readouts(node.power, ref)
        a_in, a_out = ms.attenuation(S_in), ms.attenuation(node.power)
        if a_in is None or a_out is None:
            continue
        row.att_meas_db = a_out - a_in
        if m.status == "exact" and m.predict is not None:
            pred = m.predict(S)
            if pred is not None and pred.shape == grid:
                row.att_pred_db = ms.attenuation(pred) - a_in
        elif m.status in ("measured", "identity") and S_in.shape == grid:
            row.att_pred_db = 0.0
    _predict_end_to_end(graph, mappings, rows)
    _replicas(graph, mappings, rows)
    rows_by = {r.index: r for r in rows}
    outputs = [rows_by[i] for i in graph.outputs if rows_by[i].power is not None]
    totals = {"predicted_db": None, "measured_db": None}
    if outputs:  # relative to the white input (whose attenuation is 0 dB)
        out = outputs[0]
        totals["measured_db"] = ms.attenuation(out.power)
        if out.predicted is not None:
            totals["predicted_db"] = ms.attenuation(out.predicted)
        totals["output"] = out.index
    return rows, totals


def _predict_end_to_end(graph: Graph, mappings: dict[int, Mapping], rows: list[NodeAudit]) -> None:
    """A white input through the graph: exact nodes by their rules, nonlinear nodes as identity; where neither
    applies (unmapped ops, nonlinear nodes that change the grid) the prediction restarts from the measured spectrum."""
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


def _main_path(graph: Graph, start: int) -> list[int]:
    """Downstream from ``start`` to an output, taking at each step the earliest consumer that reaches one."""
    consumers = graph.consumers()
    reaches = set(graph.outputs)
    for n in reversed(graph.nodes):
        if any(c in reaches for c in consumers[n.index]):
            reaches.add(n.index)
    path, cur = [], start
    while cur not in graph.outputs:
        nxt = [c for c in consumers[cur] if c in reaches]
        if not nxt:
            break
        cur = min(nxt)
        path.append(cur)
    return path


def _replicas(graph: Graph, mappings: dict[int, Mapping], rows: list[NodeAudit]) -> None:
    by = {r.index: r for r in rows}
    for node in graph.nodes:
        m = mappings[node.index]
        row = by[node.index]
        if m.insert == (1, 1) or row.gain is None:
            continue
        Mi, Ni = node.shapes_in[0][-2:]
        Mo, No = row.gain.shape
        probes = []  # (replica bin, baseband bin) along each axis that is upsampled
        if m.insert[0] > 1:
            u0 = 1 if Mi > 1 else 0
            probes.append(((u0 + Mi, 0), (u0, 0)))
        if m.insert[1] > 1:
            v0 = 1 if Ni > 1 else 0
            probes.append(((0, v0 + Ni), (0, v0)))
        probes = [(r, b) for r, b in probes if r[0] < Mo and r[1] < No]
        if not probes:
            continue

        def level(S, pts):
            vals = [ms.db(S[r] / S[b]) for r, b in pts if S[b] > 0]
            return max(vals) if vals else None

        exact = level(row.gain, probes)
        meas = level(row.power, probes) if row.power is not None else None
        fate, stop = exact, ""
        for j in _main_path(graph, node.index):
            down = by[j]
            mj = mappings[j]
            if down.power is None:
                break
            if any(r[0] >= down.power.shape[0] or r[1] >= down.power.shape[1] for r, _ in probes):
                stop = f"folded by node {j}"
                break
            if mj.status == "exact" and down.gain is not None and fate is not None:
                fate += level(down.gain, probes) or 0.0
        out_row = by[graph.outputs[0]] if graph.outputs else None
        at_out_meas = level(out_row.power, probes) if out_row is not None and out_row.power is not None and \
            all(r[0] < out_row.power.shape[0] and r[1] < out_row.power.shape[1] for r, _ in probes) else None
        row.replica = {"factor": list(m.insert), "probe": [list(r) for r, _ in probes], "level_db": exact,
                       "measured_db": meas, "at_output_db": None if stop else fate,
                       "measured_at_output_db": at_out_meas,
                       "suppressed": None if stop or fate is None else bool(fate <= REPLICA_DB), "note": stop}


def summarise(rows: list[NodeAudit], totals: dict) -> dict:
    """The findings as lists of node references (what --fail-on and the JSON read)."""
    def ref(r):
        return f"{r.index}:{r.path or r.op}"

    upsampling = [r for r in rows if r.replica is not None]
    attributed = sorted((r for r in rows if r.attribution_db is not None and abs(r.attribution_db) > 0.05),
                        key=lambda r: -abs(r.attribution_db))
    return {
        "upsampling": [ref(r) for r in upsampling],
        "replicas": [ref(r) for r in upsampling if r.replica["level_db"] is not None
                     and r.replica["level_db"] > REPLICA_DB and not r.replica["suppressed"]],
        "dc_leak": [ref(r) for r in rows if r.dc_leak_db is not None and r.dc_leak_db > LEAK_DB],
        "aliasing": [ref(r) for r in rows if r.alias is not None],
        "unmapped": [ref(r) for r in rows if r.status == "unmapped"],
        "attenuation_db": totals.get("predicted_db"),
        "measured_attenuation_db": totals.get("measured_db"),
        "attribution": [{"node": ref(r), "predicted_db": r.att_pred_db, "measured_db": r.att_meas_db,
                         "difference_db": r.attribution_db} for r in attributed[:8]],
    }
