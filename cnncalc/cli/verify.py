"""`cnncalc verify`: the algebra against the NumPy reference, for one spec or all built-ins."""

from __future__ import annotations

import re
import sys
import time as clock
from typing import List, Optional

import typer

from ..errors import CnnCalcError, SpecError
from .common import INPUT_HELP, SET_HELP, SPEC_HELP, check_format, fail, parse_shape, parse_values

VERIFY_FORMATS = ("table", "json")
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6, "mib": 2**20, "g": 10**9, "gb": 10**9, "gib": 2**30}


def parse_bytes(text: str) -> int:
    """'4GiB', '512MiB', '2G', '1000000' -> bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise SpecError(f"cannot read the memory limit '{text}'", expected="a size such as 4GiB, 512MiB or 2G")
    value = int(float(match.group(1)) * _UNITS[unit])
    if value < 1:
        raise SpecError(f"the memory limit '{text}' must be positive")
    return value


def verify(
    spec: Optional[str] = typer.Argument(None, help=SPEC_HELP),
    all_: bool = typer.Option(False, "--all", help="Verify every built-in architecture (see 'cnncalc list')."),
    set_: Optional[List[str]] = typer.Option(
        None, "--set", "-s", help=SET_HELP + " Symbols left unset take the first of 8, 16, 32, 64, 128, 224 at which the network builds."
    ),
    input: Optional[str] = typer.Option(None, "--input", "-i", help=INPUT_HELP),
    batch: int = typer.Option(1, "--batch", "-b", min=1, help="Samples in the reference's random input."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random input and weights."),
    time: bool = typer.Option(False, "--time", help="Also time the reference forward (median of 5): forward_seconds."),
    max_memory: str = typer.Option("4GiB", "--max-memory", help="Refuse to run a forward that would need more memory than this."),
    format: str = typer.Option("table", "--format", "-f", help="Output format: table or json."),
) -> None:
    """Run the NumPy reference and show, layer by layer, that it agrees with the algebra:
    shape, params, buffers, MACs and receptive field. Exit 1 on any disagreement."""
    from ..render import verify as views
    from ..verify import verify as run_verify

    try:
        if check_format(format) not in VERIFY_FORMATS:
            raise SpecError(f"verify has no '{format}' format", expected=" or ".join(VERIFY_FORMATS))
        limit = parse_bytes(max_memory)
        if all_ == (spec is not None):
            raise SpecError("give a SPEC or --all, not both" if all_ else "give a SPEC to verify, or --all")
        if all_ and (set_ or input):
            raise SpecError("--set and --input apply to one spec, not to --all")
        values, shape = parse_values(set_ or []), parse_shape(input)
        if not all_:
            result = run_verify(spec, values=values, input=shape, batch=batch, seed=seed, time=time, max_memory=limit)
    except CnnCalcError as error:
        fail(error)
    if not all_:
        if format == "json":
            sys.stdout.write(views.render_json(result) + "\n")
        else:
            views.print_table(result)
        raise typer.Exit(0 if result.agrees else 1)
    _verify_all(batch, seed, time, limit, format)


def _verify_all(batch: int, seed: int, time: bool, limit: int, format: str) -> None:
    from ..catalog import builtins
    from ..render import verify as views
    from ..verify import verify as run_verify

    names = list(builtins())
    entries = []
    with views.progress(len(names), enabled=format == "table") as advance:
        for name in names:
            start = clock.perf_counter()
            try:
                result, error = run_verify(name, batch=batch, seed=seed, time=time, max_memory=limit), None
            except CnnCalcError as failure:
                result, error = None, str(failure)
            entries.append((name, result, error, clock.perf_counter() - start))
            advance(name)
    if format == "json":
        sys.stdout.write(views.render_all_json(entries) + "\n")
    else:
        views.print_all(entries)
    # A built-in that cannot be verified is a failure of the check, as a disagreement is.
    raise typer.Exit(0 if all(v is not None and v.agrees for _, v, _, _ in entries) else 1)
