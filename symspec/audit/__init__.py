"""``symspec audit``: the frequency audit of a decoder as a graph, one module per stage.

    trace.py     one real forward pass under a TorchFunctionMode -> nodes and edges
    rules.py     node -> exact spectral rule (linear ops) or `measured` (nonlinear, normalisation) or
                 `unmapped`
    measure.py   exact gains without materialising T(u, v); measured spectra; DC leakage; spectral norms
    findings.py  replicas and their fate, DC leakage, aliasing, attenuation and its per-node attribution
    report.py    AuditReport (plain data), its verdict and --fail-on hits (symspec/conditions.py parses them)
    load.py      where a decoder comes from, step by step: arguments.py, target.py (what may run), spec.py,
                 forward.py (sizes, failures, outputs), weights.py, usercode.py, compat.py (torchvision)

The renderers live in the output layer (``symspec.output.audit``).  From Python the package itself is callable
(``symspec/__init__.py`` binds the renderers to what it returns)::

    import symspec
    report = symspec.audit(decoder, (4, 32, 32))
    print(report.table())
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

MAX_VALUES = 1 << 26  # the recorded forward pass: batch x C x H x W of the input


def parse_input(input_shape) -> tuple[int, ...]:
    from ..errors import SymspecError

    if isinstance(input_shape, str):
        from .load import parse_shape

        return tuple(parse_shape(input_shape))
    try:
        shape = tuple(int(s) for s in input_shape)
    except (TypeError, ValueError):
        raise SymspecError(f"input shape: expected (C, H, W) or 'CxHxW', got {input_shape!r}") from None
    if len(shape) not in (3, 4) or min(shape) < 1:
        raise SymspecError(
            f"input shape: expected (C, H, W) or (B, C, H, W) of positive sizes, got {input_shape!r}"
        )
    return shape


@dataclass
class _Pass:
    """One recorded forward pass: the decoder and its name in messages, the input map's (C, H, W) and the
    batch, the seed of the random input, and how the module is called (``forward``, ``forward_kwargs``)."""

    name: str
    module: Any
    shape: tuple[int, ...]
    batch: int
    seed: int
    forward: Callable | None = None
    forward_kwargs: dict | None = None


def run(
    module,
    input_shape,
    *,
    batch: int = 2,
    seed: int = 0,
    norm: str = "mean",
    target: str | None = None,
    forward=None,
    threshold: float = -20.0,
    forward_kwargs: dict | None = None,
    norm_tol: float | None = None,
):
    """Audit ``module`` on random inputs of ``input_shape`` ((C, H, W), (B, C, H, W) or 'CxHxW').

    ``forward(module, x)`` calls a module whose forward wants more than the map (default ``module(x)``), e.g.
    ``forward=lambda m, x: m(x, 0).sample`` for a diffusion U-Net and its timestep; or ``forward_kwargs``,
    extra keyword arguments of ``module(x, **forward_kwargs)`` (tensors, numbers, or shape strings such as
    '1x77x32' for seeded random tensors).  A replica or checkerboard figure above ``threshold`` dB at the
    output is a finding."""
    from ..errors import SymspecError
    from .findings import analyse, summarise
    from .report import AuditReport
    from .rules import map_graph

    _check_options(norm, threshold)
    if norm_tol is not None:
        from ..params import parse_norm_tol

        norm_tol = parse_norm_tol("norm-tol", norm_tol)
    batch, shape = _batch_and_shape(input_shape, batch)
    name = target or type(module).__name__
    times = {}
    graph = _trace(_Pass(name, module, shape, batch, seed, forward, forward_kwargs), times)
    start = time.perf_counter()
    mappings = map_graph(graph, norm, norm_tol)
    rows, totals = analyse(graph, mappings)
    times["analysis_s"] = time.perf_counter() - start
    if not any(r.power is not None for r in rows[1:]):
        raise SymspecError(f"{name}: no (B, C, H, W) feature maps were computed")
    return AuditReport(
        name, tuple(shape), batch, norm, rows, summarise(rows, totals, threshold), totals, times
    )


def _check_options(norm, threshold) -> None:
    from ..errors import SymspecError

    if norm not in ("mean", "spectral"):
        raise SymspecError(f"--norm: expected mean or spectral, got {norm!r}")
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or threshold != threshold
        or abs(threshold) == float("inf")
    ):
        raise SymspecError(f"threshold: expected a finite number of dB, got {threshold!r}")


def _batch_and_shape(input_shape, batch: int) -> tuple[int, tuple[int, ...]]:
    """The batch and the map's (C, H, W): a 4-d input shape names its own batch; at most MAX_VALUES."""
    from ..errors import SymspecError

    shape = parse_input(input_shape)
    if len(shape) == 4:
        batch, shape = shape[0], shape[1:]
    if batch * shape[0] * shape[1] * shape[2] > MAX_VALUES:
        raise SymspecError(f"input {batch}x{'x'.join(map(str, shape))}: more than {MAX_VALUES:,} values")
    return batch, shape


def _trace(p: _Pass, times: dict):
    """The graph of one real forward pass on a seeded random input (in eval mode; the module is left in the
    mode it was in); a failure of the model's own is a one-line error."""
    import torch

    from ..errors import SymspecError
    from .forward import check_output, forward_failure, refuse_lazy, with_kwargs
    from .measure import power_spectrum
    from .trace import trace

    module, name, shape = p.module, p.name, p.shape
    refuse_lazy(name, module)
    was_training = module.training
    module.eval()
    dtype = next((q.dtype for q in module.parameters() if q.is_floating_point()), torch.float32)
    device = next((q.device for q in module.parameters()), torch.device("cpu"))
    x = torch.randn((p.batch, *shape), generator=torch.Generator().manual_seed(p.seed)).to(
        dtype=dtype, device=device
    )
    forward = with_kwargs(p.forward, p.forward_kwargs, x, p.seed)
    start = time.perf_counter()
    try:
        graph, y = trace(module, x, power_spectrum, forward)
    except (SymspecError, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - the model's failure (exit 2), or the recorder's (re-raised)
        replay = (lambda: module(x)) if forward is None else (lambda: forward(module, x))
        error = forward_failure(name, module, shape, exc, replay)
        if error is None:
            raise
        raise error from None
    finally:
        module.train(was_training)
    check_output(name, y)
    times["trace_s"] = time.perf_counter() - start
    return graph
