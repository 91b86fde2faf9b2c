"""Stage 1 of the audit: record one real forward pass as a graph of nodes.

A :class:`torch.overrides.TorchFunctionMode` sees every torch call the module makes -- ``F.conv2d`` inside
``nn.Conv2d``, but also ``F.interpolate`` called from a ``forward``, residual ``+``, ``torch.cat`` skips and
functional pixel shuffles -- each becoming a :class:`Node` with its op, the module path it ran in, its shapes
and the nodes that produced its inputs (the graph's edges).  Module hooks keep the path stack.  Intermediate
tensors are never kept: a node keeps only its measured output power spectrum (``measure.power_spectrum``),
so memory stays bounded by a few feature maps.

Two kinds of module call are recorded as one node, since their inside is not a spatial map:
attention blocks (a module taking and returning a (B, C, H, W) map that runs softmax / attention on tokens,
itself or in a child module that was collapsed first), and modules named in ``MEASURED_MODULES`` (GDN: a
nonlinear normalisation).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

# calls that only read metadata or move data without computing: never nodes
IGNORED = {
    "__get__",
    "__set__",
    "size",
    "dim",
    "numel",
    "is_contiguous",
    "stride",
    "data_ptr",
    "element_size",
    "is_floating_point",
    "is_complex",
    "__len__",
    "__bool__",
    "__format__",
    "__repr__",
    "tolist",
    "item",
    "__hash__",
    "__eq__",
    "__index__",
    "__int__",
    "__float__",
    "requires_grad_",
    "detach",
    "type",
    "get_device",
    "has_names",
    "storage_offset",
    "__iter__",
    "__reversed__",
    "__contains__",
    "untyped_storage",
    "__reduce_ex__",
    "_is_view",
    "is_leaf",
    "nelement",
    "ndimension",
    "new_empty",
    "__array__",
    # fresh tensors shaped like a traced one: constants, not functions of it
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "rand_like",
    "randn_like",
    "new_zeros",
    "new_ones",
    "new_full",
    "new_tensor",
}
ATTENTION_CORE = {"scaled_dot_product_attention", "softmax", "bmm", "baddbmm", "matmul", "einsum"}
MEASURED_MODULES = {"GDN", "GDN1", "GeneralizedDivisiveNormalization"}
COPIES = {"dropout", "contiguous", "clone", "to", "float", "type_as", "alias"}


@dataclass
class Node:
    index: int
    # canonical name: conv2d, interpolate, add, cat, silu, ..., 'input', or a module class (collapsed)
    op: str
    path: str  # module path the call ran in ('' = the root)
    module: str  # class of that module
    inputs: list[int]  # nodes producing the tensor arguments, in argument order (graph edges)
    shapes_in: list[tuple]  # shapes of the traced tensor arguments
    shape_out: tuple | None
    args: tuple = ()  # positional arguments, traced tensors replaced by None
    kwargs: dict = field(default_factory=dict)
    power: np.ndarray | None = None  # measured output power spectrum (H, W), batch and channel mean
    collapsed: str = ""  # why several calls were recorded as this one node
    part: int | None = None  # which output of a multi-output op (chunk, split, unbind) this node is
    made: bool = False  # the only call a torch.nn module's own forward made: the node is that module

    @property
    def spatial(self) -> bool:
        return self.shape_out is not None and len(self.shape_out) == 4

    def arg(self, position: int, name: str, default=None):
        """A call's argument by position or keyword (as torch's functional signatures name them)."""
        if name in self.kwargs:
            return self.kwargs[name]
        if len(self.args) > position:
            return self.args[position]
        return default


@dataclass
class Graph:
    nodes: list[Node]
    outputs: list[int]
    batch: int

    def consumers(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {n.index: [] for n in self.nodes}
        for n in self.nodes:
            for i in dict.fromkeys(n.inputs):
                out[i].append(n.index)
        return out


def node_name(n) -> str:
    """A node (a :class:`Node` or its audit row) by module path and class: ``decoder.up.1.ConvTranspose2d``
    for what a torch.nn module made (or a module recorded as one node), ``up.0.Upsample2D:interpolate`` for
    an op called inside a module's forward, the op alone at the root; ``input`` for the network's input."""
    if n.op == "input" or not n.path:
        return n.op
    head = f"{n.path}.{n.module}" if n.module else n.path
    return head if n.made or n.op == n.module else f"{head}:{n.op}"


def canonical(func) -> str:
    name = getattr(func, "__name__", None) or str(func)
    if name.startswith("__") and name.endswith("__"):
        name = name[2:-2]
        if name.startswith("i") and name[1:] in (
            "add",
            "sub",
            "mul",
            "truediv",
            "div",
            "floordiv",
            "pow",
            "and",
            "or",
        ):
            name = name[1:]
        elif name.startswith("r") and name[1:] in ("add", "mul", "truediv", "div", "pow", "matmul"):
            name = name[1:] if name[1:] in ("add", "mul") else name
    elif name.endswith("_") and not name.startswith("_"):
        name = name[:-1]
    elif name.startswith("special_"):  # torch.special.erfc is torch.erfc
        name = name[len("special_") :]
    return {
        "truediv": "div",
        "true_divide": "div",
        "multiply": "mul",
        "subtract": "sub",
        "concat": "cat",
        "concatenate": "cat",
        "getitem": "getitem",
    }.get(name, name)


def _tensors(obj, out: list):
    if isinstance(obj, torch.Tensor):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            _tensors(o, out)
    elif isinstance(obj, dict):
        for o in obj.values():
            _tensors(o, out)
    return out


def _strip(obj, known):
    """Arguments with traced tensors replaced by None (constants such as weights are kept)."""
    if isinstance(obj, torch.Tensor):
        return None if known(obj) is not None else obj.detach()
    if isinstance(obj, (list, tuple)) and any(isinstance(o, torch.Tensor) for o in obj):
        return (
            type(obj)(_strip(o, known) for o in obj)
            if isinstance(obj, tuple)
            else [_strip(o, known) for o in obj]
        )
    return obj


class Recorder(TorchFunctionMode):
    def __init__(self, spectrum):
        super().__init__()
        self.nodes: list[Node] = []
        self.where: dict[int, tuple[weakref.ref, int]] = {}  # id(tensor) -> (weak ref, node index)
        self.stack: list[tuple[str, str]] = [("", "")]
        self.spectrum = spectrum
        self.suppress = 0

    def node_of(self, t: torch.Tensor) -> int | None:
        hit = self.where.get(id(t))
        if hit is not None and hit[0]() is t:
            return hit[1]
        return None

    def bind(self, t: torch.Tensor, index: int) -> None:
        self.where[id(t)] = (weakref.ref(t), index)

    def add(
        self,
        op: str,
        inputs: list[torch.Tensor],
        outputs: list[torch.Tensor],
        args=(),
        kwargs=None,
        collapsed: str = "",
        power: np.ndarray | None = None,
    ) -> Node:
        path, module = self.stack[-1]
        ids = [self.node_of(t) for t in inputs]
        first = outputs[0] if outputs else None
        node = Node(
            len(self.nodes),
            op,
            path,
            module,
            [i for i in ids if i is not None],
            [tuple(t.shape) for t, i in zip(inputs, ids) if i is not None],
            None if first is None else tuple(first.shape),
            args,
            kwargs or {},
            collapsed=collapsed,
        )
        if power is not None:
            node.power = power
        elif first is not None and first.dim() == 4 and first.is_floating_point():
            node.power = self.spectrum(first)
        self.nodes.append(node)
        for t in outputs:
            self.bind(t, node.index)
        return node

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        if self.suppress:
            return result
        name = canonical(func)
        if name in IGNORED:
            return result
        inputs = _tensors((args, kwargs), [])
        if not any(self.node_of(t) is not None for t in inputs):
            return result  # constants: weights, their reshapes, fresh tensors
        outputs = [t for t in _tensors(result, []) if t.is_floating_point() or t.is_complex()]
        if not outputs:
            return result
        known = self.node_of
        traced = [t for t in inputs if known(t) is not None]  # repeats kept: cat([y] * 4) has four inputs
        args_s, kwargs_s = (
            tuple(_strip(a, known) for a in args),
            {k: _strip(v, known) for k, v in kwargs.items()},
        )
        if len(outputs) > 1:  # chunk / split / unbind: each output its own node, with its own spectrum
            for k, t in enumerate(outputs):
                self.add(name, traced, [t], args_s, kwargs_s).part = k
            return result
        self.add(
            name,
            traced,
            outputs,
            args_s,
            kwargs_s,
            power=self.derived_power(name, traced, outputs, args_s, kwargs_s),
        )
        return result

    def derived_power(self, name, traced, outputs, args, kwargs) -> np.ndarray | None:
        """The spectrum of a copy (eval dropout, casts) or of a scalar multiple, from its input's: no FFT."""
        if len(traced) != 1 or len(outputs) != 1 or outputs[0].shape != traced[0].shape:
            return None
        src = self.nodes[self.node_of(traced[0])].power
        if src is None:
            return None
        if name in COPIES and not (
            name == "dropout" and (kwargs.get("training") or (len(args) > 2 and args[2]))
        ):
            return src
        if name in ("mul", "div"):
            scalars = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
            if (
                len(scalars) == 1
                and len(args) == 2
                and scalars[0] != 0
                and (name == "mul" or args[0] is None)
            ):
                a = float(scalars[0])
                return src * (a * a if name == "mul" else 1.0 / (a * a))
        return None


