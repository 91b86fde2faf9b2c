"""Stage 2 of the audit: map every traced node to its spectral rule.

Each node gets a :class:`Mapping`: its status (``exact`` -- a linear op with an exact rule; ``measured`` --
nonlinear, normalisation, attention, dense layers on flattened maps: their effect is read from the real
forward pass; ``identity`` -- copies, dtype casts, eval-mode dropout; ``unmapped`` -- an op symspec has no
rule for, a row that says so), and, for exact nodes, how their output spectrum follows from their inputs'
(``predict``) and the zero insertion (replicas), decimation (aliasing) and padding (DC leakage) they carry.

The rules reuse ``symspec.spectral.ops`` (upsample, avgpool, pixel-shuffle) where a rule covers the op, the
kernel autocorrelation for convolutions (``measure.conv_gain``), and the real torch op applied to a basis for
the remaining separable resamplings (bicubic, align_corners=True, adaptive pooling, pad, crop).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from . import measure as ms
from . import norms as nm
from .trace import Graph, Node, node_name

ACTIVATIONS = {
    "relu",
    "relu6",
    "leaky_relu",
    "silu",
    "gelu",
    "tanh",
    "sigmoid",
    "elu",
    "selu",
    "celu",
    "softplus",
    "hardtanh",
    "prelu",
    "mish",
    "hardswish",
    "hardsigmoid",
    "softsign",
    "logsigmoid",
    "rrelu",
    "glu",
    "threshold",
    "sqrt",
    "rsqrt",
    "pow",
    "exp",
    "log",
    "abs",
    "clamp",
    "clip",
    "square",
    "sin",
    "cos",
    "reciprocal",
    "max_pool2d",
    "max_pool2d_with_indices",
    "adaptive_max_pool2d",
    "softmax",
    "log_softmax",
    "maximum",
    "minimum",
    "where",
    "erf",
    "sign",
    "round",
    "floor",
    "max",
    "min",
    "erfc",
    "ceil",
    "trunc",
    "fmax",
    "fmin",
}
NORMS = {"group_norm", "layer_norm", "instance_norm", "local_response_norm", "normalize", "rms_norm"}
IDENTITY = {
    "contiguous",
    "clone",
    "to",
    "float",
    "double",
    "half",
    "bfloat16",
    "type_as",
    "alias",
    "identity",
    "requires_grad",
    "cpu",
    "cuda",
    "positive",
}
RESHAPES = {
    "view",
    "reshape",
    "flatten",
    "unflatten",
    "permute",
    "transpose",
    "squeeze",
    "unsqueeze",
    "expand",
    "movedim",
    "view_as",
    "reshape_as",
    "t",
    "swapaxes",
    "swapdims",
    "repeat",
    "expand_as",
}
REPLAY_LIMIT = (
    1 << 24
)  # element indices replayed through a reshape/permute chain to recognise a pixel shuffle
CHANNEL_SPLITS = {"chunk", "split", "split_with_sizes", "unbind", "narrow", "select", "tensor_split"}


@dataclass
class Mapping:
    status: str  # exact | measured | identity | unmapped
    kind: str
    note: str = ""
    rule: str = ""  # where the exact rule comes from
    insert: tuple[int, int] = (1, 1)  # zero-insertion factors: replicas
    stride: tuple[int, int] = (1, 1)  # decimation: aliasing
    gain: Callable[[], np.ndarray] | None = None  # white-input gain on the output grid (exact nodes)
    predict: Callable[[list[np.ndarray]], np.ndarray | None] | None = (
        None  # output spectrum from input spectra
    )
    dc_leak: Callable[[], float | None] | None = None
    spectral: Callable[[], np.ndarray] | None = None  # --norm spectral: σ_max² per frequency
    norms: Callable[[], nm.LayerNorms] | None = None  # --norm spectral: operator norms (audit.norms)
    alias: Callable[[], float | None] | None = None
    fused_into: int | None = None
    extra: dict = field(default_factory=dict)
    scale: tuple[float, float] | None = None  # an upsampling node: output grid over input grid, per axis
    stage: Callable[[], "Stage"] | None = None  # an upsampling node: its figures' ingredients


@dataclass
class Stage:
    """What the upsampling figures of a node read (``measure``'s definitions): the power of its response to
    a constant at the cell frequencies (s_h × s_w, DC first; None where the response is not periodic), its
    exact white-input gain on the output grid, the input grid, and whether its taps overlap unevenly."""

    cell_powers: np.ndarray | None
    white_gain: np.ndarray
    grid_in: tuple[int, int]
    uneven: bool | None = None
    checker_db: float | None = None  # where cell_powers is None
    checker_note: str = ""


def _pair(x, default=1) -> tuple[int, int]:
    if x is None:
        return (default, default)
    if isinstance(x, (list, tuple)):
        return (int(x[0]), int(x[-1]))
    return (int(x), int(x))


def _grid(shape) -> tuple[int, int]:
    return int(shape[-2]), int(shape[-1])


def _scale(value) -> float | None:
    """A python number or a constant one-element tensor (a scale); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value)
    return None


def _channel_const(value, channels: int) -> np.ndarray | None:
    """A constant tensor broadcasting per channel over a (B, C, H, W) map: its per-channel values."""
    if not isinstance(value, torch.Tensor):
        return None
    shape = tuple(value.shape)
    if len(shape) in (3, 4) and shape[-2:] == (1, 1) and shape[-3] in (1, channels):
        return (
            value.detach().double().reshape(-1).numpy()
        )  # per channel (and per sample): a DC offset or scale
    return None


@dataclass(frozen=True)
class NormOption:
    """``--norm`` and ``--norm-tol``: which figures a conv layer gets, and the relative slack its continuum
    certificates may leave (``symspec.audit.norms``)."""

    kind: str = "mean"
    tol: float = nm.AUDIT_TOLERANCE

    @property
    def spectral(self) -> bool:
        return self.kind == "spectral"


def map_graph(graph: Graph, norm: str = "mean", norm_tol: float | None = None) -> dict[int, Mapping]:
    norm = NormOption(norm, nm.AUDIT_TOLERANCE if norm_tol is None else norm_tol)
    consumers = graph.consumers()
    nodes = {n.index: n for n in graph.nodes}
    out: dict[int, Mapping] = {}
    for node in graph.nodes:
        try:
            out[node.index] = map_node(node, nodes, consumers, norm)
        except (
            ValueError,
            TypeError,
            IndexError,
            RuntimeError,
        ) as exc:  # an argument form we did not foresee
            out[node.index] = Mapping(
                "unmapped", node.op, f"{node.op}: arguments not understood ({type(exc).__name__})"
            )
    _channels_last(graph, nodes, consumers, norm, out)
    for (
        node
    ) in graph.nodes:  # a pad consumed only by a conv is that conv's padding (unless the pad is an output)
        m = out[node.index]
        if (
            m.kind == "conv"
            and node.inputs
            and nodes[node.inputs[0]].op == "pad"
            and m.extra.get("fused_pad")
            and node.inputs[0] not in graph.outputs
        ):
            out[node.inputs[0]].fused_into = node.index
            out[node.inputs[0]].note = f"padding of node {node.index} ({node_name(node)}): reported there"
    return out


