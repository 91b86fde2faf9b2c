"""What ``symspec audit TARGET`` may run, and running it.

A target is ``package.module:Name`` (imported with the installed packages ahead of the working directory, so a
local ``matplotlib.py`` cannot replace matplotlib; Python's own modules are refused before import) or
``path/to/file.py:Name`` (that file, executed as a module).  Name is then instantiated only when it is

- an ``nn.Module`` subclass (checked before the call),
- a function or classmethod annotated to return an ``nn.Module`` subclass (torchvision's and timm's builders
  are; string annotations are resolved as dotted names, never evaluated), or
- a function defined in the ``.py`` file the user named by path;

an ``nn.Module`` instance is used as it is.  Anything else (``pickle:loads``, ``pandas:read_pickle``,
``os:system``) is refused before it is called, naming the target and this rule; ``--allow-callable`` opts in
to calling any other callable.  ``--args`` must bind to the signature before anything is called.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import json
import os
import re
import sys
import typing
from pathlib import Path
from typing import Any, Callable

from torch import nn

from ..errors import SymspecError
from .arguments import regular_file
from .usercode import one_line, out_of_memory, refuse

# Top-level packages that hold no decoder factories: their classes may be named (torch.nn:Upsample), their
# functions may not, whatever they are annotated to return (torch.hub:load runs code from the network).
INFRASTRUCTURE = frozenset(
    {
        "symspec",
        "torch",
        "numpy",
        "sympy",
        "click",
        "rich",
        "yaml",
        "safetensors",
        "matplotlib",
        "PIL",
        "pip",
        "setuptools",
        "pkg_resources",
        "pytest",
        "_pytest",
        "hypothesis",
        "IPython",
    }
)
RULE = (
    "symspec instantiates only an nn.Module class, a function annotated to return one, or a function in "
    "a .py file named by path (./decoders.py:make); --allow-callable calls any other callable"
)
PATH_TARGET = re.compile(r"^(?P<path>.+\.py):(?P<attr>[^:/\\]*)$")
DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
MAX_SOURCE_BYTES = 16 << 20


def is_path_target(target: str) -> bool:
    return PATH_TARGET.match(target) is not None


# ------------------------------------------------------------------------------------------------ imports


def demote_working_directory() -> None:
    """Put the working directory last on the import path (``python -m`` and some tools put it first):
    installed packages then win over a local file named like one, and a decoder module there is still
    found."""
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:  # the working directory was deleted
        return
    here = [p for p in sys.path if os.path.realpath(p or ".") == cwd]
    sys.path[:] = [p for p in sys.path if p not in here] + [cwd]
    importlib.invalidate_caches()


def _run_import(what: str, action: Callable[[], Any]):
    try:
        return action()
    except (SymspecError, KeyboardInterrupt):
        raise
    except SystemExit as exc:
        raise SymspecError(f"cannot import {what}: importing it called sys.exit({exc.code!r})") from None
    except ModuleNotFoundError as exc:
        raise SymspecError(f"cannot import {what}: {exc}") from None
    except BaseException as exc:  # noqa: BLE001 - whatever the user's module raises is bad input
        raise SymspecError(f"cannot import {what}: importing it raised {one_line(exc)}") from None


def import_module(module_name: str):
    """Import the module named by a target, refusing names that cannot hold a decoder before importing."""
    if not module_name or not all(part.isidentifier() for part in module_name.split(".")):
        raise SymspecError(f"{module_name!r} is not a module name like package.module")
    top = module_name.partition(".")[0]
    if top in sys.stdlib_module_names or top in ("__main__", "symspec"):
        raise SymspecError(
            f"{module_name!r} is {'symspec itself' if top == 'symspec' else 'part of Python'}, "
            f"not a module with a decoder"
        )
    demote_working_directory()
    return _run_import(repr(module_name), lambda: importlib.import_module(module_name))


def _file_module_name(path: Path) -> str:
    """The stem where that name is free (or already this file), else a private name: a file called numpy.py
    must not become ``numpy`` for everything imported later."""
    stem = path.stem
    if stem.isidentifier() and stem not in sys.stdlib_module_names and stem != "symspec":
        loaded = sys.modules.get(stem)
        if loaded is not None:
            if os.path.realpath(getattr(loaded, "__file__", "") or "") == str(path):
                return stem
        else:
            try:
                found = importlib.util.find_spec(stem)
            except (ImportError, ValueError):
                found = None
            if found is None or os.path.realpath(found.origin or "") == str(path):
                return stem
    return "symspec_file_" + re.sub(r"\W", "_", stem)


def import_file(raw: str):
    """Execute the ``.py`` file the user named as a module (its folder goes last on the import path, so that
    it can import its neighbours and cannot shadow installed packages)."""
    regular_file(raw, "Python file", limit=MAX_SOURCE_BYTES)
    path = Path(os.path.realpath(raw))
    name = _file_module_name(path)
    if os.path.realpath(getattr(sys.modules.get(name), "__file__", "") or "") == str(path):
        return sys.modules[name]
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module

    def execute():
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module

    return _run_import(repr(raw), execute)


def lookup(target: str) -> tuple[Any, str, bool]:
    """The object a target names, the name of the module it was found in, and whether that module is a file
    the user named by path."""
    found = PATH_TARGET.match(target)
    if found:
        module, module_name, attr = import_file(found["path"]), found["path"], found["attr"]
    elif ":" in target:
        module_name, _, attr = target.partition(":")
        module_name = module_name.strip()
        module = import_module(module_name)
    else:
        raise SymspecError(
            f"{target!r} is neither a spec file nor an import path like "
            f"package.module:Decoder or ./decoders.py:Decoder"
        )
    obj = module
    for part in attr.split("."):
        if not part.isidentifier():
            raise SymspecError(f"{module_name!r} has no attribute {attr!r}")
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise SymspecError(f"{module_name!r} has no attribute {attr!r}") from None
        except (SymspecError, KeyboardInterrupt):
            raise
        except BaseException as exc:  # noqa: BLE001 - a module __getattr__ of the user's
            raise SymspecError(f"{target}: looking up {part!r} raised {one_line(exc)}") from None
    return obj, module.__name__, bool(found)


# --------------------------------------------------------------------------------------------- the rule


def _named_class(text: str, namespace: dict) -> Any:
    """A string annotation resolved as a dotted name in the function's globals (never evaluated)."""
    if not DOTTED.match(text.strip()):
        return None
    first, *rest = text.strip().split(".")
    import builtins

    obj = namespace.get(first, getattr(builtins, first, None))
    for part in rest:
        try:
            obj = getattr(obj, part, None)
        except Exception:  # noqa: BLE001 - a property or __getattr__ that raises: no class
            return None
    return obj


