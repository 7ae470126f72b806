"""Shared fixtures.  Unit tests use the tiny hashing encoder (fast, deterministic);
tests marked ``model`` load the real all-MiniLM-L6-v2 weights (they run in CI too)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
SEED_SUMMARY = SHARED / "samples" / "seed-summary.txt"
EVAL_DIR = SHARED / "eval"


@pytest.fixture(scope="session")
def fast_engine():
    from provenance.pipeline import Engine
    from provenance.settings import Settings

    return Engine(Settings(encoder="hashing", use_checker=False))


@pytest.fixture(scope="session")
def real_engine():
    from provenance.pipeline import get_engine
    from provenance.settings import Settings

    return get_engine(Settings())


def _load_report_fixtures():
    """tests/fixtures/report/reports.py (not a package): the renderers' frozen reports."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("report_fixtures", ROOT / "tests" / "fixtures" / "report" / "reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


report_fixtures = _load_report_fixtures()


def sample_names() -> list[str]:
    return sorted(p.name for p in SAMPLES.iterdir() if (p / "expected.json").exists())


def load_sample(name: str) -> tuple[str, str, dict]:
    d = SAMPLES / name
    return (d / "summary.txt").read_text(), (d / "source.txt").read_text(), json.loads((d / "expected.json").read_text())


def seed_summary_text() -> str:
    if not SEED_SUMMARY.exists():
        pytest.skip(f"the seed summary is not at {SEED_SUMMARY} (it lives in ../shared beside the checkout)")
    return SEED_SUMMARY.read_text()