TO_CHANNELS_LAST, FROM_CHANNELS_LAST = (0, 2, 3, 1), (0, 3, 1, 2)


def _permutation(node: Node) -> tuple[int, ...] | None:
    """The axis order a 4-D ``permute`` / ``movedim`` produces (None for other ops or argument forms)."""
    if node.op == "permute":
        dims = node.kwargs.get("dims", node.args[1:])
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims
        return tuple(int(d) % 4 for d in dims) if len(dims) == 4 else None
    if node.op == "movedim" and len(node.args) == 3 and all(isinstance(a, int) for a in node.args[1:]):
        order = [0, 1, 2, 3]
        order.insert(node.args[2] % 4, order.pop(node.args[1] % 4))
        return tuple(order)
    return None


def _channels_last(graph: Graph, nodes: dict[int, Node], consumers, norm: NormOption, out: dict) -> None:
    """Channels-last detours (``x.permute(0, 2, 3, 1)`` -> LayerNorm / Linear on C -> ``permute(0, 3, 1,
    2)``, as in ConvNeXt, Swin and UPerNet): the (B, H, W, C) tensors between are not (B, C, H, W) maps, so
    they get no spectrum and the rules of tensors off the layout; the permute back re-enters the layout and
    the prediction restarts there from the measured spectrum."""
    off: dict[int, tuple] = {}  # node -> the (B, H, W, C) shape of its detour
    for node in graph.nodes:
        if node.index in graph.outputs or not node.inputs:
            continue
        order, inside = _permutation(node), next((off[i] for i in node.inputs if i in off), None)
        flat_in = node.spatial and node.shapes_in and len(node.shapes_in[0]) != 4
        if inside is None and order == TO_CHANNELS_LAST and nodes[node.inputs[0]].spatial:
            note, inside = "to channels-last (B, H, W, C): leaves the (B, C, H, W) layout", node.shape_out
        elif inside and (
            order == FROM_CHANNELS_LAST and len(node.inputs) == 1 or flat_in and node.shape_out != inside
        ):  # back by a permute, or tokens reshaped to a map that is not the detour's (B, H, W, C)
            out[node.index] = Mapping(
                "identity", "reshape", "from channels-last (B, H, W, C): re-enters the (B, C, H, W) layout"
            )
            continue
        elif inside:
            note = ""
        else:
            continue
        off[node.index] = tuple(inside)
        node.power = None  # a spectrum over (W, C) would mean nothing
        m = map_node(replace(node, shape_out=None), nodes, consumers, norm)
        m.note = note or m.note.replace("a non-spatial tensor", "a channels-last tensor")
        out[node.index] = m


def map_node(node: Node, nodes: dict[int, Node], consumers: dict[int, list[int]], norm) -> Mapping:
    op = node.op
    if op == "input":
        return Mapping("identity", "input", "the network's input (random, white)")
    if node.collapsed:
        return Mapping("measured", "block", node.collapsed)
    if op == "stack" and node.arg(1, "dim", 0) == 0 and all(len(sh) == 4 for sh in node.shapes_in):
        return Mapping("identity", "reshape", f"stack of {len(node.inputs)} maps (a sum over it is an add)")
    if (
        op == "sum"
        and node.inputs
        and nodes[node.inputs[0]].op == "stack"
        and node.arg(1, "dim") in (0, (0,), [0])
        and node.spatial
    ):
        stacked = nodes[node.inputs[0]]
        m = _add(stacked, _grid(node.shape_out))
        m.extra["sources"] = list(stacked.inputs)
        return m
    if node.spatial and op in RESHAPES and node.shapes_in and len(node.shapes_in[0]) != 4:
        return _reshape_shuffle(node, nodes)
    if not node.spatial or not node.shapes_in or len(node.shapes_in[0]) != 4:
        if op == "linear":
            return Mapping(
                "measured", "dense", "dense layer on a non-spatial tensor: no spatial rule, measured"
            )
        if op in RESHAPES or op in IDENTITY or op in CHANNEL_SPLITS or op == "getitem":
            return Mapping(
                "identity", "reshape", "leaves or re-enters the (B, C, H, W) layout: no spatial rule"
            )
        if op in ACTIVATIONS or op in NORMS:
            return Mapping("measured", "nonlinear", f"{op} on a non-spatial tensor: measured")
        if op in ("dropout", "alpha_dropout", "feature_alpha_dropout") and not node.arg(2, "training", False):
            return Mapping("identity", "identity", f"{op} on a non-spatial tensor: eval mode, identity")
        if op in ("roll", "flip"):  # shifted windows on tokens
            return Mapping(
                "identity", "reshape", f"{op} on a non-spatial tensor: moves values, no spatial rule"
            )
        if op in ("add", "sub", "rsub", "mul", "div", "neg", "scaled_dot_product_attention", "matmul", "bmm"):
            return Mapping("measured", "tokens", f"{op} on a non-spatial tensor: no spatial rule, measured")
        return Mapping("unmapped", op, f"{op} on a non-spatial tensor: no spectral rule")
    site = Site(
        node,
        nodes,
        consumers,
        norm,
        _grid(node.shapes_in[0]),
        _grid(node.shape_out),
        node.shapes_in[0][1],
        node.shape_out[1],
    )
    rule = RULES.get(op)
    if rule is not None:
        mapped = rule(site)
        if mapped is not None:
            return mapped
    return _fallback(site)


# ------------------------------------------------------------------------------------------ the rule table


@dataclass
class Site:
    """What a rule sees of a spatial node: the node, the graph around it, and its grids and channel counts."""

    node: Node
    nodes: dict[int, Node]
    consumers: dict[int, list[int]]
    norm: NormOption
    grid_in: tuple[int, int]
    grid_out: tuple[int, int]
    C_in: int
    C_out: int

    @property
    def same(self) -> bool:
        return self.grid_in == self.grid_out


RULES: dict[str, Callable[[Site], Mapping | None]] = {}


