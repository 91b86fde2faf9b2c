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
):
    """Audit ``module`` on random inputs of ``input_shape`` ((C, H, W), (B, C, H, W) or 'CxHxW').

    ``forward(module, x)`` calls a module whose forward wants more than the map (default ``module(x)``), e.g.
    ``forward=lambda m, x: m(x, 0).sample`` for a diffusion U-Net and its timestep; or ``forward_kwargs``,
    extra keyword arguments of ``module(x, **forward_kwargs)`` (tensors, numbers, or shape strings such as
    '1x77x32' for seeded random tensors).  A replica or checkerboard
    figure above ``threshold`` dB at the output is a finding."""
    import torch

    from ..errors import SymspecError
    from .findings import analyse, summarise
    from .forward import check_output, forward_failure, refuse_lazy, with_kwargs
    from .measure import power_spectrum
    from .report import AuditReport
    from .rules import map_graph
    from .trace import trace

    if norm not in ("mean", "spectral"):
        raise SymspecError(f"--norm: expected mean or spectral, got {norm!r}")
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or threshold != threshold
        or abs(threshold) == float("inf")
    ):
        raise SymspecError(f"threshold: expected a finite number of dB, got {threshold!r}")
    shape = parse_input(input_shape)
    if len(shape) == 4:
        batch, shape = shape[0], shape[1:]
    if batch * shape[0] * shape[1] * shape[2] > MAX_VALUES:
        raise SymspecError(f"input {batch}x{'x'.join(map(str, shape))}: more than {MAX_VALUES:,} values")
    name = target or type(module).__name__
    refuse_lazy(name, module)
    was_training = module.training
    module.eval()
    dtype = next((p.dtype for p in module.parameters() if p.is_floating_point()), torch.float32)
    device = next((p.device for p in module.parameters()), torch.device("cpu"))
    x = torch.randn((batch, *shape), generator=torch.Generator().manual_seed(seed)).to(
        dtype=dtype, device=device
    )
    forward = with_kwargs(forward, forward_kwargs, x, seed)
    times = {}
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
    start = time.perf_counter()
    mappings = map_graph(graph, norm)
    rows, totals = analyse(graph, mappings)
    times["analysis_s"] = time.perf_counter() - start
    if not any(r.power is not None for r in rows[1:]):
        raise SymspecError(f"{name}: no (B, C, H, W) feature maps were computed")
    return AuditReport(
        name, tuple(shape), batch, norm, rows, summarise(rows, totals, threshold), totals, times
    )
