import json

from click.testing import CliRunner

from conftest import load_sample

from provenance.cli import main
from provenance.errors import ExitCode

FAST = ["--encoder", "hashing", "--no-checker", "-q"]


def _pairs(tmp_path, extra_lines=()):
    path = tmp_path / "pairs.jsonl"
    lines = []
    for name in ("council-budget", "cup-semifinal", "city-trees"):
        summary, source, _ = load_sample(name)
        lines.append(json.dumps({"id": name, "summary": summary, "source": source}))
    path.write_text("\n".join([*lines, *extra_lines]) + "\n")
    return path


def test_batch_writes_one_report_per_pair(tmp_path):
    out = tmp_path / "results.jsonl"
    res = CliRunner().invoke(main, ["batch", str(_pairs(tmp_path)), "-o", str(out), *FAST])
    assert res.exit_code == ExitCode.OK, res.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["council-budget", "cup-semifinal", "city-trees"]
    for r in rows:
        assert r["format_version"] and r["statements"]


def test_batch_reports_malformed_lines_and_goes_on(tmp_path):
    out = tmp_path / "results.jsonl"
    bad = ["{not json", json.dumps({"id": "x", "summary": "only a summary"}), json.dumps([1, 2]),
           json.dumps({"id": "council-budget", "summary": "a", "source": "b"})]
    res = CliRunner().invoke(main, ["batch", str(_pairs(tmp_path, bad)), "-o", str(out), *FAST])
    assert res.exit_code == ExitCode.OK
    assert "line 4: not valid JSON" in res.output
    assert "line 5: missing or empty source" in res.output
    assert "line 6: expected a JSON object" in res.output
    assert "line 7: duplicate id" in res.output
    assert len(out.read_text().splitlines()) == 3


def test_batch_fail_on(tmp_path):
    out = tmp_path / "results.jsonl"
    res = CliRunner().invoke(main, ["batch", str(_pairs(tmp_path)), "-o", str(out), "--fail-on", "invented", *FAST])
    assert res.exit_code == ExitCode.FINDINGS


def test_batch_missing_input_leaves_no_output(tmp_path):
    out = tmp_path / "results.jsonl"
    res = CliRunner().invoke(main, ["batch", str(tmp_path / "nope.jsonl"), "-o", str(out), *FAST])
    assert res.exit_code == ExitCode.USAGE
    assert "not found" in res.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_batch_matches_single_compare(tmp_path, fast_engine):
    """Batching across pairs must not change any result."""
    from provenance.records import Document

    out = tmp_path / "results.jsonl"
    CliRunner().invoke(main, ["batch", str(_pairs(tmp_path)), "-o", str(out), *FAST])
    rows = {json.loads(line)["id"]: json.loads(line) for line in out.read_text().splitlines()}
    summary, source, _ = load_sample("cup-semifinal")
    single = fast_engine.compare(Document(summary), Document(source))
    assert [v.label.value for v in single.verdicts] == [s["label"] for s in rows["cup-semifinal"]["statements"]]
