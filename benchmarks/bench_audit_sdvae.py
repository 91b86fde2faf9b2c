"""Benchmark: `symspec.audit` on the full Stable-Diffusion VAE decoder layout against one plain forward pass.

    python3 benchmarks/bench_audit_sdvae.py [--norm spectral] [--norm-tol 5e-2] [--latent 64]

diffusers' ``Decoder`` with block_out_channels=[128, 256, 512, 512], layers_per_block=2 (the SD-VAE layout,
random init), latent 4x64x64 -> 3x512x512, batch 1, one thread.  Each side runs in its own fresh interpreter
(so peak memory is its own), both in this one run: wall time, peak resident memory above the
built model, and the ratio.
Targets: the default audit <= 2x the forward pass and < 4 GiB; with --norm spectral <= 3x.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time


def build():
    from symspec.audit.compat import ensure_torchvision

    ensure_torchvision()
    import torch
    from diffusers.models.autoencoders.vae import Decoder

    torch.manual_seed(0)
    return Decoder(
        in_channels=4,
        out_channels=3,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(128, 256, 512, 512),
        layers_per_block=2,
        norm_num_groups=32,
    ).eval()


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(mode: str, latent: int, norm: str, tol: float | None) -> None:
    import torch

    torch.set_num_threads(1)
    model = build()
    base = rss_mib()
    start = time.perf_counter()
    if mode == "forward":
        with torch.no_grad():
            model(torch.randn(1, 4, latent, latent, generator=torch.Generator().manual_seed(0)))
        extra = {}
    else:
        import symspec

        report = symspec.audit(model, (1, 4, latent, latent), norm=norm, norm_tol=tol)
        extra = {
            "nodes": len(report.nodes),
            "upsampling": len(report.findings["upsampling"]),
            "conv2d": report.count(op="conv2d"),
            "seconds": report.seconds,
            "replicas_db": [round(n.replica["level_db"], 1) for n in report.nodes if n.replica],
            "widths": [  # each conv layer's certified interval: upper / lower - 1
                n.norms["zero_pad"]["upper"] / n.norms["zero_pad"]["lower"] - 1
                for n in report.nodes
                if n.norms and n.norms.get("zero_pad")
            ],
        }
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB (Linux)
    print(json.dumps({"wall_s": wall, "peak_mib": peak, "model_mib": base, **extra}))


def main() -> None:
    args = sys.argv[1:]
    norm = args[args.index("--norm") + 1] if "--norm" in args else "mean"
    latent = int(args[args.index("--latent") + 1]) if "--latent" in args else 64
    tol = float(args[args.index("--norm-tol") + 1]) if "--norm-tol" in args else None
    if "--child" in args:
        child(args[args.index("--child") + 1], latent, norm, tol)
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    results = {}
    for mode in ("forward", "audit"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--latent", str(latent), "--norm", norm]
            + ([] if tol is None else ["--norm-tol", str(tol)]),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        results[mode] = json.loads(out.stdout.strip().splitlines()[-1])
    f, a = results["forward"], results["audit"]
    print(
        f"SD-VAE decoder, latent 4x{latent}x{latent} -> 3x{8 * latent}x{8 * latent}, batch 1, 1 thread, "
        f"--norm {norm}"
    )
    print(
        f"  forward pass : {f['wall_s']:7.1f} s, peak RSS {f['peak_mib'] / 1024:5.2f} GiB "
        f"({(f['peak_mib'] - f['model_mib']) / 1024:.2f} GiB above the model)"
    )
    print(
        f"  symspec audit: {a['wall_s']:7.1f} s, peak RSS {a['peak_mib'] / 1024:5.2f} GiB "
        f"({(a['peak_mib'] - a['model_mib']) / 1024:.2f} GiB above the model)  "
        f"[trace {a['seconds']['trace_s']:.1f} s, analysis {a['seconds']['analysis_s']:.1f} s]"
    )
    print(
        f"  ratio audit / forward: {a['wall_s'] / f['wall_s']:.2f}x (target <= 2x; 3x with spectral norms); "
        f"{a['nodes']} nodes, {a['conv2d']} conv2d, {a['upsampling']} upsampling nodes, "
        f"replicas {a['replicas_db']} dB"
    )
    if a["widths"]:
        w = sorted(a["widths"])
        print(
            f"  certified intervals: {len(w)} conv layers, width upper/lower - 1 "
            f"median {w[len(w) // 2]:.2%}, "
            f"max {w[-1]:.2%}"
        )


if __name__ == "__main__":
    main()
