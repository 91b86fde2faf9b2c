"""Frequency audit of a decoder before training.

1. Trace: one forward pass with hooks records every leaf module with its real input and output.
2. Map: each spatial linear leaf becomes a symspec spectral rule built from its *actual* weights
   (``symspec.spectral.ops``: conv with its padding, transposed conv, upsample, average pooling, pixel shuffle;
   batch norm in eval mode as a per-channel affine map).  Activations are identity for the theory (the paper
   ignores ReLU); dropout is identity in eval mode; anything else is named and skipped.
3. Per layer: the expected power gain at DC / mid / highest output frequency for a white input (exact, from the
   rule's one-axis terms and the weights' Gram matrix), replicas created (gain of the first replica of a low
   frequency relative to its baseband), DC boost from zero padding (low-frequency energy a constant input
   leaks into, relative to its DC), and aliasing (stride).
4. Cross-check: the input spectrum propagated through the rules (activations ignored) against the measured
   output spectrum of the real module, as the cosine similarity of magnitude spectra (cf. the paper's Fig. 3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ..errors import SymspecError
from ..spectral.dft import bands
from ..spectral.ops import Rule, Term2D
from ..spectral.ops import conv as conv_op
from ..spectral.ops import conv_transpose as convt_op
from ..spectral.ops import upsample as up_op
from ..spectral.ops import avgpool as pool_op
from ..spectral.ops import pixel_shuffle as ps_op
from ..spectral.ops.axis import Term

ACTIVATIONS = (nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Sigmoid, nn.GELU, nn.SiLU, nn.ELU, nn.Softplus, nn.Hardtanh,
               nn.PReLU, nn.Mish)
PADDING = {"zeros": "zero", "circular": "circular", "reflect": "reflect", "replicate": "replicate"}
DB_FLOOR = -300.0


def db(x: float) -> float:
    return 10 * math.log10(x) if x > 0 else DB_FLOOR


@dataclass
class LayerAudit:
    index: int
    name: str
    op: str
    treatment: str  # mapped | identity | skipped
    shape_in: tuple
    shape_out: tuple
    gain_db: dict = field(default_factory=dict)  # dc / mid / high
    replicas_db: float | None = None
    dc_boost_db: float | None = None
    aliasing: int = 1
    similarity: float | None = None
    note: str = ""
    rule: Rule | None = None
    matrices: dict | None = None  # the rule's one-axis term matrices, evaluated once
    bias: np.ndarray | None = None
    predicted: np.ndarray | None = None
    measured: np.ndarray | None = None
    restarted: bool = False


@dataclass
class Audit:
    target: str
    input_shape: tuple
    layers: list[LayerAudit]
    attenuation_db: float
    measured_attenuation_db: float
    warnings: list[str]
    findings: dict


# ------------------------------------------------------------------------------------------------ mapping


def _pair(x) -> tuple[int, int]:
    return (x, x) if isinstance(x, int) else (int(x[0]), int(x[1]))


def _identity_terms(C: int, M: int, N: int, channels: np.ndarray) -> list[Term2D]:
    return [Term2D(channels, Term(M, M, 1, 0, 1, 0, M), Term(N, N, 1, 0, 1, 0, N), "identity")]


def map_module(module: nn.Module, shape_in: tuple, shape_out: tuple) -> tuple[str, Rule | None, np.ndarray | None, str]:
    """(treatment, rule, bias, note) for one leaf module."""
    C, M, N = shape_in
    w = lambda t: t.detach().double().cpu().numpy()  # noqa: E731
    if isinstance(module, nn.Conv2d):
        k_h, k_w = _pair(module.kernel_size)
        if k_h != k_w or len(set(_pair(module.stride))) > 1 or len(set(_pair(module.dilation))) > 1:
            return "skipped", None, None, "non-square kernel/stride/dilation: not mapped"
        if isinstance(module.padding, str):
            total = module.dilation[0] * (k_h - 1) if module.padding == "same" else 0
            pads = (total // 2, total - total // 2) * 2
        else:
            p_h, p_w = _pair(module.padding)
            pads = (p_w, p_w, p_h, p_h)
        mode = PADDING.get(module.padding_mode, "zero") if any(pads) else "valid"
        rule = conv_op.build(weight=w(module.weight), pads=pads, size=(M, N), kernel=k_h, padding=mode,
                             stride=module.stride[0], dilation=module.dilation[0], groups=module.groups,
                             in_channels=C, out_channels=module.out_channels)
        return "mapped", rule, None if module.bias is None else w(module.bias), ""
    if isinstance(module, nn.ConvTranspose2d):
        k_h, k_w = _pair(module.kernel_size)
        if k_h != k_w or len(set(_pair(module.stride))) > 1 or len(set(_pair(module.padding))) > 1:
            return "skipped", None, None, "non-square kernel/stride/padding: not mapped"
        rule = convt_op.build(weight=w(module.weight), size=(M, N), kernel=k_h, stride=module.stride[0],
                              padding=module.padding[0], output_padding=_pair(module.output_padding)[0],
                              dilation=module.dilation[0], groups=module.groups, in_channels=C,
                              out_channels=module.out_channels)
        return "mapped", rule, None if module.bias is None else w(module.bias), ""
    if isinstance(module, nn.Upsample):
        r_h, r_w = shape_out[1] // M, shape_out[2] // N
        if (r_h * M, r_w * N) != shape_out[1:] or module.mode not in ("nearest", "bilinear") or \
                (module.mode == "bilinear" and module.align_corners):
            return "skipped", None, None, f"upsample mode {module.mode!r} / non-integer ratio: not mapped"
        return "mapped", up_op.build(size=(M, N), mode=module.mode, ratio=f"{r_h}x{r_w}", channels=C), None, ""
    if isinstance(module, nn.AvgPool2d):
        k = module.kernel_size if isinstance(module.kernel_size, int) else module.kernel_size[0]
        s = module.stride if isinstance(module.stride, int) else module.stride[0]
        if module.padding not in (0, (0, 0)):
            return "skipped", None, None, "padded average pooling: not mapped"
        return "mapped", pool_op.build(size=(M, N), kernel=k, stride=s, channels=C), None, ""
    if isinstance(module, nn.PixelShuffle):
        r = module.upscale_factor
        return "mapped", ps_op.build(size=(M, N), ratio=r, channels=C // (r * r)), None, ""
    if isinstance(module, nn.BatchNorm2d):
        if module.training or module.running_var is None:
            return "identity", None, None, "batch statistics (training mode): treated as identity"
        scale = (module.weight if module.affine else torch.ones(C)).detach().double() / torch.sqrt(
            module.running_var.double() + module.eps)
        shift = (module.bias.detach().double() if module.affine else torch.zeros(C)) - module.running_mean.double() * scale
        rule = Rule("batchnorm", {}, (C, M, N), (C, M, N), _identity_terms(C, M, N, np.diag(scale.numpy())),
                    lambda x: x, "per-channel affine map (eval mode)")
        return "mapped", rule, shift.numpy(), "eval mode: per-channel scale, shift at DC"
    if isinstance(module, ACTIVATIONS):
        return "identity", None, None, "activation: identity for the theory (the paper ignores ReLU)"
    if isinstance(module, (nn.Dropout, nn.Dropout2d, nn.Identity)):
        return "identity", None, None, "identity in eval mode"
    return "skipped", None, None, f"{type(module).__name__} is not a spatial linear layer: not mapped"


# ------------------------------------------------------------------------------------------------ metrics


def term_matrices(rule: Rule) -> dict:
    cache = {}
    for term in rule.terms:
        for t in (term.row, term.col):
            if t not in cache:
                cache[t] = t.evaluate()[0]
    return cache


def apply_rule(rule: Rule, G: np.ndarray, bias: np.ndarray | None, cache: dict) -> np.ndarray:
    """Output spectra (B, D, M', N') of a rule for input spectra (B, C, M, N): sum_terms W (A G B^T)."""
    D, Mo, No = rule.out_shape
    out = np.zeros((G.shape[0], D, Mo, No), dtype=np.complex128)
    for term in rule.terms:
        A, Bm = cache[term.row], cache[term.col]
        Y = np.einsum("pu,bcuv,qv->bcpq", A, G, Bm, optimize=True)
        out += np.einsum("dc,bcpq->bdpq", term.channels, Y, optimize=True)
    if bias is not None:
        out[:, :, 0, 0] += bias[None, :] * Mo * No
    return out


def white_gain(rule: Rule, cache: dict) -> np.ndarray:
    """Expected output power per channel at each output frequency for white unit-variance input, relative to
    the input's: (1/D) sum_d sum_c sum_uv |Phi_dc(u',v',u,v)|^2 (Gram trick over terms; exact)."""
    D, Mo, No = rule.out_shape
    terms = rule.terms
    n = len(terms)
    Q = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            Q[i, j] = Q[j, i] = float(np.sum(terms[i].channels * terms[j].channels))
    gain = np.zeros((Mo, No))
    for i in range(n):
        for j in range(n):
            if Q[i, j] == 0:
                continue
            P = np.real(np.sum(cache[terms[i].row] * np.conj(cache[terms[j].row]), axis=1))
            R = np.real(np.sum(cache[terms[i].col] * np.conj(cache[terms[j].col]), axis=1))
            gain += Q[i, j] * np.outer(P, R)
    return gain / D


