"""Every command through click's CliRunner: exit codes and messages, not only that it ran."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES

from provenance.cli import main
from provenance.errors import ExitCode

FAST = ["--encoder", "hashing", "--no-checker"]
SUMMARY = str(SAMPLES / "council-budget" / "summary.txt")
SOURCE = str(SAMPLES / "council-budget" / "source.txt")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_compare_json(tmp_path):
    out = tmp_path / "r.json"
    res = run("compare", SUMMARY, SOURCE, "--format", "json", "-o", str(out), *FAST)
    assert res.exit_code == ExitCode.OK, res.output
    data = json.loads(out.read_text())
    assert data["format_version"]
    assert data["summary"]["cited_urls"] == ["https://riverton-gazette.example/2026/03/council-budget"]
    assert sum(data["counts"].values()) == len(data["statements"]) == 8
    text = data["summary"]["text"]
    for st in data["statements"]:
        assert text[st["start"] : st["end"]] == st["text"]
        for ev in st["evidence"]:
            assert data["source"]["text"][ev["start"] : ev["end"]] == ev["text"]


def test_compare_terminal_to_stdout():
    res = run("compare", SUMMARY, SOURCE, *FAST)
    assert res.exit_code == 0
    assert "Verdict:" in res.output and "SUPPORTED" in res.output


def test_stdin_summary():
    res = run("compare", "-", SOURCE, "--format", "json", *FAST,
              input="The council approved a $48 million budget on Tuesday.\n")
    assert res.exit_code == 0
    assert json.loads(res.output)["summary"]["origin"] == "<stdin>"


def test_fail_on_exit_code():
    res = run("compare", SUMMARY, SOURCE, "--fail-on", "invented", "--format", "json", *FAST)
    assert res.exit_code == ExitCode.FINDINGS
    res = run("compare", SOURCE, SOURCE, "--fail-on", "altered,invented", "--format", "json", *FAST)
    assert res.exit_code == ExitCode.OK


def test_fail_on_rejects_unknown_label():
    res = run("compare", SUMMARY, SOURCE, "--fail-on", "wrong", *FAST)
    assert res.exit_code == ExitCode.USAGE
    assert "wrong" in res.output


@pytest.mark.parametrize("setup,message", [
    ("missing", "not found"),
    ("directory", "is a directory"),
    ("empty", "is empty"),
    ("whitespace", "is empty"),
    ("binary", "binary"),
    ("latin1", "not valid UTF-8"),
    ("huge", "too large"),
])
def test_bad_input_one_line_error(tmp_path, setup, message):
    bad = tmp_path / "bad.txt"
    if setup == "directory":
        bad = tmp_path
    elif setup == "empty":
        bad.write_text("")
    elif setup == "whitespace":
        bad.write_text("  \n\t\n")
    elif setup == "binary":
        bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    elif setup == "latin1":
        bad.write_bytes("Le conseil a approuvé le budget à Genève.".encode("latin-1"))
    elif setup == "huge":
        with open(bad, "wb") as fh:  # 50 MB, sparse
            fh.seek(50 * 1024 * 1024)
            fh.write(b"x")
    out = tmp_path / "out.json"
    res = run("compare", str(bad), SOURCE, "--format", "json", "-o", str(out), *FAST)
    assert res.exit_code == ExitCode.USAGE
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("provenance: error:") and message in lines[0]
    assert "Traceback" not in res.output
    assert not out.exists()  # never a half-written output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.json")]


def test_both_stdin_is_usage_error():
    res = run("compare", "-", "-", *FAST, input="x")
    assert res.exit_code == ExitCode.USAGE


def test_html_source_is_extracted(tmp_path):
    page = tmp_path / "source.html"
    body = "".join(f"<p>{line}</p>" for line in (SAMPLES / "council-budget" / "source.txt").read_text().split("\n\n"))
    page.write_text(f"<!doctype html><html><head><title>Budget</title></head><body><nav>Home | Sport</nav>"
                    f"<article>{body}</article><footer>Copyright</footer></body></html>")
    res = run("compare", SUMMARY, str(page), "--format", "json", *FAST)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["source"]["kind"] == "html"
    assert "7-2" in data["source"]["text"] and "Copyright" not in data["source"]["text"]


def test_summary_longer_than_source_gets_a_notice(tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("The council approved the budget.")
    res = run("compare", SUMMARY, str(short), "--format", "json", *FAST)
    assert res.exit_code == 0
    assert "summary_longer_than_source" in {n["code"] for n in json.loads(res.output)["notices"]}


def test_markdown_summary(tmp_path):
    md = tmp_path / "summary.md"
    md.write_text("# Budget\n\n**Riverton's council** approved a $48 million budget on Tuesday.\n\n"
                  "Read more at [the Gazette](https://riverton-gazette.example/x)\n")
    res = run("compare", str(md), SOURCE, "--format", "json", *FAST)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["summary"]["cited_urls"] == ["https://riverton-gazette.example/x"]
    assert [s["text"] for s in data["statements"]] == ["Riverton's council approved a $48 million budget on Tuesday."]


def test_help_does_not_import_torch():
    code = ("import sys; from click.testing import CliRunner; from provenance.cli import main; "
            "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0, r.output; "
            "heavy = [m for m in ('torch', 'sentence_transformers', 'spacy', 'trafilatura') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_cli_shim_and_module_entry_point():
    for cmd in ([sys.executable, "cli.py", "--version"], [sys.executable, "-m", "provenance", "--version"]):
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ})
        assert out.returncode == 0 and "provenance" in out.stdout
