"""Table-driven cases for every kind of detected change."""

import pytest

from provenance.checks import SourceIndex, quantities, run_checks
from provenance.models import get_nlp
from provenance.pipeline import _entities


def findings(statement: str, window: str, source: str | None = None):
    source = source if source is not None else window
    nlp = get_nlp()
    base = source.find(window)
    assert base >= 0
    return run_checks(statement, 0, _entities(nlp(statement)), window, base, _entities(nlp(window)),
                      SourceIndex(source))


CHANGES = [
    # kind, statement, source passage, summary wording, source wording
    ("number", "The budget passed by a vote of 6-3.", "The budget passed by a vote of 7-2, with two against.", "6-3", "7-2"),
    ("number", "Road spending will rise by 18% this year.", "Road spending will rise by 12% this year.", "18%", "12%"),
    ("number", "The council approved a $52 million budget.", "The council approved a $48 million budget.",
     "$52 million", "$48 million"),
    ("number", "Nine people were hurt in the crash.", "Seven people were hurt in the crash.", "Nine", "Seven"),
    ("date", "The station will open in 2029.", "The station will open in 2027.", "2029", "2027"),
    ("date", "The council met on Wednesday.", "The council met on Tuesday.", "Wednesday", "Tuesday"),
    ("entity", "Northfield's goal was scored by captain Pete Hollis.",
     "Northfield's goal was scored by captain Ali Demir.", "Pete Hollis", "Ali Demir"),
    ("hedge", "The libraries will close every weekend.", "The libraries may close on some weekends.", "will", "may"),
    ("antonym", "The minister praised the report.", "The minister criticised the report.", "praised", "criticised"),
]


@pytest.mark.parametrize("kind,statement,window,summary_word,source_word", CHANGES)
def test_changed_detail(kind, statement, window, summary_word, source_word):
    source = window
    if kind == "entity":
        source = window + " Northfield manager Pete Hollis was unhappy."
    f = findings(statement, window, source)
    hits = [c for c in f.changes if c.kind == kind]
    assert hits, f.changes
    c = hits[0]
    assert summary_word in c.summary_text
    assert c.source_text is not None and source_word in c.source_text
    assert statement[c.summary_start : c.summary_end] == c.summary_text or summary_word in statement[c.summary_start:]
    assert source[c.source_start : c.source_end].startswith(source_word[:3])


def test_negation_flip():
    f = findings("Achebe said the closures were final.", "Achebe said the closures were not yet final.")
    assert f.negation_flip
    (c,) = [c for c in f.changes if c.kind == "negation"]
    assert "not" in c.source_text


def test_quote_not_in_source():
    f = findings('Okafor said she was "proud of the way the players kept their discipline".',
                 '"I\'m proud of the way the players kept their shape," said Okafor.')
    (c,) = [c for c in f.changes if c.kind == "quote"]
    assert c.summary_text == "proud of the way the players kept their discipline"


def test_attribution_change():
    source = ('"We were second best for most of the afternoon," said Pete Hollis. '
              "Grace Okafor praised her players.")
    window = '"We were second best for most of the afternoon," said Pete Hollis.'
    f = findings('Grace Okafor said "we were second best for most of the afternoon".', window, source)
    assert any(c.kind in ("attribution", "entity") and c.source_text == "Pete Hollis" for c in f.changes)


def test_missing_facts_are_not_alterations():
    f = findings("Lindqvist has now scored 20 goals, a club record.", "Striker Jonas Lindqvist scored twice.")
    (c,) = [c for c in f.changes if c.kind == "number"]
    assert c.source_text is None
    assert f.missing_numbers == 1
    assert "record" in f.novel_words


NO_CHANGE = [
    ("Riverton approved a $48m budget on Tuesday.", "On Tuesday the council approved a $48 million budget."),
    ("About a third of voters backed the plan.", "Some 33% of voters backed the plan."),
    ("Over 350 prisoners were freed.", "The government freed 352 prisoners."),
    ("Rory McIlroy finished second.", "McIlroy finished second after a late birdie."),
    ("The crowd of 4,200 was the biggest this season.", "The attendance of 4,200 was the largest this season."),
    ("he was not happy with the result .", "He said he was not happy with the result."),
    ("Seven people were hurt.", "Seven people were hurt, police said."),
]


@pytest.mark.parametrize("statement,window", NO_CHANGE)
def test_faithful_wording_has_no_change(statement, window):
    f = findings(statement, window)
    assert [c for c in f.changes if c.source_text is not None] == []
    assert not f.negation_flip


QUANTITIES = [
    ("a 7-2 vote", [("score", 7.0)]),
    ("£2, 000 fine", [("money", 2.0), ("plain", 0.0)]),  # tokenised text is normalised before matching
    ("£5m deal", [("money", 5e6)]),
    ("18% rise", [("percent", 18.0)]),
    ("in 2024", [("year", 2024.0)]),
    ("twenty-five people", [("plain", 25.0)]),
    ("nearly a third", [("percent", 33.3)]),
]


@pytest.mark.parametrize("text,expected", QUANTITIES[2:])
def test_quantities(text, expected):
    assert [(q.kind, q.value) for q in quantities(text)] == expected
