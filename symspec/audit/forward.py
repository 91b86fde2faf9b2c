"""The user's forward pass: its size judged on meta before anything is allocated, its extra inputs, and what
it raises or returns read as bad input naming the model.

- **sizes**: a class or a spec is first built on the ``meta`` device (no memory) to count its parameters, and
  every module runs once on a meta input with meta stand-ins for its weights before the audit allocates
  anything: the largest tensor, the multiply-adds and the memory of one recorded forward pass are checked
  against the limits below and ``--max-memory``.
- **failures**: an exception from the traced forward pass is replayed once without the recorder; when the
  plain model fails too it is the model's (exit 2, naming the model, the exception type and the layer that was
  running; a shape error says "rejects this shape"), when it does not the recorder is at fault (a defect of
  symspec).
- **outputs**: None, a number, an empty tensor or a non-finite output is refused, as is a lazy module whose
  parameters are not yet initialised.
"""

from __future__ import annotations

import copy
import math
import re
import weakref
from typing import Any, Callable

import torch
from torch import nn
from torch.nn.parameter import is_lazy
from torch.overrides import TorchFunctionMode

from ..errors import SymspecError
from .arguments import is_shape_text, shape_of
from .usercode import gib, one_line, out_of_memory

MAX_PARAMETERS = 1 << 28  # 1 GiB of float32 weights
MAX_ACTIVATION = (
    1 << 28
)  # values of the largest tensor of one forward pass, batch included (1 GiB of float32)
MAX_MACS = 5e12  # multiply-adds of one forward pass (minutes on a 2-core CPU)
SPECTRUM_CHUNK = 1 << 22  # values of one rfft2 chunk in measure.power_spectrum
OVERHEAD = 32 << 20  # what an audit of a tiny decoder adds to the process (measured: 23-29 MiB)
SHAPE_ERROR = re.compile(
    r"size|shape|dimension|\bdims?\b|channels|mat1 and mat2|expected input|must match|"
    r"out of (?:range|bounds)|too small",
    re.I,
)
KERNEL_TOO_LARGE = re.compile(
    r"padded input size per channel: \((\d+(?: x \d+)*)\)\. "
    r"Kernel size: \((\d+(?: x \d+)*)\)"
)
MISSING = re.compile(r"missing \d+ required (?:positional |keyword-only )?arguments?: (.+)$")


# ------------------------------------------------------------------------------------- resources, on meta


class _Footprint(TorchFunctionMode):
    """Largest tensor, multiply-adds and memory of a forward pass, recorded op by op (on meta tensors: nothing
    runs).  ``live`` follows the bytes of op outputs still referenced; ``peak_bytes`` is its maximum and
    ``spectra`` the bytes of the (H, W) float64 spectrum the recorder keeps per 4-D output."""

    MACS = {"conv1d", "conv2d", "conv3d", "linear", "matmul", "bmm", "mm"}
    TRANSPOSED = {"conv_transpose1d", "conv_transpose2d", "conv_transpose3d"}

    def __init__(self):
        super().__init__()
        self.peak, self.macs = 0, 0.0
        self.live = self.peak_bytes = self.spectra = 0

    def _allocated(self, t: torch.Tensor) -> None:
        size = t.numel() * t.element_size()
        self.live += size
        self.peak_bytes = max(self.peak_bytes, self.live)
        if t.dim() == 4:
            self.spectra += t.shape[-1] * t.shape[-2] * 8
        try:
            weakref.finalize(t, self._freed, size)
        except TypeError:
            pass

    def _freed(self, size: int) -> None:
        self.live -= size

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        outs = out if isinstance(out, (tuple, list)) else (out,)
        for t in outs:
            if isinstance(t, torch.Tensor):
                self.peak = max(self.peak, t.numel())
                if t._base is None and not any(t is a for a in args):  # views and in-place ops: no new memory
                    self._allocated(t)
        name = getattr(func, "__name__", "")
        tensors = [a for a in args if isinstance(a, torch.Tensor)]
        if len(tensors) >= 2 and isinstance(out, torch.Tensor):
            x, w = tensors[0], tensors[1]
            if name in self.MACS and w.dim() >= 1:
                inner = w[0].numel() if name.startswith("conv") else x.shape[-1] if x.dim() else 1
                self.macs += float(out.numel()) * inner
                if name.startswith("conv") and out.dim() >= 3:  # the im2col buffer of a CPU convolution
                    self._workspace(math.prod(out.shape[2:]) * w[0].numel() * out.element_size())
            elif name in self.TRANSPOSED and w.dim() >= 1:
                self.macs += float(x.numel()) * w[0].numel()
                if x.dim() >= 3:  # col2im: the input's positions times the kernel's taps and output channels
                    self._workspace(math.prod(x.shape[2:]) * w[0].numel() * x.element_size())
        return out

    def _workspace(self, size: int) -> None:
        """A buffer an op holds only while it runs, on top of everything live."""
        self.peak_bytes = max(self.peak_bytes, self.live + size)

    def estimate(self, module: nn.Module) -> int:
        """Bytes of one recorded forward pass: weights, the live activations at their peak, the spectra kept
        per node and one spectrum chunk's work space (complex rfft2 plus its float copy)."""
        weights = sum(t.numel() * t.element_size() for t in [*module.parameters(), *module.buffers()])
        return weights + self.peak_bytes + self.spectra + 16 * min(self.peak, SPECTRUM_CHUNK) + OVERHEAD