def replica_gain_db(rule: Rule, cache: dict) -> float | None:
    """For upsampling layers: power of the first replica (u' = u + M) of the low frequency u = 1 relative to
    its baseband (u' = u), along rows at v = 0, summed coherently over the rule's terms, in dB
    (0 dB: a full-strength replica; very negative: suppressed by the layer's filter)."""
    C, M, N = rule.in_shape
    D, Mo, No = rule.out_shape
    if Mo <= M:
        return None
    u = 1 if M > 1 else 0
    if u + M >= Mo:
        return None

    def response(u_out: int) -> float:
        X = sum(term.channels * cache[term.row][u_out, u] * cache[term.col][0, 0] for term in rule.terms)
        return float(np.sum(np.abs(X) ** 2))

    base = response(u)
    if base == 0:
        return None
    return db(response(u + M) / base)


def dc_boost_db(rule: Rule, cache: dict) -> float | None:
    """Zero/reflect/replicate padding: energy a constant input leaks into low non-DC output frequencies,
    relative to the output DC, in dB (circular padding: none)."""
    C, M, N = rule.in_shape
    G = np.zeros((1, C, M, N), dtype=np.complex128)
    G[:, :, 0, 0] = M * N  # a constant map of ones in every channel
    H = apply_rule(rule, G, None, cache)[0]
    power = (np.abs(H) ** 2).sum(0)
    low, _ = bands(*power.shape)
    low[0, 0] = False
    if power[0, 0] <= 0:
        return None
    leak = power[low].sum()
    return db(leak / power[0, 0]) if leak > 1e-20 * power[0, 0] else None


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel(), b.ravel()
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na > 0 and nb > 0 else float("nan")