def returned_class(obj: Any) -> Any:
    """The class a function or method is annotated to return (``Self`` on a classmethod: its class), the text
    of a string annotation that is not a dotted name of an object, or None."""
    func = getattr(obj, "__func__", obj)
    try:
        annotation = (getattr(func, "__annotations__", None) or {}).get("return")
    except Exception:  # noqa: BLE001
        return None
    if isinstance(annotation, str):
        annotation = _named_class(annotation, getattr(func, "__globals__", {})) or annotation
    owner = getattr(obj, "__self__", None)
    if annotation is getattr(typing, "Self", object()) or repr(annotation) == "typing_extensions.Self":
        return owner if isinstance(owner, type) else None
    return annotation


def refusal(obj: Any, module_name: str, by_path: bool) -> str | None:
    """None where the rule lets ``obj`` be called, else what it is (for the message)."""
    if isinstance(obj, type):
        return None if issubclass(obj, nn.Module) else "a class that does not subclass torch.nn.Module"
    func = obj.__func__ if inspect.ismethod(obj) else obj
    if not inspect.isfunction(func):
        return f"a {type(obj).__name__}, not a class or a function"
    origin = str(getattr(func, "__module__", None) or "?")
    if by_path:
        return None if origin == module_name else f"a function from {origin!r}, not one defined in that file"
    top = module_name.partition(".")[0]
    if origin.partition(".")[0] != top:
        return f"a function from {origin!r}, not one defined in {module_name!r}"
    if top in INFRASTRUCTURE:
        return f"a function of {top}, which holds no decoder factories"
    returned = returned_class(obj)
    if returned is None or returned is inspect.Signature.empty:
        return "a function not annotated to return an nn.Module"
    if not (isinstance(returned, type) and issubclass(returned, nn.Module)):
        shown = returned if isinstance(returned, str) else getattr(returned, "__name__", repr(returned))
        return f"a function annotated to return {shown[:60]!r}"
    return None


def resolve(target: str, args: dict, allow_callable: bool = False) -> nn.Module | Callable[[], nn.Module]:
    """'pkg.module:Name' or './file.py:Name' -> a module instance, or a builder calling Name(**args) once
    vetted.

    Nothing is called here: the object is checked against the rule (module docstring) and ``args`` are bound
    to its signature."""
    obj, module_name, by_path = lookup(target)
    if isinstance(obj, nn.Module):
        if args:
            raise SymspecError(
                f"--args: {target} is a module instance; only a class or a factory takes arguments"
            )
        return obj
    if not callable(obj):
        raise SymspecError(f"{target} is a {type(obj).__name__}, not a module class or factory: {RULE}")
    why = refusal(obj, module_name, by_path)
    if why is not None and not allow_callable:
        raise SymspecError(f"{target} is {why}: {RULE}")
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        signature = None
    if signature is not None:
        try:
            signature.bind(**args)
        except TypeError as exc:
            raise SymspecError(f"{target}(**{json.dumps(args)}) failed: {exc}") from None
    return functools.partial(obj, **args)


def build(target: str, builder: Callable[[], nn.Module]) -> nn.Module:
    """Call a vetted builder; whatever the user's code raises (or a sys.exit) is bad input naming the
    target."""
    try:
        built = builder()
    except (SymspecError, KeyboardInterrupt):
        raise
    except SystemExit as exc:
        raise SymspecError(f"{target} called sys.exit({exc.code!r}) while building the module") from None
    except BaseException as exc:  # noqa: BLE001
        call = f"{target}(**{json.dumps(getattr(builder, 'keywords', {}))})"
        if out_of_memory(exc):
            raise refuse(call, "building the module", exc) from None
        raise SymspecError(f"{call} failed: {one_line(exc)}") from None
    if not isinstance(built, nn.Module):
        raise SymspecError(f"{target} returned {type(built).__name__}, not an nn.Module")
    return built