def guard_parameters(what: str, builder: Callable[[], nn.Module]) -> None:
    """Build the module on the meta device (no memory, no initialisation) and refuse one with more parameters
    than the limit, naming the count.  Used for classes and specs, whose constructors can run twice; a module
    that cannot be built on meta is not judged here (building it for real reports its own errors)."""
    try:
        with torch.device("meta"):
            probe = builder()
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - judged when built for real
        return
    if isinstance(probe, nn.Module) and not any(map(is_lazy, [*probe.parameters(), *probe.buffers()])):
        count = sum(t.numel() for t in probe.parameters()) + sum(t.numel() for t in probe.buffers())
        if count > MAX_PARAMETERS:
            raise SymspecError(
                f"{what}: {count:,} parameters (~{count * 4 / 2**30:.1f} GiB) exceed the limit of "
                f"{MAX_PARAMETERS:,}; choose fewer channels or layers"
            )


def _meta_copy(module: nn.Module) -> nn.Module | None:
    """A copy of ``module`` whose parameters and buffers are meta tensors (no memory, no data), or None where
    the module cannot be copied.  A copy, so that anything its forward caches (lazily built tables) stays off
    the real module."""
    memo: dict = {}
    for t in [*module.parameters(), *module.buffers()]:
        stand_in = torch.empty_like(t, device="meta")
        memo[id(t)] = nn.Parameter(stand_in, t.requires_grad) if isinstance(t, nn.Parameter) else stand_in
    try:
        return copy.deepcopy(module, memo)
    except Exception:  # noqa: BLE001 - locks, open files, C objects: not judged here
        return None


def _on_meta(value: Any) -> Any:
    return torch.empty_like(value, device="meta") if isinstance(value, torch.Tensor) else value


