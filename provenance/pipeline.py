"""The only place that knows the order of the stages:

    clean/segment -> encode (batched across pairs) -> align -> NER -> checks -> judge -> Report
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice

import numpy as np

from .align import align
from .checks import Entity, SourceIndex, run_checks
from .clean import clean_summary
from .judge import judge
from .models import get_encoder, get_nlp
from .records import Document, Label, Notice, Report, Retrieval, Sentence, Summary, Verdict
from .segment import split_sentences
from .settings import Settings


@dataclass(frozen=True, slots=True)
class Pair:
    """One comparison to make: a summary and its source (None when the source
    could not be obtained; then ``retrieval`` says why)."""

    summary: Document
    source: Document | None
    id: str | None = None
    retrieval: Retrieval | None = None


@dataclass(slots=True)
class _Prepared:
    pair: Pair
    summary: Summary
    source_sentences: tuple[Sentence, ...]


def _entities(doc) -> list[Entity]:
    return [Entity(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]


class Engine:
    """Holds the models (loaded once, on first use) and compares pairs in batches."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._checker = None
        self._checker_loaded = False

    # -- models ---------------------------------------------------------------
    @property
    def encoder(self):
        return get_encoder(self.settings.encoder, self.settings.batch_size)

    @property
    def checker(self):
        if not self._checker_loaded:
            self._checker_loaded = True
            if self.settings.use_checker:
                try:
                    from .checker import get_checker

                    self._checker = get_checker()
                except Exception:  # noqa: BLE001 - the checker is optional; the report says so
                    self._checker = None
        return self._checker

    # -- public ---------------------------------------------------------------
    def compare(self, summary: Document, source: Document | None, retrieval: Retrieval | None = None,
                id: str | None = None) -> Report:
        return self.compare_many([Pair(summary, source, id, retrieval)])[0]

    def compare_many(self, pairs: Sequence[Pair]) -> list[Report]:
        prepared = [self._prepare(p) for p in pairs]
        return self._judge_prepared(prepared)

    def stream(self, pairs: Iterable[Pair], chunk: int = 32,
               progress: Callable[[int], None] | None = None) -> Iterator[Report]:
        """Compare an iterable of pairs, ``chunk`` at a time so that the encoder
        sees many sentences per call, yielding reports in input order."""
        it = iter(pairs)
        while batch := list(islice(it, chunk)):
            yield from self.compare_many(batch)
            if progress:
                progress(len(batch))

    # -- stages ---------------------------------------------------------------
    def _prepare(self, pair: Pair) -> _Prepared:
        summary = clean_summary(pair.summary)
        sentences = split_sentences(pair.source.text) if pair.source is not None else ()
        return _Prepared(pair, summary, sentences)

    def _judge_prepared(self, prepared: list[_Prepared]) -> list[Report]:
        # One encoder call for every sentence of every pair in the batch.
        texts: dict[str, int] = {}
        for p in prepared:
            if p.pair.source is None:
                continue
            for s in (*p.summary.statements, *p.source_sentences):
                texts.setdefault(s.text, len(texts))
        vecs = self.encoder.encode(list(texts)) if texts else np.zeros((0, 1), dtype=np.float32)

        alignments = []
        for p in prepared:
            if p.pair.source is None or not p.summary.statements:
                alignments.append(())
                continue
            s_vecs = vecs[[texts[s.text] for s in p.summary.statements]]
            src_vecs = vecs[[texts[s.text] for s in p.source_sentences]] if p.source_sentences else \
                np.zeros((0, vecs.shape[1]), dtype=np.float32)
            alignments.append(align(p.summary.statements, s_vecs, p.source_sentences, src_vecs,
                                    p.pair.source.text, self.settings.top_k))

        # One index per distinct source: an aggregator's summaries often share an original.
        by_text: dict[str, SourceIndex] = {}
        indexes: list[SourceIndex | None] = []
        for p in prepared:
            if p.pair.source is None:
                indexes.append(None)
                continue
            text = p.pair.source.text
            if text not in by_text:
                by_text[text] = SourceIndex(text)
            indexes.append(by_text[text])

        # NER over statements (true-cased when the summary is lower-cased) and best evidence, in one pipe.
        ner_texts: list[str] = []
        ner_keys: list[tuple[int, int, str]] = []
        for pi, (p, als, index) in enumerate(zip(prepared, alignments, indexes)):
            for ai, al in enumerate(als):
                st = al.statement.text
                if index is not None and not any(c.isupper() for c in st):
                    st = index.truecase(st)
                ner_texts.append(st)
                ner_keys.append((pi, ai, "s"))
                if al.best is not None:
                    ner_texts.append(al.best.text)
                    ner_keys.append((pi, ai, "w"))
        ents: dict[tuple[int, int, str], list[Entity]] = {}
        if ner_texts and self.settings.use_ner:
            for key, doc in zip(ner_keys, get_nlp().pipe(ner_texts, batch_size=64)):
                ents[key] = _entities(doc)

        # The consistency checker: premise = best evidence passage, hypothesis = statement.
        nli_inputs: list[tuple[str, str]] = []
        nli_keys: list[tuple[int, int]] = []
        for pi, als in enumerate(alignments):
            for ai, al in enumerate(als):
                if al.best is not None:
                    nli_inputs.append((self._premise(al), al.statement.text))
                    nli_keys.append((pi, ai))
        nli: dict[tuple[int, int], tuple[float, float, float]] = {}
        checker = self.checker if nli_inputs else None
        if checker is not None:
            probs = checker.predict(nli_inputs)
            nli = {k: (float(r[0]), float(r[1]), float(r[2])) for k, r in zip(nli_keys, probs)}

        reports = []
        for pi, (p, als, index) in enumerate(zip(prepared, alignments, indexes)):
            reports.append(self._report(p, als, index, ents, nli, pi))
        return reports

    def _premise(self, al) -> str:
        """The checker's premise: the best ``nli_passages`` evidence passages, in
        the source's order (a summary sentence often fuses two source sentences)."""
        chosen = sorted(al.evidence[: self.settings.nli_passages], key=lambda e: e.start)
        return " ".join(e.text for e in chosen)

    def _report(self, p: _Prepared, als, index, ents, nli, pi: int) -> Report:
        notices = list(p.summary.notices)
        source = p.pair.source
        verdicts: list[Verdict] = []
        if source is None:
            why = p.pair.retrieval.message if p.pair.retrieval else "no source was given"
            verdicts = [
                Verdict(statement=s, label=Label.UNVERIFIABLE, confidence=1.0, reasons=(f"source unavailable: {why}",))
                for s in p.summary.statements
            ]
        else:
            for ai, al in enumerate(als):
                best = al.best
                window = best.text if best else ""
                w_base = best.start if best else 0
                findings = run_checks(al.statement.text, al.statement.start, ents.get((pi, ai, "s"), []),
                                      window, w_base, ents.get((pi, ai, "w"), []), index)
                verdicts.append(judge(al, findings, nli.get((pi, ai))))
            if not p.summary.statements:
                notices.append(Notice("no_statements", "The summary has no statements to check."))
            s_words = sum(len(s.text.split()) for s in p.summary.statements)
            if s_words > len(source.text.split()):
                notices.append(Notice("summary_longer_than_source",
                                      "The summary is longer than its source: much of it cannot come from there."))
            if not p.source_sentences:
                notices.append(Notice("empty_source", "The source has no sentences."))
        return Report(summary=p.summary, source=source, verdicts=tuple(verdicts), notices=tuple(notices),
                      retrieval=p.pair.retrieval, id=p.pair.id,
                      checked_at=datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"))


_ENGINES: dict[Settings, Engine] = {}


def get_engine(settings: Settings | None = None) -> Engine:
    settings = settings or Settings()
    if settings not in _ENGINES:
        _ENGINES[settings] = Engine(settings)
    return _ENGINES[settings]


def compare(summary: str | Document, source: str | Document, settings: Settings | None = None) -> Report:
    """Compare a summary with its source; both may be plain text or Documents."""
    if isinstance(summary, str):
        summary = Document(summary, origin="<summary>")
    if isinstance(source, str):
        source = Document(source, origin="<source>")
    return get_engine(settings).compare(summary, source)