def band_attenuation_db(power: np.ndarray) -> float:
    """10 log10(mean low-band power / mean high-band power) of a (..., M, N) power spectrum."""
    p = power.reshape(-1, *power.shape[-2:]).mean(0)
    low, high = bands(*p.shape)
    hi = p[high].mean()
    return db(p[low].mean() / hi) if hi > 0 else float("inf")


# ------------------------------------------------------------------------------------------------ audit


def trace(module: nn.Module, shape: tuple, batch: int, seed: int):
    """Leaf modules in execution order with their real inputs and outputs."""
    records = []
    hooks = []
    pending: dict[int, torch.Tensor] = {}

    def before(mod, inp):
        if inp and isinstance(inp[0], torch.Tensor):
            pending[id(mod)] = inp[0].detach().clone()  # before an in-place activation overwrites it

    def after(mod, inp, out, name):
        if id(mod) in pending and isinstance(out, torch.Tensor):
            records.append((name, mod, pending.pop(id(mod)), out.detach().clone()))

    for name, sub in module.named_modules():
        if len(list(sub.children())) == 0:
            hooks.append(sub.register_forward_pre_hook(before))
            hooks.append(sub.register_forward_hook(lambda mod, inp, out, name=name: after(mod, inp, out, name)))
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn((batch, *shape), generator=gen)
    dtype = next((p.dtype for p in module.parameters()), torch.float32)
    try:
        with torch.no_grad():
            module(x.to(dtype))
    except (RuntimeError, ValueError, TypeError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SymspecError(f"--input {'x'.join(map(str, shape))}: the module rejects this shape: {message}") from None
    finally:
        for h in hooks:
            h.remove()
    return x, records


def audit(module: nn.Module, shape: tuple, target: str = "", batch: int = 8, seed: int = 0) -> Audit:
    x, records = trace(module, shape, batch, seed)
    layers: list[LayerAudit] = []
    warnings: list[str] = []
    predicted = None  # (B, C, M, N) predicted spectra carried along the chain
    last_out = None
    for i, (name, mod, inp, out) in enumerate(records):
        spatial = inp.dim() == 4 and out.dim() == 4
        shape_in = tuple(inp.shape[1:])
        shape_out = tuple(out.shape[1:])
        op = type(mod).__name__
        if not spatial:
            layers.append(LayerAudit(i, name, op, "skipped", shape_in, shape_out,
                                     note="not a spatial (C, H, W) map: prediction restarts after it"))
            warnings.append(f"{name}: {op} is not a spatial (C, H, W) layer: skipped; the prediction restarts at "
                            f"the next spatial layer's real input")
            predicted, last_out = None, None
            continue
        treatment, rule, bias, note = map_module(mod, shape_in, shape_out)
        la = LayerAudit(i, name, op, treatment, shape_in, shape_out, note=note, rule=rule, bias=bias)
        G_meas_in = torch.fft.fft2(inp.double()).numpy()
        chained = last_out is not None and last_out.shape == inp.shape and torch.equal(last_out, inp)
        if predicted is None or not chained or predicted.shape[1:] != G_meas_in.shape[1:]:
            predicted = G_meas_in  # start (or restart) from the module's real input to this layer
            la.restarted = last_out is not None
        if rule is not None:
            if rule.out_shape != shape_out:
                raise SymspecError(f"layer {name} ({op}): the rule gives {rule.out_shape}, the module {shape_out}")
            cache = la.matrices = term_matrices(rule)
            gain = white_gain(rule, cache)
            Mo, No = gain.shape
            la.gain_db = {"dc": db(gain[0, 0]), "mid": db(gain[Mo // 4, No // 4]), "high": db(gain[Mo // 2, No // 2])}
            la.replicas_db = replica_gain_db(rule, cache)
            if isinstance(mod, nn.Conv2d) and rule.params.get("padding") in ("zero", "reflect", "replicate"):
                la.dc_boost_db = dc_boost_db(rule, cache)
            stride = rule.params.get("stride", 1) if op in ("Conv2d", "AvgPool2d") else 1
            la.aliasing = int(stride) ** 2
            predicted = apply_rule(rule, predicted, bias, cache)
        elif treatment == "skipped":
            predicted = torch.fft.fft2(out.double()).numpy()  # not modelled: carry the real output on
        la.predicted = predicted
        la.measured = torch.fft.fft2(out.double()).numpy()
        if predicted.shape == la.measured.shape:
            la.similarity = cosine(np.abs(predicted).mean(0), np.abs(la.measured).mean(0))
        layers.append(la)
        last_out = out
        warnings += advice(la, mod)
    final = [la for la in layers if la.measured is not None]
    if not final:
        raise SymspecError(f"{target}: no spatial layers found")
    att = white_network_attenuation(layers, shape)
    meas = band_attenuation_db(np.abs(final[-1].measured) ** 2)
    findings = {
        "replicas": [la.name for la in layers if la.replicas_db is not None and la.replicas_db > -20],
        "dc_boost": [la.name for la in layers if la.dc_boost_db is not None and la.dc_boost_db > -60],
        "aliasing": [la.name for la in layers if la.aliasing > 1],
        "unmapped": [la.name for la in layers if la.treatment == "skipped"],
        "attenuation_db": att,
    }
    return Audit(target, shape, layers, att, meas, warnings, findings)


def white_network_attenuation(layers: list[LayerAudit], shape: tuple) -> float:
    """High-frequency attenuation of the mapped chain for a white input: propagate random white spectra
    through the rules and compare low- and high-band power at the end (dB)."""
    gen = torch.Generator().manual_seed(1)
    G = None
    for la in layers:
        if la.rule is None:
            continue
        if G is None or G.shape[1:] != la.rule.in_shape:
            G = torch.fft.fft2(torch.randn((4, *la.rule.in_shape), generator=gen, dtype=torch.float64)).numpy()
        G = apply_rule(la.rule, G, None, la.matrices)
    if G is None:
        return 0.0
    return band_attenuation_db(np.abs(G) ** 2)


def advice(la: LayerAudit, mod: nn.Module) -> list[str]:
    out = []
    if isinstance(mod, nn.ConvTranspose2d):
        k, s = _pair(mod.kernel_size)[0], _pair(mod.stride)[0]
        if s > 1 and k % s:
            out.append(f"{la.name}: transposed conv with kernel {k} not divisible by stride {s} weights its "
                       f"replicas unevenly (checkerboard artifacts); use kernel {k + s - k % s} or resize + conv")
    if la.replicas_db is not None and la.replicas_db > -20:
        out.append(f"{la.name}: upsampling leaves replicas at {la.replicas_db:.1f} dB (Thm 4.4); follow it with a "
                   f"low-pass (bilinear upsampling or a blur) before the next conv")
    if la.dc_boost_db is not None and la.dc_boost_db > -60:
        out.append(f"{la.name}: zero padding leaks the mean into low frequencies ({la.dc_boost_db:.1f} dB, "
                   f"Thm 4.3); padding_mode='circular' or 'reflect' avoids most of it")
    if la.aliasing > 1:
        out.append(f"{la.name}: stride folds {la.aliasing} frequencies onto each output frequency (aliasing)")
    if la.treatment == "skipped":
        out.append(f"{la.name}: {la.op} is not mapped ({la.note}); the prediction carries its real output on")
    return out


def parse_fail_on(raw: str | None) -> list[tuple[str, float | None]]:
    """'attenuation>30dB,replicas' -> [('attenuation', 30.0), ('replicas', None)]."""
    if not raw:
        return []
    out = []
    for part in str(raw).split(","):
        part = part.strip().lower()
        if not part:
            continue
        if part.startswith("attenuation"):
            rest = part[len("attenuation"):].strip()
            if not rest.startswith(">"):
                raise SymspecError(f"--fail-on: expected attenuation>NdB, got {part!r}")
            number = rest[1:].strip().removesuffix("db").strip()
            try:
                out.append(("attenuation", float(number)))
            except ValueError:
                raise SymspecError(f"--fail-on: {number!r} is not a number of dB") from None
        elif part in ("replicas", "dc-boost", "aliasing", "unmapped"):
            out.append((part, None))
        else:
            raise SymspecError(f"--fail-on: unknown condition {part!r} (attenuation>NdB, replicas, dc-boost, aliasing, "
                               f"unmapped)")
    return out


def failures(result: Audit, conditions) -> list[str]:
    hits = []
    for name, threshold in conditions:
        if name == "attenuation" and result.attenuation_db > threshold:
            hits.append(f"high-frequency attenuation {result.attenuation_db:.1f} dB > {threshold:g} dB")
        key = name.replace("-", "_")
        if threshold is None and result.findings.get(key):
            hits.append(f"{name}: {', '.join(result.findings[key])}")
    return hits
