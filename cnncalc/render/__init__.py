"""Presentation: formatting only. Every number shown is one the library already computed.

This module holds the number formatting all views share; each command's views live in their
own module (`report` for summary and list). rich is imported only where a table is printed.
"""

from __future__ import annotations

import os

from ..layers import Field
from ..symbolic import Size, is_concrete, to_text

FORMATS = ("table", "json", "markdown", "csv")
PIPED_WIDTH = 400


def stdout_console():
    """A rich console on stdout. Piped into a file or another program (and COLUMNS unset),
    tables take the width they need instead of 80 columns, so no number is folded."""
    from rich.console import Console

    console = Console(emoji=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPED_WIDTH
    return console


def exact(value: Size) -> str:
    """61,706 for integers, the formula for symbolic values."""
    return f"{value:,}" if type(value) is int else to_text(value)


def exact_and_human(value: Size) -> str:
    """61,706 (61.7K); a formula alone."""
    return f"{exact(value)} ({human(value)})" if is_concrete(value) else exact(value)


def human(value: Size) -> str:
    """Three significant digits with a K/M/G/T suffix: 61.7K, 4.09G."""
    if not is_concrete(value):
        return to_text(value)
    for suffix, scale in (("T", 10**12), ("G", 10**9), ("M", 10**6), ("K", 10**3)):
        if abs(value) >= scale:
            return f"{float(value) / scale:.3g}{suffix}"
    return to_text(value)


def human_bytes(value: Size) -> str:
    if not is_concrete(value):
        return to_text(value)
    for suffix, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= scale:
            return f"{float(value) / scale:.3g} {suffix}"
    return f"{to_text(value)} B"


def axes_text(values: tuple) -> str:
    """'5' when every axis agrees, '7x1' otherwise."""
    if not values:
        return "-"
    texts = [to_text(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)


def field_text(field: Field) -> str:
    if not field.known:
        return "?"
    return axes_text(field.size) + (" (all)" if field.whole else "")