def guard_forward(
    what: str,
    module: nn.Module,
    shape: tuple[int, int, int],
    batch: int,
    max_memory: int | None = None,
    forward_kwargs: dict | None = None,
) -> int | None:
    """Run a meta copy of ``module`` once on a meta input (nothing is computed or allocated) and refuse a
    forward pass whose largest tensor, multiply-adds or estimated memory exceed the limits; the estimate in
    bytes, or None where the module cannot run on meta (a shape it rejects is then reported by the audit
    itself)."""
    refuse_lazy(what, module)
    probe = _meta_copy(module)
    if probe is None:
        return None
    footprint = _Footprint()
    extra = {k: _on_meta(v) for k, v in (forward_kwargs or {}).items()}
    try:
        with torch.no_grad(), footprint:
            probe.eval()(torch.empty((batch, *shape), device="meta"), **extra)
    except KeyboardInterrupt:
        raise
    except SystemExit as exc:
        raise SymspecError(f"{what}: the module's forward called sys.exit({exc.code!r})") from None
    except Exception:  # noqa: BLE001
        return None
    except BaseException as exc:  # noqa: BLE001 - a BaseException subclass of the user's
        raise SymspecError(f"{what}: the module's forward raised {one_line(exc)}") from None
    where = f"{what} on input {'x'.join(map(str, shape))} (batch {batch})"
    if footprint.peak > MAX_ACTIVATION:
        raise SymspecError(
            f"{where}: a tensor of {footprint.peak:,} values (~{footprint.peak * 4 / 2**30:.1f} GiB) "
            f"exceeds the limit of {MAX_ACTIVATION:,}; choose a smaller input or fewer channels"
        )
    if footprint.macs > MAX_MACS:
        raise SymspecError(
            f"{where}: about {footprint.macs:.1e} multiply-adds per forward pass exceed the limit of "
            f"{MAX_MACS:.0e}"
        )
    estimate = footprint.estimate(module)
    if max_memory is not None and estimate > max_memory:
        raise SymspecError(
            f"{where}: the audit needs about {gib(estimate)} (estimated on the meta device), "
            f"more than --max-memory {gib(max_memory)}; choose a smaller input or batch, or "
            f"raise --max-memory"
        )
    return estimate


# ------------------------------------------------------------------------------------------ inputs, outputs


def refuse_lazy(what: str, module: nn.Module) -> None:
    """A lazy module (``nn.LazyConv2d``) has no weights until its first call: nothing to audit yet."""
    for name, t in [*module.named_parameters(), *module.named_buffers()]:
        if is_lazy(t):
            raise SymspecError(
                f"{what}: {name!r} is uninitialised (a lazy module); run the module once on "
                f"an input of the audited shape before auditing it"
            )


def refuse_empty(what: str, module: nn.Module) -> None:
    """A parameter with no values (``--args '{"ch": 0}'``) makes a module that cannot run: name it."""
    for name, t in module.named_parameters():
        if t.numel() == 0:
            raise SymspecError(
                f"{what}: parameter {name!r} has shape {tuple(t.shape)}, no values; check the "
                f"sizes given in --args"
            )


def forward_inputs(
    kwargs: dict | None, dtype: torch.dtype, device: torch.device, seed: int, batch: int
) -> dict:
    """Extra forward arguments: a shape string ('1x77x32', or 'Bx77x32' with B the audit's batch) becomes a
    random tensor of that shape (seeded, the model's dtype and device); tensors and other values pass as they
    are."""
    out, generator = {}, torch.Generator().manual_seed(seed + 1)
    for key, value in (kwargs or {}).items():
        if isinstance(value, str) and is_shape_text(value):
            value = torch.randn(shape_of(value, f"forward argument {key!r}", batch), generator=generator)
            value = value.to(dtype=dtype, device=device)
        out[key] = value
    return out


def with_kwargs(forward: Callable | None, kwargs: dict | None, x: torch.Tensor, seed: int) -> Callable | None:
    """The ``forward(module, x)`` that passes ``kwargs`` as extra keyword arguments (Python API and CLI)."""
    if not kwargs:
        return forward
    if forward is not None:
        raise SymspecError(
            "give forward= or forward_kwargs=, not both (a forward callable passes its own arguments)"
        )
    if not isinstance(kwargs, dict) or not all(isinstance(k, str) and k.isidentifier() for k in kwargs):
        raise SymspecError(f"forward_kwargs: expected a dict of keyword arguments, got {kwargs!r:.80}")
    extra = forward_inputs(kwargs, x.dtype, x.device, seed, x.shape[0])
    return lambda module, x: module(x, **extra)