def register(*ops: str):
    """Decorator: the rule of a spatial op (one function for each op family; None falls through to the
    defaults for identities, reshapes, activations and normalisations)."""

    def wrap(fn: Callable[[Site], Mapping | None]):
        for op in ops:
            RULES[op] = fn
        return fn

    return wrap


@register("conv2d", "convolution")
def _conv_rule(site: Site) -> Mapping | None:
    weight = site.node.arg(1, "weight")
    if weight is None or weight.dim() != 4:
        return None
    return _conv(site.node, site.nodes, site.consumers, site.norm)


@register("conv_transpose2d")
def _conv_transpose_rule(site: Site) -> Mapping:
    return _transposed_norms(_conv_transpose(site.node), site.node, site.norm)


@register("interpolate", "upsample", "upsample_nearest", "upsample_bilinear")
def _interpolate_rule(site: Site) -> Mapping:
    return _interpolate(site.node, site.grid_in, site.grid_out, site.C_in)


@register("pixel_shuffle", "pixel_unshuffle")
def _shuffle_rule(site: Site) -> Mapping:
    up = site.node.op == "pixel_shuffle"
    r = int(site.node.arg(1, "upscale_factor" if up else "downscale_factor"))
    return _shuffle(_Shuffle(site.node, site.nodes, r, site.grid_in, site.grid_out, site.C_in), up)


@register("avg_pool2d", "adaptive_avg_pool2d")
def _pool_rule(site: Site) -> Mapping:
    return _pool(site.node, site.grid_in, site.grid_out)


@register("pad")
def _pad_rule(site: Site) -> Mapping:
    return _pad(site.node, site.grid_in)


@register("getitem")
def _getitem_rule(site: Site) -> Mapping:
    return _getitem(site.node, site.grid_in, site.grid_out)


@register("add", "sub", "rsub")
def _add_rule(site: Site) -> Mapping:
    return _add(site.node, site.grid_out)


@register("mul", "div")
def _mul_rule(site: Site) -> Mapping:
    return _mul(site.node, site.grid_out, site.C_out)


@register("neg")
def _neg_rule(site: Site) -> Mapping:
    return _flat("exact", "scale", "negation", 1.0, site.grid_out)


@register("roll")
def _roll_rule(site: Site) -> Mapping:
    """``torch.roll``: a circular shift multiplies each frequency by a unit phase, and a roll over channels
    permutes them, so every power spectrum is unchanged: exact, gain 1."""
    return _flat("exact", "shift", "circular shift: power spectrum unchanged", 1.0, site.grid_out)


@register("flip", "fliplr", "flipud", "channel_shuffle", "native_channel_shuffle")
def _flip_rule(site: Site) -> Mapping:
    """``torch.flip`` (and ``fliplr`` / ``flipud``) and ``channel_shuffle``: reversing spatial axes maps
    X(u, v) to X(-u, v) (or X(u, -v), X(-u, -v)) up to a unit phase, so the power spectrum is mirrored along
    those axes (both: unchanged, a real map's |X(-u, -v)| = |X(u, v)|); reversing or shuffling channels (or
    the batch) permutes them, so their mean power is unchanged: exact, gain 1 at every frequency."""
    dims = site.node.arg(1, "dims", ()) if site.node.op == "flip" else ()
    axes = sorted({int(d) % 4 for d in (dims if isinstance(dims, (list, tuple)) else (dims,))} & {2, 3})
    axes = [a - 2 for a in axes]  # on the (H, W) spectrum

    def mirror(S):
        for a in axes:
            S = np.roll(np.flip(S, a), 1, a)  # S(-k), DFT order
        return S

    what = "channel permutation" if "shuffle" in site.node.op else "reversal"
    m = _flat(
        "exact", "shift", f"{what}: power spectrum {'mirrored' if axes else 'unchanged'}", 1.0, site.grid_out
    )
    m.predict = lambda S: mirror(S[0])
    return m


@register("cat", "stack")
def _cat_rule(site: Site) -> Mapping:
    return _cat(site.node, site.grid_out)


@register("batch_norm")
def _batch_norm_rule(site: Site) -> Mapping:
    return _batch_norm(site.node, site.grid_out)


@register("dropout", "dropout2d", "feature_alpha_dropout", "alpha_dropout")
def _dropout_rule(site: Site) -> Mapping:
    if site.node.arg(2, "training", False):
        return Mapping("measured", "dropout", "dropout in training mode: random, measured")
    grid = site.grid_out
    return Mapping(
        "identity", "identity", "eval mode: identity", gain=lambda: np.ones(grid), predict=lambda S: S[0]
    )


def _fallback(site: Site) -> Mapping:
    """Ops without a rule of their own: identities and layout changes that keep the map, activations and
    normalisations (measured), and everything else as an explicit unmapped row."""
    op, grid = site.node.op, site.grid_out
    if (
        op in IDENTITY
        or (op in RESHAPES and site.same and site.C_in == site.C_out)
        or op in CHANNEL_SPLITS
        and site.same
    ):
        return Mapping("identity", "identity", "", gain=lambda: np.ones(grid), predict=lambda S: S[0])
    if op in ACTIVATIONS:
        return Mapping("measured", "nonlinear", f"{op}: nonlinear, measured (identity for the theory)")
    if op in NORMS:
        return Mapping("measured", "norm", f"{op}: normalisation, measured")
    return Mapping(
        "unmapped", op, f"{op}: symspec has no spectral rule for this op; its output is carried on measured"
    )


def _flat(status: str, kind: str, note: str, factor: float, grid: tuple[int, int], rule: str = "") -> Mapping:
    return Mapping(
        status, kind, note, rule=rule, gain=lambda: np.full(grid, factor), predict=lambda S: S[0] * factor
    )


