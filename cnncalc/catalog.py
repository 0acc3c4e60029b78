"""Where specs live: the built-in architectures by name, include files, the prelude."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .errors import SpecError, did_you_mean

BLOCKS_DIR = "blocks"
PRELUDE = "prelude.yaml"


@cache
def architectures_dir() -> Path:
    """The built-in specs: inside the installed package, or at the top of a source checkout."""
    installed = Path(__file__).parent / "architectures"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "architectures"


_VARIANT_SECTION = re.compile(r"^variants:[ \t]*(?:#.*)?\n((?:[ \t]+\S.*\n?|[ \t]*(?:#.*)?\n)*)", re.M)
_VARIANT_NAME = re.compile(r"^([ \t]+)([A-Za-z_]\w*)[ \t]*:", re.M)


def _variants_in(text: str) -> list[str]:
    """Variant names in a spec's text, read without parsing the YAML (for fast look-up)."""
    section = _VARIANT_SECTION.search(text)
    if not section:
        return []
    names = _VARIANT_NAME.findall(section.group(1))
    if not names:
        return []
    indent = min(len(spaces) for spaces, _ in names)
    return [name for spaces, name in names if len(spaces) == indent]


@cache
def builtins() -> dict[str, tuple[Path, str | None]]:
    """Every built-in name -> (file, variant); a file without variants is its own name."""
    found: dict[str, tuple[Path, str | None]] = {}
    for path in sorted(architectures_dir().glob("*.yaml")):
        variants = _variants_in(path.read_text(encoding="utf-8"))
        if variants:
            found.update({name: (path, name) for name in variants})
        else:
            found[path.stem] = (path, None)
    return found


def find(name: str) -> tuple[Path, str | None]:
    """The file (and variant) for a built-in name, a path to a spec file, or a path with
    one of its variants: `family.yaml#small`."""
    base, hash_, variant = name.rpartition("#")
    if hash_ and base.endswith((".yaml", ".yml")):
        path, _ = find(base)
        return path, variant
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        if not path.is_file():
            raise SpecError(f"no such spec file: {name}")
        return path, None
    direct = architectures_dir() / f"{name}.yaml"
    if direct.is_file():
        return direct, None
    known = builtins()
    if name in known:
        return known[name]
    raise SpecError(
        f"unknown architecture '{name}'",
        hint=did_you_mean(name, list(known)) or "run 'cnncalc list' to see the built-in ones, or give a .yaml file",
    )


def resolve_include(text: str, from_file: str | None) -> Path | None:
    """An include is a path relative to the including file, or a built-in blocks file by name."""
    candidates = []
    if from_file is not None:
        candidates.append(Path(from_file).parent / text)
    candidates.append(architectures_dir() / BLOCKS_DIR / text)
    candidates.append(architectures_dir() / BLOCKS_DIR / f"{text}.yaml")
    return next((path for path in candidates if path.is_file()), None)


@cache
def prelude():
    """Built-in blocks every spec may use (e.g. `separable`), read on first use."""
    from .spec import load_file

    return load_file(architectures_dir() / BLOCKS_DIR / PRELUDE)
