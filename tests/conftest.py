import json
import os
import sys

# the console scripts of the interpreter running the tests (a virtual environment need not be activated)
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")

# symspec's tensors are small: one intra-op thread, as the CLI uses (set before anything imports torch)
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

# A CUDA torchvision beside the CPU torch cannot load its compiled ops ("operator torchvision::nms does not
# exist"), and smp (via timm), compressai and diffusers import it: declare the two schemas its Python side
# registers fake kernels for, before anything imports it (the same guarded shim as symspec/audit/compat.py).
try:
    import torchvision  # noqa: E402,F401
except RuntimeError as _exc:
    if "operator torchvision::nms does not exist" not in str(_exc):
        raise
    import sys as _sys

    for _name in [m for m in _sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del _sys.modules[_name]
    import torch as _torch  # noqa: E402

    _TORCHVISION_SHIM = _torch.library.Library("torchvision", "DEF")
    _TORCHVISION_SHIM.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    _TORCHVISION_SHIM.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
except ImportError:
    pass

import pytest  # noqa: E402

from symspec.cli import main


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (pyproject's addopts): one worker process per available core, at most 8.  Each worker runs
    torch on one thread, so the suite uses the cores it is given and no more; ``-n 0`` runs in one process."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(8, cores))


class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def run_cli(capsys):
    """Run the real entry point (with its error handling) and capture exit code, stdout and stderr."""

    def _run(*args):
        capsys.readouterr()
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(exc.value.code, captured.out, captured.err)

    return _run


# Property tests explore new examples locally; in CI (CI=true) they replay a fixed, derandomised set so that a
# red build always points at a reproducible example.
import os  # noqa: E402

from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    _hyp_settings.load_profile("ci")


def pytest_sessionfinish(session):
    """A worker's last step stops the cyclic garbage collector.  The controller ends each worker as soon as it
    reports its session finished, and execnet gives the worker 5 s before it sends the worker a SIGINT;
    after torch, SymPy and the whole suite, each full collection walks a heap of millions of objects (0.4 s
    each on a busy two-core machine, and teardown triggers several), so the worker overran that grace and
    the SIGINT landed in hypothesis's GC callback ("Exception ignored in: gc_callback ... KeyboardInterrupt").
    What the worker frees from here on goes by reference counting; the process exits right after."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        import gc

        gc.disable()
        gc.freeze()