def _conv(node: Node, nodes, consumers, norm: NormOption) -> Mapping:
    w = node.arg(1, "weight")
    bias = node.arg(2, "bias")
    stride = _pair(node.arg(3, "stride", 1))
    padding = node.arg(4, "padding", 0)
    dil = _pair(node.arg(5, "dilation", 1))
    groups = int(node.arg(6, "groups", 1))
    D, _, Kh, Kw = w.shape
    C_in = node.shapes_in[0][1]
    grid_in, grid_out = _grid(node.shapes_in[0]), _grid(node.shape_out)
    pads, mode, grid, producer = _conv_pads(padding, (Kh, Kw), dil), "constant", grid_in, None
    fused = _fused_pad(node, nodes, consumers) if not any(pads) else None
    if fused is not None:
        pads, mode, grid, producer = fused
    wfull = w.detach().double()  # grouped (D, C/g, K, K): the sum of autocorrelations is the dense kernel's
    names = {"constant": "zero", "circular": "circular", "reflect": "reflect", "replicate": "replicate"}
    padded = (grid[0] + pads[2] + pads[3], grid[1] + pads[0] + pads[1])
    full = (padded[0] - dil[0] * (Kh - 1), padded[1] - dil[1] * (Kw - 1))  # stride-1 output grid

    cache: dict = {}

    def gain1() -> np.ndarray:
        if "g" not in cache:
            cache["g"] = ms.conv_gain(wfull, full, dil, D)
        return cache["g"]

    def gain() -> np.ndarray:
        g = gain1()
        return g if stride == (1, 1) else ms.fold(g, stride, grid_out)

    bias_power = 0.0 if bias is None else float((bias.detach().double() ** 2).mean())

    def predict(S):
        s = ms.resample(S[0], full) * gain1()
        s = s if stride == (1, 1) else ms.fold(s, stride, grid_out)
        s = s.copy()
        s[0, 0] += bias_power * grid_out[0] * grid_out[1]
        return s

    what = f"{names.get(mode, mode)} padding {pads}" if any(pads) else "no padding"
    note = (
        f"{Kh}x{Kw}, {C_in}->{D}"
        + (f", stride {stride[0]}" if stride != (1, 1) else "")
        + (f", groups {groups}" if groups > 1 else "")
        + f", {what}"
    )
    return _conv_mapping(
        node, note, gain, gain1, predict, (w, pads, mode, grid, stride, dil, groups), norm, producer
    )


def _conv_mapping(node, note, gain, gain1, predict, geometry, norm, producer) -> Mapping:
    """The conv node's mapping from its figures; ``producer``: the pad node fused into it (or None)."""
    w, pads, mode, grid, stride, dil, groups = geometry
    grid_out = _grid(node.shape_out)
    fused = producer is not None
    m = Mapping(
        "exact",
        "conv",
        note,
        rule="kernel autocorrelation on the map grid (symspec.spectral.ops.conv)",
        stride=stride,
        gain=gain,
        predict=predict,
        dc_leak=lambda: ms.dc_leak_db(w, pads, mode, grid, stride, dil),
        alias=lambda: ms.alias_ratio_db(gain1(), stride, grid_out),
    )
    if norm.spectral:  # operator norms and σ_max² per frequency (symspec.audit.norms)
        m.norms = functools.cache(lambda: nm.conv_figures(w, grid, pads, mode, stride, dil, groups, norm.tol))
        if grid[0] % stride[0] == 0 and grid[1] % stride[1] == 0:
            m.spectral = lambda: m.norms().sigma2
    m.extra["fused_pad"] = fused
    if fused:
        m.extra["source"] = producer.inputs[0] if producer.inputs else None
    return m


