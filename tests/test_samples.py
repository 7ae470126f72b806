"""The shipped samples, end to end on the real models: every statement gets the
label written down for it in expected.json, and the JSON report matches its
golden file (volatile parts scrubbed).  Regenerate goldens on purpose with
PROVENANCE_REGEN_GOLDEN=1."""

import json
import os

import pytest

from conftest import ROOT, load_sample, sample_names

from provenance.records import Document
from provenance.report.json import to_dict

GOLDEN = ROOT / "tests" / "golden"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def reports(real_engine):
    out = {}
    for name in sample_names():
        summary, source, expected = load_sample(name)
        out[name] = (real_engine.compare(Document(summary, origin=f"samples/{name}/summary.txt"),
                                         Document(source, origin=f"samples/{name}/source.txt")), expected)
    return out


@pytest.mark.parametrize("name", sample_names())
def test_every_statement_gets_its_written_label(reports, name):
    report, expected = reports[name]
    got = [(v.statement.text, v.label.value) for v in report.verdicts]
    want = [(s["text"], s["label"]) for s in expected["statements"]]
    assert got == want
    assert list(report.summary.cited_urls) == ([expected["cited_url"]] if expected["cited_url"] else [])


@pytest.mark.parametrize("name", sample_names())
def test_expected_changes_are_shown(reports, name):
    report, expected = reports[name]
    for v, exp in zip(report.verdicts, expected["statements"]):
        if "change" not in exp:
            continue
        kind, summary_text, source_text = exp["change"]
        kinds = {c.kind for c in v.changes}
        assert kind in kinds, (v.statement.text, v.changes)
        if summary_text:
            c = next(c for c in v.changes if c.kind == kind)
            assert c.summary_text == summary_text and c.source_text == source_text


def test_faithful_paraphrase_has_no_altered_or_invented(reports):
    report, _ = reports["city-trees"]
    assert report.counts["altered"] == report.counts["invented"] == 0


def _scrub(obj):
    """Round scores (float noise across CPUs); drop the tool version and the date checked."""
    if isinstance(obj, dict):
        return {k: _scrub(v) for k, v in obj.items() if k not in ("version", "checked_at")}
    if isinstance(obj, list):
        return [_scrub(v) for v in obj]
    if isinstance(obj, float):
        return round(obj, 1)
    return obj


@pytest.mark.parametrize("name", sample_names())
def test_golden_json(reports, name):
    report, _ = reports[name]
    data = _scrub(to_dict(report))
    path = GOLDEN / f"{name}.json"
    if os.environ.get("PROVENANCE_REGEN_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        if not os.environ.get("PROVENANCE_REGEN_GOLDEN"):
            pytest.fail(f"golden file {path.name} was missing and has been written: check it and commit it")
    assert data == json.loads(path.read_text())
