"""Claims: statements from notes or designs, each checked against what cnncalc computes.

A claims file is YAML (``claims: [...]``), or a Markdown note whose ```` ```cnncalc ````
fenced blocks hold claims, or a spec file (its ``expect:`` entries become claims). Each
claim quotes what it checks (``says``), names a subject (a network by ``spec:``, one
``layer:``, inline ``layers:``, or an arithmetic ``expr:``) and states quantities of it
(``params: 61706``), or relations to a second subject (``vs: one-5x5`` with
``params: {ratio: 18/25}``). ``holds: false`` marks a statement the notes get wrong: the
claim is then as the file says only if cnncalc finds it false. docs/claims.md is the
reference; the pipeline is file -> YAML values -> Claim -> Result, and nothing here prints.
"""

from __future__ import annotations

from .check import check_claim, check_claims, check_file
from .measure import measure
from .model import VALUE, Check, Claim, Result, Rounded, Subject
from .read import expectations, parse_claims, parse_markdown, read_claims

__all__ = [
    "VALUE",
    "Check",
    "Claim",
    "Result",
    "Rounded",
    "Subject",
    "check_claim",
    "check_claims",
    "check_file",
    "expectations",
    "measure",
    "parse_claims",
    "parse_markdown",
    "read_claims",
]
