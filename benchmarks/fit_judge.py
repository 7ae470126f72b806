#!/usr/bin/env python3
"""Refit the judge's linear model (provenance/data/judge.json) on ../shared/eval.

    python benchmarks/fit_judge.py [--eval-dir ../shared/eval] [--recompute] [--dry-run]

1. Runs the engine over every pair of both files and keeps each statement's
   features (cached in benchmarks/.cache/features.jsonl; --recompute to redo).
2. Gives each statement a gold label: XSumFaith spans mark the unfaithful
   statements and their type; a FRANK summary that is faithful has only
   supported statements; in an unfaithful FRANK summary the share of wrong
   sentences is known (error_fractions) but not which, so the statements the
   first-pass model finds least faithful take the blame (one EM-style step).
3. Cross-validates by source article (GroupKFold, 5 folds: an article is never
   in both training and test), picks the threshold that maximises the mean of
   the two files' summary-level balanced accuracy on the held-out folds, and
   reports those held-out numbers.
4. Fits on everything and writes the weights with the CV numbers in "meta".
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from provenance.evaluate import balanced_accuracy, load_items, macro_f1  # noqa: E402
from provenance.judge import FEATURES, decide  # noqa: E402
from provenance.settings import Settings  # noqa: E402

# Alignment above which an explicit changed detail makes a statement altered.  The
# grid stops at 0.9: the rule is part of the product (a changed number in a matching
# passage is shown as altered), so CV picks how strict it is, not whether it exists.
OVERRIDE_GRID = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
CACHE = ROOT / "benchmarks" / ".cache" / "features.jsonl"
FILES = ("xsumfaith-dev.jsonl", "frank-valid.jsonl")


def compute_features(eval_dir: Path, use_checker: bool, nli_passages: int) -> list[dict]:
    from provenance.pipeline import Pair, get_engine
    from provenance.records import Document

    engine = get_engine(Settings(use_checker=use_checker, nli_passages=nli_passages))
    rows = []
    for name in FILES:
        items = load_items(eval_dir / name)
        pairs = [Pair(Document(it.summary), Document(it.source), id=it.id) for it in items]
        t0 = time.perf_counter()
        for n, rep in enumerate(engine.stream(pairs, chunk=32), start=1):
            for v in rep.verdicts:
                rows.append({"file": name, "id": rep.id, "start": v.statement.start, "end": v.statement.end,
                             "features": dict(v.features)})
            if n % 200 == 0:
                print(f"  {name}: {n}/{len(items)} pairs, {n / (time.perf_counter() - t0):.1f} pairs/s", flush=True)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with open(CACHE, "w") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    return rows


def statement_gold(items_by_id: dict, rows: list[dict]) -> None:
    """Adds 'gold' (supported|altered|invented|None=unknown yet) to each row."""
    for r in rows:
        it = items_by_id[r["id"]]
        if it.faithful:
            r["gold"] = "supported"
        elif it.spans:
            types = [t for t, s, e in it.spans if s < r["end"] and e > r["start"]]
            r["gold"] = ("invented" if "invented" in types else "altered") if types else "supported"
        elif it.label is not None:  # unfaithful but annotators agreed on no span
            r["gold"] = "invented" if "invented" in it.label else "altered"
        else:
            r["gold"] = None  # FRANK unfaithful: decided by assign_frank()
        r["group"] = it.group
        r["dataset"] = it.dataset


def frank_type(item) -> str:
    fr = dict(item.error_fractions)
    out_e = fr.get("OutE", 0.0)
    intrinsic = sum(fr.get(k, 0.0) for k in ("RelE", "EntE", "CircE", "CorefE", "LinkE"))
    return "invented" if out_e >= intrinsic and out_e > 0 else "altered"


def assign_frank(items_by_id: dict, rows: list[dict], p_ok: np.ndarray) -> None:
    by_id: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r["file"] == "frank-valid.jsonl" and not items_by_id[r["id"]].faithful:
            by_id.setdefault(r["id"], []).append(i)
    for sid, idxs in by_id.items():
        it = items_by_id[sid]
        fr = dict(it.error_fractions)
        share = max((v for k, v in fr.items() if k not in ("GramE", "Other")), default=0.0)
        k = max(1, round(share * len(idxs)))
        worst = sorted(idxs, key=lambda i: p_ok[i])[:k]
        kind = frank_type(it)
        for i in idxs:
            rows[i]["gold"] = kind if i in worst else "supported"


def matrix(rows: list[dict]) -> np.ndarray:
    return np.array([[r["features"].get(f, 0.0) for f in FEATURES] for r in rows], dtype=np.float64)


def fit_lr(X: np.ndarray, y: np.ndarray, C: float = 0.05):
    # C (inverse regularisation) chosen by the same grouped CV: 0.05 gave a mean BAcc of 0.724,
    # 0.5 gave 0.721 and 5 gave 0.722: strong regularisation, the simplest model that fits.
    from sklearn.linear_model import LogisticRegression

    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
    model.fit((X - mean) / scale, y)
    return model, mean, scale


def predict(model, mean, scale, X) -> np.ndarray:
    return model.predict_proba((X - mean) / scale)[:, 1]


def summary_preds(rows, p_ok, p_alt, threshold, override_align) -> dict[str, str]:
    preds: dict[str, str] = {}
    for r, ok, alt in zip(rows, p_ok, p_alt):
        cur = preds.get(r["id"], "supported")
        f = r["features"]
        lab = decide(ok, alt, f.get("explicit_alterations", 0.0), f["best_score"], threshold, override_align).value
        if lab == "invented" or (lab == "altered" and cur == "supported"):
            cur = lab
        preds[r["id"]] = cur
    return preds


def evaluate(items_by_file, rows, p_ok, p_alt, threshold, override_align) -> dict:
    preds = summary_preds(rows, p_ok, p_alt, threshold, override_align)
    out = {}
    for name, items in items_by_file.items():
        got = {it.id: preds.get(it.id, "supported") for it in items}  # no statements -> supported
        res = {"bacc": balanced_accuracy(items, got)["bacc"]}
        if any(it.label for it in items):
            mf = macro_f1(items, got)
            res["macro_f1"] = mf["macro_f1"]
            res["f1"] = mf["f1"]
        ds = {}
        for it in items:
            ds.setdefault(it.dataset, []).append(it)
        if len(ds) > 1:
            res["by_dataset"] = {k: round(balanced_accuracy(v, got)["bacc"], 4) for k, v in sorted(ds.items())}
        out[name] = res
    return out


def cross_validate(items_by_file, items_by_id, rows, folds=5):
    from sklearn.model_selection import GroupKFold

    X = matrix(rows)
    groups = np.array([r["group"] for r in rows])
    p_ok = np.zeros(len(rows))
    p_alt = np.zeros(len(rows))
    for train, test in GroupKFold(n_splits=folds).split(X, groups=groups):
        # first pass: FRANK unfaithful statements unknown -> fit without them, then assign
        known = [i for i in train if rows[i]["gold"] is not None]
        yk = np.array([rows[i]["gold"] != "supported" for i in known])
        m, mu, sd = fit_lr(X[known], ~yk)
        p_first = predict(m, mu, sd, X)
        fold_rows = [dict(rows[i]) for i in range(len(rows))]
        assign_frank(items_by_id, fold_rows, p_first)
        y = np.array([fold_rows[i]["gold"] == "supported" for i in train])
        m, mu, sd = fit_lr(X[train], y)
        p_ok[test] = predict(m, mu, sd, X[test])
        bad = [i for i in train if fold_rows[i]["gold"] != "supported"]
        ya = np.array([fold_rows[i]["gold"] == "altered" for i in bad])
        ma, mua, sda = fit_lr(X[bad], ya)
        p_alt[test] = predict(ma, mua, sda, X[test])
    by_override = {}
    for override in OVERRIDE_GRID:
        best_t = None
        for t in np.arange(0.05, 0.95, 0.01):
            res = evaluate(items_by_file, rows, p_ok, p_alt, t, override)
            objective = np.mean([r["bacc"] for r in res.values()])
            if best_t is None or objective > best_t[0] + 1e-9:
                best_t = (objective, float(round(t, 2)), override, res)
        by_override[override] = best_t
        print(f"  override_align {override}: mean BAcc {best_t[0]:.4f} at threshold {best_t[1]}")
    top = max(v[0] for v in by_override.values())
    # Within 0.002 of the best, prefer the lowest override: more changed details are shown
    # as altered, which is what a reader checks by eye; the data cannot tell them apart.
    return next(by_override[o] for o in OVERRIDE_GRID if by_override[o][0] >= top - 0.002)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--recompute", action="store_true", help="recompute features (after changing the engine)")
    ap.add_argument("--no-checker", action="store_true", help="fit without the consistency checker's features")
    ap.add_argument("--nli-passages", type=int, default=Settings().nli_passages,
                    help="evidence passages in the checker's premise (an experiment knob)")
    ap.add_argument("--dry-run", action="store_true", help="report CV numbers, do not write judge.json")
    ap.add_argument("--out", default=str(ROOT / "provenance" / "data" / "judge.json"))
    args = ap.parse_args()
    eval_dir = Path(args.eval_dir)

    items_by_file = {name: load_items(eval_dir / name) for name in FILES}
    items_by_id = {it.id: it for items in items_by_file.values() for it in items}
    if args.recompute or not CACHE.exists():
        t0 = time.perf_counter()
        rows = compute_features(eval_dir, use_checker=not args.no_checker, nli_passages=args.nli_passages)
        print(f"features: {len(rows)} statements in {time.perf_counter() - t0:.0f}s")
    else:
        rows = [json.loads(line) for line in open(CACHE)]
    features_used = list(FEATURES)
    if args.no_checker:
        for r in rows:
            for f in ("nli_entail", "nli_neutral", "nli_contradict"):
                r["features"][f] = 0.0
        features_used = [f for f in FEATURES if not f.startswith("nli_")]
    statement_gold(items_by_id, rows)

    objective, threshold, override_align, res = cross_validate(items_by_file, items_by_id, rows)
    print(f"cross-validated (5 folds by article), threshold {threshold}, override_align {override_align}:")
    print(json.dumps(res, indent=1))

    # Final fit on everything.
    X = matrix(rows)
    known = [i for i, r in enumerate(rows) if r["gold"] is not None]
    m, mu, sd = fit_lr(X[known], np.array([rows[i]["gold"] == "supported" for i in known]))
    assign_frank(items_by_id, rows, predict(m, mu, sd, X))
    y = np.array([r["gold"] == "supported" for r in rows])
    m_ok, mu, sd = fit_lr(X, y)
    bad = [i for i, r in enumerate(rows) if r["gold"] != "supported"]
    m_alt, mua, sda = fit_lr(X[bad], np.array([rows[i]["gold"] == "altered" for i in bad]))

    def weights(model, mean, scale):
        # Store weights for standardised features; the judge standardises with one mean/scale,
        # so fold the second model's scaling into its weights.
        return {f: float(w) for f, w in zip(FEATURES, model.coef_[0]) if f in features_used}

    # Express the altered model in the first model's standardisation.
    w_alt = {}
    b_alt = float(m_alt.intercept_[0])
    for j, f in enumerate(FEATURES):
        if f not in features_used:
            continue
        w = float(m_alt.coef_[0][j]) / sda[j] * sd[j]
        b_alt += float(m_alt.coef_[0][j]) * (mu[j] - mua[j]) / sda[j]
        w_alt[f] = w
    out = {
        "mean": {f: float(v) for f, v in zip(FEATURES, mu)},
        "scale": {f: float(v) for f, v in zip(FEATURES, sd)},
        "faithful": {"weights": weights(m_ok, mu, sd), "bias": float(m_ok.intercept_[0])},
        "altered": {"weights": w_alt, "bias": b_alt},
        "threshold": threshold,
        "override_align": override_align,
        "meta": {
            "fitted_by": "benchmarks/fit_judge.py",
            "data": list(FILES),
            "statements": len(rows),
            "checker_features": not args.no_checker,
            "nli_passages": args.nli_passages,
            "threshold_rule": "maximises the mean of the two files' summary-level balanced accuracy, "
                              "5-fold cross-validation grouped by source article",
            "cross_validated": res,
        },
    }
    if args.dry_run:
        print("dry run: judge.json not written")
        return
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
