"""The consistency checker: does a piece of source evidence entail a summary statement?

A small 3-way NLI model (truncated all-MiniLM-L6-v2, trained by scripts/train_checker.py on
public NLI pairs plus synthetic edits of news sentences) shipped as int8 ONNX in
``provenance/checker/model/``.  Inference uses onnxruntime and the ``tokenizers`` library
only: importing this module loads neither (they are imported by the loader), and
``get_checker()`` loads the model once per process.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from provenance.errors import ModelError

__all__ = ["LABELS", "ConsistencyChecker", "get_checker", "ModelError"]

# Column order of predict(): fixed, the judge indexes by position.
LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
MODEL_FILES = ("model.onnx", "tokenizer.json", "config.json", "MODEL_CARD.md")
# The machine has 2 cores; more threads only contend with the rest of the pipeline.
THREADS = 2


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


class ConsistencyChecker:
    """Scores (premise, hypothesis) pairs: premise = source evidence, hypothesis = claim."""

    def __init__(self, session: Any, tokenizer: Any, config: dict, source: str) -> None:
        self._session = session
        self._tok = tokenizer
        self.config = config
        self.source = source
        self._inputs = {i.name for i in session.get_inputs()}
        if tuple(config.get("labels", LABELS)) != LABELS:
            raise ModelError(f"checker model at {source} has labels {config.get('labels')}, expected {LABELS}")

    @classmethod
    def from_dir(cls, directory: str | Path, model_file: str | Path | None = None) -> "ConsistencyChecker":
        """Load from a directory holding model.onnx, tokenizer.json and config.json."""
        directory = Path(directory)
        model_path = Path(model_file) if model_file else directory / "model.onnx"
        missing = [p.name for p in (model_path, directory / "tokenizer.json", directory / "config.json") if not p.is_file()]
        if missing:
            raise ModelError(
                f"consistency checker files missing in {directory}: {', '.join(missing)} "
                "(train and export it with scripts/train_checker.py)"
            )
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both are core dependencies
            raise ModelError(f"the consistency checker needs onnxruntime and tokenizers: {exc}") from exc
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = THREADS
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            session = ort.InferenceSession(str(model_path), sess_options=opts, providers=["CPUExecutionProvider"])
            tok = Tokenizer.from_file(str(directory / "tokenizer.json"))
        except Exception as exc:
            raise ModelError(f"could not load the consistency checker from {directory}: {exc}") from exc
        tok.no_padding()
        tok.enable_truncation(max_length=int(config.get("max_length", 160)), strategy="longest_first")
        return cls(session, tok, config, str(directory))

    @classmethod
    def from_package(cls) -> "ConsistencyChecker":
        """Load the model shipped as package data in provenance/checker/model/."""
        root = resources.files("provenance.checker") / "model"
        if not all((root / name).is_file() for name in MODEL_FILES):
            missing = [n for n in MODEL_FILES if not (root / n).is_file()]
            raise ModelError(
                f"the consistency checker model is not installed (missing {', '.join(missing)} in "
                "provenance/checker/model/); run scripts/train_checker.py"
            )
        with resources.as_file(root) as path:
            return cls.from_dir(path)

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """Probabilities, shape (n, 3), columns (entailment, neutral, contradiction).

        Pairs are sorted by token length so each batch pads little; rows come back in the
        input order.
        """
        n = len(pairs)
        out = np.zeros((n, 3), dtype=np.float32)
        if n == 0:
            return out
        encs = self._tok.encode_batch([(str(p), str(h)) for p, h in pairs])
        order = sorted(range(n), key=lambda i: len(encs[i].ids))
        for s in range(0, n, batch_size):
            idx = order[s : s + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            types = np.zeros_like(ids)
            mask = np.zeros_like(ids)
            for row, i in enumerate(idx):
                e = encs[i]
                ids[row, : len(e.ids)] = e.ids
                types[row, : len(e.type_ids)] = e.type_ids
                mask[row, : len(e.ids)] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            logits = self._session.run(["logits"], {k: v for k, v in feed.items() if k in self._inputs})[0]
            out[idx] = _softmax(logits.astype(np.float32))
        return out


_CHECKER: ConsistencyChecker | None = None
_LOCK = threading.Lock()


def get_checker() -> ConsistencyChecker:
    """The packaged checker, loaded on first use and reused for the rest of the process."""
    global _CHECKER
    if _CHECKER is None:
        with _LOCK:
            if _CHECKER is None:
                _CHECKER = ConsistencyChecker.from_package()
    return _CHECKER
