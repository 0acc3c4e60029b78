"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnncalc.graph import build
from cnncalc.spec import parse_text

ROOT = Path(__file__).resolve().parent.parent


def network(text: str, **options):
    """A Graph from spec text written in a test."""
    return build(parse_text(text, "test.yaml"), **options)


@pytest.fixture
def root() -> Path:
    return ROOT