def _conv_pads(padding, kernel: tuple[int, int], dil: tuple[int, int]) -> tuple[int, int, int, int]:
    """A conv's own padding as F.pad's (left, right, top, bottom): numbers, 'same' or 'valid'."""
    if isinstance(padding, str):
        if padding != "same":
            return (0, 0, 0, 0)
        th, tw = dil[0] * (kernel[0] - 1), dil[1] * (kernel[1] - 1)
        return (tw // 2, tw - tw // 2, th // 2, th - th // 2)
    ph, pw = _pair(padding, 0)
    return (pw, pw, ph, ph)


def _fused_pad(node: Node, nodes, consumers):
    """(pads, mode, grid, pad node) of an explicit F.pad whose only consumer is this unpadded conv (the
    padding is the conv's: reflect or replicate written as a separate op), or None."""
    producer = nodes.get(node.inputs[0]) if node.inputs else None
    if producer is None or producer.op != "pad" or consumers[producer.index] != [node.index]:
        return None
    p = producer.arg(1, "pad")
    if not (isinstance(p, (list, tuple)) and len(p) == 4):
        return None
    mode = producer.arg(2, "mode", "constant") or "constant"
    return tuple(int(v) for v in p), mode, _grid(producer.shapes_in[0]), producer


def _conv_transpose(node: Node) -> Mapping:
    w = node.arg(1, "weight")
    bias = node.arg(2, "bias")
    stride = _pair(node.arg(3, "stride", 1))
    groups = int(node.arg(6, "groups", 1))
    dil = _pair(node.arg(7, "dilation", 1))
    C, Dg, Kh, Kw = w.shape
    D = Dg * groups
    grid_in, grid_out = _grid(node.shapes_in[0]), _grid(node.shape_out)
    s2 = stride[0] * stride[1]

    cache: dict = {}

    def gain():
        if "g" not in cache:
            cache["g"] = ms.conv_gain(w.transpose(0, 1), grid_out, dil, D) / s2
        return cache["g"]

    bias_power = 0.0 if bias is None else float((bias.detach().double() ** 2).mean())

    def predict(S):
        inserted = (grid_in[0] * stride[0], grid_in[1] * stride[1])
        s = ms.resample(ms.lift(S[0], inserted), grid_out) * gain()
        s[0, 0] += bias_power * grid_out[0] * grid_out[1]
        return s

    ins = stride if s2 > 1 else (1, 1)
    uneven = _uneven((Kh, Kw), stride, dil)
    note = f"{Kh}x{Kw}, {C}->{D}, stride {stride[0]}" + (
        ""
        if s2 == 1
        else (
            f": zero insertion ×{stride[0]}"
            + ("" if not uneven else f", kernel {Kh} not divisible by the stride: uneven overlap")
        )
    )

    def stage() -> Stage:
        dense = _dense_transposed(w, groups)
        cells = ms.phase_cells(_dilated(dense, dil), stride)
        return Stage(ms.cell_powers(cells), gain(), grid_in, uneven)

    return Mapping(
        "exact",
        "conv_transpose",
        note,
        rule="zero insertion + kernel autocorrelation (symspec.spectral.ops.conv_transpose)",
        insert=ins,
        gain=gain,
        predict=predict,
        scale=(float(stride[0]), float(stride[1])) if s2 > 1 else None,
        stage=stage if s2 > 1 else None,
    )


def _transposed_norms(m: Mapping, node: Node, norm: NormOption) -> Mapping:
    """--norm spectral: the operator norms of a transposed conv (symspec.audit.norms)."""
    if norm.spectral:
        w, stride, dil = (
            node.arg(1, "weight"),
            _pair(node.arg(3, "stride", 1)),
            _pair(node.arg(7, "dilation", 1)),
        )
        pad, extra = _pair(node.arg(4, "padding", 0), 0), _pair(node.arg(5, "output_padding", 0), 0)
        groups, grid = int(node.arg(6, "groups", 1)), _grid(node.shapes_in[0])
        m.norms = functools.cache(
            lambda: nm.conv_transpose_figures(w, grid, stride, pad, extra, dil, groups, norm.tol)
        )
        m.spectral = lambda: m.norms().sigma2
    return m


def _uneven(kernel: tuple[int, int], stride: tuple[int, int], dil: tuple[int, int]) -> bool:
    """Whether the taps fall unevenly on the output pixels along some axis (k mod s ≠ 0 without dilation)."""

    def axis(k, s, d):
        counts = [0] * s
        for t in range(k):
            counts[(t * d) % s] += 1
        return len(set(counts)) > 1

    return any(axis(k, s, d) for k, s, d in zip(kernel, stride, dil))


def _dense_transposed(w: torch.Tensor, groups: int) -> torch.Tensor:
    """A grouped transposed kernel (C, D/g, K, K) as the dense (C, D, K, K) one (zeros off the groups)."""
    if groups == 1:
        return w.detach().double()
    C, Dg = w.shape[:2]
    dense = torch.zeros(C, Dg * groups, *w.shape[2:], dtype=torch.float64)
    step = C // groups
    for g in range(groups):
        dense[g * step : (g + 1) * step, g * Dg : (g + 1) * Dg] = (
            w[g * step : (g + 1) * step].detach().double()
        )
    return dense


def _dilated(w: torch.Tensor, dil: tuple[int, int]) -> torch.Tensor:
    """The kernel with its taps spread by the dilation (zeros between)."""
    if dil == (1, 1):
        return w
    C, D, Kh, Kw = w.shape
    out = torch.zeros(C, D, dil[0] * (Kh - 1) + 1, dil[1] * (Kw - 1) + 1, dtype=w.dtype)
    out[:, :, :: dil[0], :: dil[1]] = w
    return out


@dataclass
class _Resize:
    """An ``interpolate`` node's setup: its mode and flags, its grids, the scale per axis and the keyword
    arguments that replay the real op along one axis."""

    mode: str
    align: bool | None
    antialias: bool
    grid_in: tuple[int, int]
    grid_out: tuple[int, int]
    rh: float = field(init=False)
    rw: float = field(init=False)
    integer: bool = field(init=False)  # integer scales, neither below 1
    kw: dict = field(init=False)
    ratio: str = field(init=False)  # the scale as the note writes it

    def __post_init__(self):
        self.rh = self.grid_out[0] / self.grid_in[0]
        self.rw = self.grid_out[1] / self.grid_in[1]
        self.integer = self.rh == int(self.rh) and self.rw == int(self.rw) and self.rh >= 1 and self.rw >= 1
        self.kw = {} if self.mode in ("nearest", "nearest-exact", "area") else {"align_corners": self.align}
        if self.antialias:
            self.kw["antialias"] = True
        self.ratio = f"×{self.rh:g}" if self.rh == self.rw else f"×{self.rh:g}x{self.rw:g}"

    def axis_op(self, n_out):
        return lambda x: F.interpolate(x.float(), size=(1, n_out), mode=self.mode, **self.kw).double()


def _interpolate(node: Node, grid_in, grid_out, C) -> Mapping:
    z = _Resize(
        node.arg(3, "mode", "nearest"),
        node.arg(4, "align_corners", None),
        node.arg(6, "antialias", False),
        grid_in,
        grid_out,
    )
    found = _resize_phis(z)
    if found is None:
        return Mapping("unmapped", "interpolate", f"interpolate mode {z.mode!r}: no rule")
    phi, source = functools.cache(found[0]), found[1]
    rh, rw = z.rh, z.rw
    insert = (max(1, int(rh)) if rh > 1 else 1, max(1, int(rw)) if rw > 1 else 1)
    stride = (max(1, round(1 / rh)) if rh < 1 else 1, max(1, round(1 / rw)) if rw < 1 else 1)
    extra = (
        f", align_corners={z.align}"
        if z.align is not None and z.mode not in ("nearest", "nearest-exact", "area")
        else ""
    )
    gain = lambda: ms.separable_apply(*phi(), np.ones(grid_in))  # noqa: E731
    up = rh > 1 or rw > 1
    return Mapping(
        "exact",
        "upsample" if rh * rw > 1 else "resample",
        f"{z.mode} {z.ratio}{extra}",
        rule=source,
        insert=insert,
        stride=stride,
        gain=gain,
        predict=lambda S: ms.separable_apply(*phi(), S[0]),
        scale=(rh, rw) if up else None,
        stage=(lambda: _resize_stage(z, gain)) if up else None,
    )


def _resize_phis(z: _Resize):
    """(the per-axis operators' computation, where the rule comes from), or None for a mode without a rule:
    the upsample rule for an integer nearest or bilinear scale, else the axis matrix of the real op."""
    if z.mode in ("nearest", "bilinear") and z.integer and not z.align and not z.antialias:
        from ..spectral.ops import upsample as up_op

        rule = up_op.build(size=z.grid_in, mode=z.mode, ratio=f"{int(z.rh)}x{int(z.rw)}", channels=1)
        return (lambda: ms.rule_axis_phi(rule)), "symspec.spectral.ops.upsample"
    if z.mode not in ("nearest", "nearest-exact", "bilinear", "bicubic", "area", "linear"):
        return None

    def axis(n_in, n_out):
        return ms.axis_phi(
            ms.axis_matrix(lambda x: F.interpolate(x, size=(1, n_out), mode=z.mode, **z.kw), n_in)
        )

    phis = lambda: (axis(z.grid_in[0], z.grid_out[0]), axis(z.grid_in[1], z.grid_out[1]))  # noqa: E731
    return phis, "axis matrix of the real op"


def _resize_white(z: _Resize, gain) -> np.ndarray:
    """The interior's gain (zero insertion then the interpolation filter); the rule's where the interior is
    not periodic (fractional scales, align_corners=True)."""
    if z.integer:
        r = (int(z.rh), int(z.rw))
        hs = [ms.interior_filter(z.axis_op(16 * k), k) for k in r]
        if all(h is not None for h in hs):
            return ms.upsampler_gain(hs[0], hs[1], r, z.grid_out)
    return gain()


def _resize_stage(z: _Resize, gain) -> Stage:
    rows, cols = (
        ms.axis_constant_response(ms.axis_matrix(z.axis_op(n_out), n_in))
        for n_in, n_out in zip(z.grid_in, z.grid_out)
    )
    level, _ = ms.separable_checkerboard(rows, cols)
    if level == float("-inf"):  # a constant stays constant: no periodic power at any frequency
        return Stage(np.array([[1.0]]), _resize_white(z, gain), z.grid_in, None)
    if z.integer:
        cell = np.outer(rows[: int(z.rh)], cols[: int(z.rw)])[None, None]
        return Stage(ms.cell_powers(cell), _resize_white(z, gain), z.grid_in, None)
    return Stage(
        None,
        _resize_white(z, gain),
        z.grid_in,
        None,
        checker_db=level,
        checker_note=f"scale {z.ratio}: its constant response has no integer period, not followed",
    )


@dataclass
class _Shuffle:
    """A pixel shuffle ×r or unshuffle ÷r as its rule sees it: the node, the graph, the factor, the grids
    and the input's channels; ``source`` and ``how`` where a reshape/permute chain is one (the map the chain
    starts from, and the note's words for the chain)."""

    node: Node
    nodes: dict[int, Node]
    r: int
    grid_in: tuple[int, int]
    grid_out: tuple[int, int]
    C_in: int
    source: int | None = None
    how: str = ""


def _shuffle(s: _Shuffle, up: bool) -> Mapping:
    """Pixel shuffle ×r (depth to space) or unshuffle ÷r (space to depth).  Shuffle's figures are those of the
    stage it ends: a stride-1 conv right before it and the shuffle are one transposed conv of stride r
    (``measure.shuffle_as_transposed``), read from the conv's input; without such a conv its sub-channels are
    taken as independent (replicas at full strength)."""
    if not up:
        return _unshuffle(s)
    nodes, r = s.nodes, s.r
    conv = nodes.get(s.source if s.source is not None else (s.node.inputs[0] if s.node.inputs else -1))
    w = conv.arg(1, "weight") if conv is not None and conv.op in ("conv2d", "convolution") else None
    plain = (
        w is not None
        and w.dim() == 4
        and _pair(conv.arg(3, "stride", 1)) == (1, 1)
        and _pair(conv.arg(5, "dilation", 1)) == (1, 1)
        and int(conv.arg(6, "groups", 1)) == 1
        and w.shape[0] % (r * r) == 0
        and conv.inputs
        and nodes[conv.inputs[0]].spatial
    )
    return _shuffle_with_conv(s, conv, w) if plain else _shuffle_alone(s)


def _unshuffle(s: _Shuffle) -> Mapping:
    r, grid_in, grid_out = s.r, s.grid_in, s.grid_out
    m = Mapping(
        "exact",
        "pixel_unshuffle",
        f"÷{r}: space to depth{s.how}, lossless: each output channel is one aliased phase",
        rule="pixel shuffle, inverted",
        stride=(r, r),
        gain=lambda: np.ones(grid_out),
        predict=lambda S: ms.fold(S[0], (r, r), grid_out),
        alias=lambda: ms.alias_ratio_db(np.ones(grid_in), (r, r), grid_out),
    )
    if s.source is not None:
        m.extra["source"] = s.source
    return m


def _shuffle_alone(s: _Shuffle) -> Mapping:
    """A shuffle without a plain conv right before it: its sub-channels taken as independent."""
    r, C_in, grid_out = s.r, s.C_in, s.grid_out
    ones = lambda: np.ones(grid_out)  # noqa: E731

    def alone() -> Stage:
        cells = np.zeros((C_in, C_in // (r * r), r, r))
        for o in range(C_in):
            cells[o, o // (r * r), (o % (r * r)) // r, o % r] = 1.0
        return Stage(
            ms.cell_powers(cells),
            ones(),
            s.grid_in,
            None,
            checker_note="no conv right before it: sub-channels taken as independent",
        )

    m = Mapping(
        "exact",
        "pixel_shuffle",
        f"×{r}{s.how}: each sub-channel zero-inserted and shifted (no conv right "
        f"before it: replicas at full strength for independent sub-channels)",
        rule="symspec.spectral.ops.pixel_shuffle",
        insert=(r, r),
        gain=ones,
        predict=lambda S: ms.lift(S[0], grid_out),
        scale=(float(r), float(r)),
        stage=alone,
    )
    if s.source is not None:
        m.extra["source"] = s.source
    return m


def _shuffle_with_conv(s: _Shuffle, conv: Node, w: torch.Tensor) -> Mapping:
    """The conv right before the shuffle and the shuffle as one transposed conv of stride r, read from the
    conv's input (past a padding fused into the conv)."""
    nodes, r, grid_out = s.nodes, s.r, s.grid_out
    x_node = nodes[conv.inputs[0]]
    if x_node.op == "pad" and x_node.inputs and nodes[x_node.inputs[0]].spatial:  # a conv's padding
        x_node = nodes[x_node.inputs[0]]
    x_grid = _grid(x_node.shape_out)
    h = ms.shuffle_as_transposed(w, r)
    D = h.shape[1]
    cache: dict = {}

    def gain():
        if "g" not in cache:
            cache["g"] = ms.conv_gain(h.transpose(0, 1), grid_out, (1, 1), D) / (r * r)
        return cache["g"]

    def predict(S):
        return ms.resample(ms.lift(S[0], (x_grid[0] * r, x_grid[1] * r)), grid_out) * gain()

    def stage() -> Stage:
        return Stage(ms.cell_powers(ms.shuffle_cells(w, r)), gain(), x_grid, None)

    m = Mapping(
        "exact",
        "pixel_shuffle",
        f"×{r}{s.how} with the {w.shape[2]}x{w.shape[3]} conv of node {conv.index}: "
        f"one transposed conv of stride {r} (gain read from that conv's input)",
        rule="conv + pixel shuffle as a transposed conv (measure.shuffle_as_transposed)",
        insert=(r, r),
        gain=gain,
        predict=predict,
        scale=(float(r), float(r)),
        stage=stage,
    )
    m.extra["source"] = x_node.index
    return m


def _chain(node: Node, nodes: dict[int, Node]) -> list[Node] | None:
    """The reshapes / permutes / copies from the last (B, C, H, W) map to ``node`` (source first)."""
    chain, cur = [node], node
    while len(cur.inputs) == 1:
        prev = nodes[cur.inputs[0]]
        if prev.spatial and not (prev.op in RESHAPES and prev.shapes_in and len(prev.shapes_in[0]) != 4):
            return [prev] + chain[::-1]
        if prev.op not in RESHAPES and prev.op not in IDENTITY:
            return None
        chain.append(prev)
        cur = prev
    return None


def _replay(chain: list[Node]) -> torch.Tensor:
    """The chain's reshapes and permutes applied to the source's element indices."""
    x = torch.arange(int(np.prod(chain[0].shape_out)), dtype=torch.int32).reshape(chain[0].shape_out)
    for n in chain[1:]:
        args = [a for a in n.args[1:]]
        x = getattr(torch.Tensor, n.op)(x, *args, **n.kwargs)
    return x


def _same_channels(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Whether a and b (B, C, H, W) of distinct element indices hold the same maps up to a channel order."""
    if a.shape != b.shape:
        return False
    where = {v: i for i, v in enumerate(b[0, :, 0, 0].tolist())}
    order = [where.get(v) for v in a[0, :, 0, 0].tolist()]
    return None not in order and torch.equal(a, b[:, order])


def _reshape_shuffle(node: Node, nodes: dict[int, Node]) -> Mapping:
    """Reshapes and permutes that re-enter the (B, C, H, W) layout: identity when they restore the source's
    layout, pixel (un)shuffle when they are one (einops ``rearrange``, hand-written space to depth), else an
    unmapped row (never a silent identity)."""
    chain = _chain(node, nodes)
    if chain is None:  # a dense layer's output re-entering the (B, C, H, W) layout
        return Mapping("identity", "reshape", "leaves or re-enters the (B, C, H, W) layout: no spatial rule")
    src = chain[0]
    (B, C, H, W), (_, C2, H2, W2) = src.shape_out, node.shape_out
    if B * C * H * W > REPLAY_LIMIT:
        return Mapping(
            "unmapped",
            "reshape",
            f"reshapes/permutes from node {src.index} on {B * C * H * W:,} values: "
            f"too many to replay, not recognised",
        )
    try:
        y = _replay(chain)
    except (TypeError, ValueError, RuntimeError, AttributeError):
        return Mapping(
            "unmapped", "reshape", "reshape/permute chain that could not be replayed: no spectral rule"
        )
    x = torch.arange(y.numel(), dtype=torch.int32).reshape(src.shape_out)
    how = f" (as {len(chain) - 1} reshapes/permutes from node {src.index})"
    if (H2, W2) == (H, W) and C2 == C and torch.equal(y, x):
        m = Mapping("identity", "identity", "", gain=lambda: np.ones((H2, W2)), predict=lambda S: S[0])
        m.extra["source"] = src.index
        return m
    if H2 < H and H % H2 == 0 and H // H2 == W // W2 and C2 == C * (H // H2) ** 2:
        r = H // H2
        if _same_channels(y, F.pixel_unshuffle(x, r)):
            return _shuffle(_Shuffle(node, nodes, r, (H, W), (H2, W2), C, src.index, how), False)
    if H2 > H and H2 % H == 0 and H2 // H == W2 // W and C == C2 * (H2 // H) ** 2:
        r = H2 // H
        if torch.equal(y, F.pixel_shuffle(x, r)):
            return _shuffle(_Shuffle(node, nodes, r, (H, W), (H2, W2), C, src.index, how), True)
    return Mapping(
        "unmapped",
        "reshape",
        f"reshapes/permutes from node {src.index} that move pixels "
        f"({C}x{H}x{W} -> {C2}x{H2}x{W2}): not a pixel shuffle, no spectral rule",
    )


def _separable(kind: str, note: str, source: str, row_op, col_op, grid_in, stride=(1, 1)) -> Mapping:
    """A separable linear op given by its action along the last axis for rows and for columns."""
    cache: dict = {}

    def phi():
        if "phi" not in cache:
            cache["phi"] = (
                ms.axis_phi(ms.axis_matrix(row_op, grid_in[0])),
                ms.axis_phi(ms.axis_matrix(col_op, grid_in[1])),
            )
        return cache["phi"]

    return Mapping(
        "exact",
        kind,
        note,
        rule=source,
        stride=stride,
        gain=lambda: ms.separable_apply(*phi(), np.ones(grid_in)),
        predict=lambda S: ms.separable_apply(*phi(), S[0]),
        alias=(lambda: _alias_of(phi(), grid_in)) if stride != (1, 1) else None,
    )


def _alias_of(phis, grid_in) -> float | None:
    """Aliased power relative to the baseband's for a white input through a decimating separable map."""
    pr, pc = phis
    total = (np.abs(pr) ** 2).sum() * (np.abs(pc) ** 2).sum()
    Mo, No = pr.shape[0], pc.shape[0]
    u = np.abs(np.fft.fftfreq(grid_in[0]) * grid_in[0]) <= Mo / 2
    v = np.abs(np.fft.fftfreq(grid_in[1]) * grid_in[1]) <= No / 2
    base = (np.abs(pr[:, u]) ** 2).sum() * (np.abs(pc[:, v]) ** 2).sum()
    return ms.db((total - base) / base) if base > 0 and total > base * (1 + 1e-12) else None


def _pool(node: Node, grid_in, grid_out) -> Mapping:
    if node.op == "adaptive_avg_pool2d":
        return _separable(
            "pool",
            f"adaptive average pooling to {grid_out[0]}x{grid_out[1]}",
            "axis matrix of the real op",
            lambda x: F.adaptive_avg_pool2d(x, (1, grid_out[0])),
            lambda x: F.adaptive_avg_pool2d(x, (1, grid_out[1])),
            grid_in,
            stride=(max(1, grid_in[0] // grid_out[0]), max(1, grid_in[1] // grid_out[1])),
        )
    k = _pair(node.arg(1, "kernel_size"))
    s = _pair(node.arg(2, "stride") or k)
    p = _pair(node.arg(3, "padding", 0), 0)
    ceil, cip = bool(node.arg(4, "ceil_mode", False)), bool(node.arg(5, "count_include_pad", True))

    def axis_op(a):
        return lambda x: F.avg_pool2d(x, (1, k[a]), (1, s[a]), (0, p[a]), ceil, cip)

    source = "symspec.spectral.ops.avgpool" if not any(p) else "axis matrix of the real op"
    return _separable(
        "pool",
        f"average pooling {k[0]}x{k[1]}, stride {s[0]}",
        source,
        axis_op(0),
        axis_op(1),
        grid_in,
        stride=s,
    )


def _pad(node: Node, grid_in) -> Mapping:
    p = node.arg(1, "pad")
    mode = node.arg(2, "mode", "constant") or "constant"
    value = node.arg(3, "value", 0.0)
    if not isinstance(p, (list, tuple)) or len(p) not in (2, 4):
        return Mapping("unmapped", "pad", f"pad {p!r}: only 2-D spatial padding is mapped")
    p = [int(v) for v in p] + [0, 0] * (len(p) == 2)
    if value not in (0, 0.0, None):
        return Mapping("unmapped", "pad", f"constant padding with value {value}: affine, not mapped")

    return _separable(
        "pad",
        f"{mode} padding {tuple(p)}",
        "axis matrix of the real op",
        lambda x: F.pad(x, (p[2], p[3], 0, 0), mode=mode),
        lambda x: F.pad(x, (p[0], p[1], 0, 0), mode=mode),
        grid_in,
    )


def _getitem(node: Node, grid_in, grid_out) -> Mapping:
    index = node.arg(1, "idx")
    index = index if isinstance(index, tuple) else (index,)
    if any(not isinstance(i, (slice, int, type(Ellipsis), type(None))) for i in index):
        return Mapping("unmapped", "index", "advanced indexing: no spectral rule")
    if any(i is None for i in index) or sum(1 for i in index if i is Ellipsis) > 1:
        return Mapping("unmapped", "index", "indexing that adds axes: no spectral rule")
    if Ellipsis in index:
        at = index.index(Ellipsis)
        index = index[:at] + (slice(None),) * (4 - len(index) + 1) + index[at + 1 :]
    index = tuple(index) + (slice(None),) * (4 - len(index))
    if any(isinstance(i, int) for i in index):
        return Mapping("unmapped", "index", "integer indexing drops an axis")
    rows = np.arange(grid_in[0])[index[2]]
    cols = np.arange(grid_in[1])[index[3]]
    step = (index[2].step or 1, index[3].step or 1)
    A = np.eye(grid_in[0])[rows]
    B = np.eye(grid_in[1])[cols]
    pr, pc = ms.axis_phi(A), ms.axis_phi(B)
    kind = "crop" if step == (1, 1) else "subsample"
    note = (
        ("channel selection" if (len(rows), len(cols)) == grid_in else f"crop to {len(rows)}x{len(cols)}")
        if step == (1, 1)
        else f"keeps every {step[0]}th row, {step[1]}th column"
    )
    return Mapping(
        "exact",
        kind,
        note,
        rule="selection matrix" if step == (1, 1) else "symspec.spectral.ops.subsample",
        stride=step,
        gain=lambda: ms.separable_apply(pr, pc, np.ones(grid_in)),
        predict=lambda S: ms.separable_apply(pr, pc, S[0]),
        alias=(lambda: _alias_of((pr, pc), grid_in)) if step != (1, 1) else None,
    )


def _add(node: Node, grid_out) -> Mapping:
    traced = len(node.inputs)
    sign = "difference" if node.op != "add" else "sum"
    alpha = _scale(node.kwargs.get("alpha", 1)) or 1.0
    if traced >= 2:

        def predict(S):
            if any(s.shape != S[0].shape for s in S):
                return None
            return S[0] + alpha**2 * sum(S[1:])

        return Mapping(
            "exact",
            "add",
            f"{sign} of {traced} branches (residual / skip); predicted as uncorrelated",
            predict=predict,
        )
    const = [a for a in node.args if a is not None]
    value = const[0] if const else None
    if _scale(value) is not None or _channel_const(value, node.shape_out[1]) is not None and traced == 1:
        b = np.atleast_1d(
            _scale(value) if _scale(value) is not None else _channel_const(value, node.shape_out[1])
        )
        power = float((b**2).mean()) * (alpha**2 if node.args and node.args[0] is None else 1.0)

        def predict(S):
            s = S[0].copy()
            s[0, 0] += power * grid_out[0] * grid_out[1]
            return s

        return Mapping(
            "exact", "bias", "constant offset: DC only", gain=lambda: np.ones(grid_out), predict=predict
        )
    return Mapping("unmapped", "add", "adds a constant map that varies in space: not mapped")


def _mul(node: Node, grid_out, C) -> Mapping:
    if len(node.inputs) >= 2:
        return Mapping("measured", "product", "product of two feature maps (gating): nonlinear, measured")
    const = (
        [a for a in node.args[1:] if a is not None]
        if node.args and node.args[0] is None
        else [a for a in node.args if a is not None]
    )
    value = const[0] if const else None
    if node.op == "div" and node.args and node.args[0] is not None:
        return Mapping("measured", "nonlinear", "a constant divided by a feature map: nonlinear, measured")
    a = _scale(value)
    per = _channel_const(value, C) if a is None else None
    if a is None and per is None:
        return Mapping("unmapped", "scale", "multiplies by a constant map that varies in space: not mapped")
    factor = float(a * a) if a is not None else float((per**2).mean())
    if node.op == "div":
        factor = 1.0 / factor if a is not None else float((1.0 / per**2).mean())
    what = f"scale {'÷' if node.op == 'div' else '×'}{abs(a):g}" if a is not None else "per-channel scale"
    return _flat("exact", "scale", what, factor, grid_out)


def _cat(node: Node, grid_out) -> Mapping:
    dim = node.arg(1, "dim", 0)
    dim = dim % 4 if isinstance(dim, int) else dim
    if dim != 1 or node.op == "stack":
        return Mapping(
            "unmapped", "cat", f"concatenation along dimension {dim}: only channel concatenation is mapped"
        )
    channels = [s[1] for s in node.shapes_in]
    if sum(channels) != node.shape_out[1]:
        return Mapping("unmapped", "cat", "concatenation of constants with feature maps: not mapped")

    def predict(S):
        if any(s.shape != tuple(grid_out) for s in S):
            return None
        return sum(c * s for c, s in zip(channels, S)) / sum(channels)

    return Mapping(
        "exact",
        "cat",
        f"channel concatenation {'+'.join(map(str, channels))} (skip connection)",
        predict=predict,
    )


def _batch_norm(node: Node, grid_out) -> Mapping:
    training = bool(node.arg(5, "training", False))
    mean, var = node.arg(1, "running_mean"), node.arg(2, "running_var")
    if training or mean is None or var is None:
        return Mapping("measured", "norm", "batch norm with batch statistics: measured")
    weight, bias = node.arg(3, "weight"), node.arg(4, "bias")
    eps = float(node.arg(7, "eps", 1e-5))
    scale = (weight.double() if weight is not None else torch.ones_like(var.double())) / torch.sqrt(
        var.double() + eps
    )
    shift = (bias.double() if bias is not None else torch.zeros_like(scale)) - mean.double() * scale
    factor = float((scale**2).mean())
    shift_power = float((shift**2).mean())

    def predict(S):
        s = S[0] * factor
        s[0, 0] += shift_power * grid_out[0] * grid_out[1]
        return s

    return Mapping(
        "exact",
        "affine",
        "eval mode: per-channel scale and shift",
        rule="per-channel affine map",
        gain=lambda: np.full(grid_out, factor),
        predict=predict,
    )
