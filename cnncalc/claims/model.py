"""What a claims file holds: claims, their subjects, and the results of checking them."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..compare import QUANTITIES
from ..errors import CnnCalcError
from ..located import Loc, V
from ..solve import Solution

SUBJECT_KEYS = ("spec", "layer", "layers", "expr")
OPTION_KEYS = ("set", "input", "symbols", "kinds", "at", "dtype", "batch", "bias_macs")
ABOUT_KEYS = ("says", "source", "note", "holds", "within", "vs")
VALUE = "value"  # the one quantity of an expr subject
CLAIM_KEYS = (*ABOUT_KEYS, *SUBJECT_KEYS, *OPTION_KEYS, *QUANTITIES, VALUE)
FILE_KEYS = ("claims", "source", "notes")
WORDS = ("less", "greater", "equal", "at_most", "at_least")  # relations of a quantity to the vs subject's
MEASURES = ("ratio", "difference")  # relations with a stated value: this / that, this - that


@dataclass(frozen=True)
class Subject:
    """What a claim is about: a network (spec, layer, layers) or an expression."""

    kind: str  # one of SUBJECT_KEYS
    value: V  # the spec name/path/mapping (or parsed Spec), the {kind: args} layer, the layer list, the expression
    set: tuple = ()  # (name, V) pairs: symbols and constants given values
    input: V | None = None
    symbols: tuple = ()
    kinds: tuple | None = None  # only rows of these layer kinds count
    at: str | None = None  # only this row counts
    dtype: str = "fp32"
    batch: int = 1
    bias_macs: bool = False
    variant: str | None = None  # for a spec file's own expectations
    base: str | None = None  # directory of the claims file, for relative spec paths


@dataclass(frozen=True)
class Claim:
    says: str
    source: str | None
    note: str | None
    holds: bool  # what the file says about the statement
    within: Fraction | None  # relative tolerance for numeric comparisons
    subject: Subject
    other: Subject | None  # the `vs` subject of relations
    checks: tuple  # (quantity, V) pairs, in the file's order
    loc: Loc


@dataclass(frozen=True)
class Rounded:
    """A stated value written rounded, '144M': any value that rounds to it matches."""

    text: str
    low: Fraction
    high: Fraction


@dataclass(frozen=True)
class Check:
    quantity: str
    stated: Any  # a size, shape, Rounded, or for relations a word or (measure, value)
    computed: Any  # the subject's value
    truth: bool | None  # None: symbols leave it open
    other: Any = None  # the vs subject's value
    relation: str | None = None  # None, one of WORDS, or one of MEASURES
    measured: Any = None  # the computed ratio or difference


@dataclass(frozen=True)
class Result:
    claim: Claim
    checks: tuple = ()
    error: CnnCalcError | None = None
    suggestion: Solution | None = None  # a wrong layer output: the padding that gives the stated one

    @property
    def truth(self) -> bool | None:
        """Whether the statement is true: False if any check fails, None if one is open."""
        if self.error is not None:
            return None
        truths = [check.truth for check in self.checks]
        return False if False in truths else None if None in truths else True

    @property
    def passed(self) -> bool:
        """The statement is as true (or as false) as the file says."""
        return self.truth is not None and self.truth == self.claim.holds