def trace(module: nn.Module, x: torch.Tensor, spectrum, forward=None) -> tuple[Graph, torch.Tensor]:
    """Run ``module(x)`` once under the recorder; ``spectrum(tensor)`` gives each node's stored spectrum."""
    rec = Recorder(spectrum)
    calls: dict[int, list] = {}
    hooks = []

    def pre(name):
        def hook(mod, inp):
            kind = type(mod).__name__
            rec.stack.append((name, kind))
            calls.setdefault(id(mod), []).append(
                (len(rec.nodes), [rec.node_of(t) for t in _tensors(inp, [])])
            )
            if kind in MEASURED_MODULES:
                rec.suppress += 1

        return hook

    def post(name):
        def hook(mod, inp, out):
            kind = type(mod).__name__
            rec.stack.pop()
            start, _ = calls[id(mod)].pop()
            outs = [t for t in _tensors(out, []) if t.is_floating_point()]
            if kind in MEASURED_MODULES:
                rec.suppress -= 1
                if not rec.suppress and outs:
                    ins = [t for t in _tensors(inp, []) if rec.node_of(t) is not None]
                    rec.stack.append((name, kind))
                    rec.add(
                        kind, ins, outs, collapsed=f"{kind}: a nonlinear normalisation, recorded as one node"
                    )
                    rec.stack.pop()
                return
            _collapse_attention(rec, name, kind, start, inp, outs)
            if type(mod).__module__.startswith("torch.nn."):  # Conv2d, Upsample, SiLU, GroupNorm...
                direct = [n for n in rec.nodes[start:] if n.path == name]
                if len(direct) == 1:
                    direct[0].made = True

        return hook

    for name, sub in module.named_modules():
        if sub is module:
            continue
        hooks.append(sub.register_forward_pre_hook(pre(name)))
        hooks.append(sub.register_forward_hook(post(name)))
    try:
        with torch.no_grad():
            with rec:
                rec.add("input", [], [x])
                rec.nodes[0].path, rec.nodes[0].module = "", "input"
                y = module(x) if forward is None else forward(module, x)
    finally:
        for h in hooks:
            h.remove()
    outs = [rec.node_of(t) for t in _tensors(y, [])]
    return Graph(rec.nodes, [o for o in outs if o is not None], x.shape[0]), y