def check_output(what: str, y: Any) -> None:
    """The forward pass must return at least one non-empty floating tensor (also inside a tuple, list, dict or
    a ModelOutput), with finite values."""
    from .trace import _tensors

    tensors = _tensors(y, [])
    if not tensors:
        raise SymspecError(
            f"{what}: the forward pass returned {'None' if y is None else type(y).__name__}, not a tensor"
        )
    floating = [t for t in tensors if t.is_floating_point() or t.is_complex()]
    if not floating:
        raise SymspecError(
            f"{what}: the forward pass returned a {tensors[0].dtype} tensor, not a floating one"
        )
    if all(t.numel() == 0 for t in floating):
        raise SymspecError(
            f"{what}: the forward pass returned an empty tensor of shape {tuple(floating[0].shape)}"
        )
    for t in floating:
        if t.device.type != "meta" and not bool(torch.isfinite(t).all()):
            bad = int((~torch.isfinite(t)).sum())
            raise SymspecError(
                f"{what}: the output on random input holds {bad:,} NaN or infinite values of {t.numel():,}"
            )


# ------------------------------------------------------------------------------------------------ failures


def _replay(module: nn.Module, call: Callable[[], Any]) -> tuple[BaseException | None, str]:
    """Run the forward pass again without the recorder: the exception it raises (None if it does not) and the
    innermost layer that was running ('decoder.3 (Conv2d)', or '' at the top level)."""
    stack: list[str] = []

    def enter(label):
        def hook(mod, inp):
            stack.append(label)

        return hook

    def leave(mod, inp, out):  # returns None: the output is left as it is
        if stack:
            stack.pop()

    hooks = []
    for name, sub in module.named_modules():
        if sub is not module:
            hooks.append(sub.register_forward_pre_hook(enter(f"{name} ({type(sub).__name__})")))
            hooks.append(sub.register_forward_hook(leave))
    try:
        with torch.no_grad():
            call()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001
        return exc, stack[-1] if stack else ""
    finally:
        for h in hooks:
            h.remove()
    return None, ""


def _missing_argument(exc: BaseException) -> str | None:
    if not isinstance(exc, TypeError):
        return None
    found = MISSING.search(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    return found.group(1) if found else None


def describe_failure(what: str, shape: tuple, exc: BaseException, layer: str) -> SymspecError:
    """The one line for a forward pass of the user's model that raised ``exc`` in ``layer``."""
    size = "x".join(map(str, shape))
    at = f" in layer {layer}" if layer else ""
    oom = out_of_memory(exc)
    if oom:
        return SymspecError(
            f"{what} on input {size}: {oom} during the forward pass{at}; choose a smaller "
            f"input or batch (or lower --max-memory to be refused before allocating)"
        )
    if isinstance(exc, SystemExit):
        return SymspecError(f"{what}: the module's forward called sys.exit({exc.code!r}){at}")
    missing = _missing_argument(exc)
    if missing:
        return SymspecError(
            f"{what}: its forward needs {missing}; pass it with --forward-kwargs (a JSON "
            f"value, or a shape like 1x77x32 for a random tensor; Python: forward_kwargs=)"
        )
    first = str(exc).strip().splitlines()[0].strip() if str(exc).strip() else type(exc).__name__
    kernel = KERNEL_TOO_LARGE.search(str(exc))
    if kernel:
        sizes = [s.replace(" ", "") for s in kernel.groups()]
        return SymspecError(
            f"input {size}: the module rejects this shape: layer {layer or '?'} has a "
            f"{sizes[1]} kernel, larger than its {sizes[0]} input map (padding included)"
        )
    if isinstance(exc, (RuntimeError, ValueError, IndexError)) and SHAPE_ERROR.search(first):
        return SymspecError(f"input {size}: the module rejects this shape{at}: {one_line(exc, 240)}")
    return SymspecError(f"{what}: the module's forward raised {one_line(exc)}{at}")


def forward_failure(
    what: str, module: nn.Module, shape: tuple, exc: BaseException, call: Callable[[], Any]
) -> SymspecError | None:
    """``exc`` (raised by the recorded forward pass) as the model's bad input, or None where the model runs
    without the recorder (then the recorder failed: a defect of symspec)."""
    if out_of_memory(exc) or not isinstance(exc, Exception):
        return describe_failure(what, shape, exc, "")
    again, layer = _replay(module, call)
    if again is None:
        return None
    return describe_failure(what, shape, again, layer)