def _collapse_attention(rec: Recorder, name: str, kind: str, start: int, inp, outs) -> None:
    """A module call (B,C,H,W) -> (B,C,H,W) whose inside runs attention on tokens becomes one measured
    node."""
    inside = rec.nodes[start:]
    ins = [t for t in _tensors(inp, []) if rec.node_of(t) is not None]
    if not outs or outs[0].dim() != 4 or not ins or ins[0].dim() != 4:
        return
    grid = tuple(ins[0].shape[-2:])
    # a child collapsed on tokens (its input is not this map's grid: an ``Attend`` inside ``Attention``)
    # counts as attention; a child attention block on the same map (a block of resnets and attention) does not
    if not any(
        n.op in ATTENTION_CORE
        or (n.collapsed.startswith("attention") and n.shapes_in and tuple(n.shapes_in[0][-2:]) != grid)
        for n in inside
    ):
        return
    if any(i >= start for t in ins for i in [rec.node_of(t)]):
        return
    ops = sorted({n.op for n in inside})
    del rec.nodes[start:]
    rec.where = {k: v for k, v in rec.where.items() if v[1] < start}
    rec.stack.append((name, kind))
    rec.add(
        kind,
        ins,
        outs[:1],
        collapsed=f"attention block ({len(inside)} calls: {', '.join(ops[:6])}"
        f"{', …' if len(ops) > 6 else ''}), recorded as one node",
    )
    rec.stack.pop()
