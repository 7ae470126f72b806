"""Issue 7: the synthetic pair generator and the shipped ONNX consistency checker."""

from __future__ import annotations

import random
import socket
import subprocess
import sys

import numpy as np
import pytest

from provenance.checker import LABELS, ConsistencyChecker, ModelError, get_checker
from provenance.checker import synth


@pytest.fixture(scope="module")
def nlp():
    return synth.load_nlp()


# ---------------------------------------------------------------- generator: each edit type

ARTICLE_ENTS = {
    "PERSON": ["John Smith", "Mary Jones", "Peter Brown"],
    "ORG": ["Arsenal", "Chelsea", "the BBC"],
    "GPE": ["Paris", "Lyon", "Berlin"],
}

# (edit, sentence, must_vanish, must_appear): the edited text must lose every word in
# must_vanish and gain every word in must_appear (None = any different text).
EDIT_CASES = [
    ("number", "The council spent 450 pounds on new benches last spring.", ["450"], None),
    ("number", "Three people were taken to hospital after the crash.", ["Three"], ["Four"]),
    ("unit", "The company lost 3 million pounds in the first quarter of the year.", ["million"], ["billion"]),
    ("date", "The new stadium will open on Monday in the north of the city.", ["Monday"], None),
    ("entity", "The minister arrived in Paris to discuss the deal.", ["Paris"], None),
    ("swap_args", "Arsenal beat Chelsea in the final at Wembley Stadium.", [], ["Chelsea beat Arsenal"]),
    ("negation", "The government will raise taxes on fuel next year.", [], ["will not raise"]),
    ("negation", "The minister did not resign after the report was published.", ["not"], None),
    ("negation", "The company sold its factory to a rival firm in Leeds.", [], ["did not sell"]),
    ("antonym", "Profits rose sharply at the supermarket chain this year.", ["rose"], ["fell"]),
    ("hedge", "The new rules may lead to higher prices for shoppers.", ["may"], ["will"]),
    ("hedge", "Police said some of the protesters were arrested on Friday.", ["some"], ["all"]),
    ("quote_speaker", '"We are delighted with the result," John Smith said after the game.', ["John Smith"], None),
]


def run_edit(name, doc, rng):
    """synth.edit_<name>; the entity and quote edits also take the article's entities."""
    edit = getattr(synth, f"edit_{name}")
    return edit(doc, rng, ARTICLE_ENTS) if name in ("entity", "quote_speaker") else edit(doc, rng)


@pytest.mark.parametrize("name,sentence,vanish,appear", EDIT_CASES, ids=[c[0] for c in EDIT_CASES])
def test_each_contradiction_edit_changes_the_intended_detail(nlp, name, sentence, vanish, appear):
    out = run_edit(name, nlp(sentence), random.Random(0))
    assert out is not None and out != sentence
    for word in vanish:
        assert word not in out.split() and word not in out, (word, out)
    for word in appear or []:
        assert word in out, (word, out)
    assert synth.EDIT_LABEL[name] == "contradiction"


def test_entity_swap_uses_same_type_from_the_article(nlp):
    out = synth.edit_entity(nlp("Mary Jones met the minister in Paris to discuss the deal."), random.Random(3), ARTICLE_ENTS)
    swapped_in = [e for group in ARTICLE_ENTS.values() for e in group if e in out and e not in ("Mary Jones", "Paris")]
    assert len(swapped_in) == 1
    kind = next(k for k, v in ARTICLE_ENTS.items() if swapped_in[0] in v)
    assert kind in {"PERSON", "GPE"}


def test_quote_goes_to_another_person(nlp):
    s = '"We are delighted with the result," John Smith said after the game.'
    out = synth.edit_quote_speaker(nlp(s), random.Random(0), ARTICLE_ENTS)
    assert out.startswith('"We are delighted with the result,"')
    assert any(name in out for name in ("Mary Jones", "Peter Brown", "Arsenal", "Chelsea", "the BBC"))


def test_edits_return_none_when_nothing_applies(nlp):
    doc = nlp("The weather was pleasant and calm.")
    rng = random.Random(0)
    assert synth.edit_number(doc, rng) is None
    assert synth.edit_unit(doc, rng) is None
    assert synth.edit_swap_args(doc, rng) is None
    assert synth.edit_quote_speaker(doc, rng, ARTICLE_ENTS) is None
    assert synth.edit_hedge(doc, rng) is None


COMPRESS_CASES = [
    ("On Monday, the council approved the plan for a new library.", "The council approved the plan for a new library."),
    ("However, the club said it would appeal against the decision.", "The club said it would appeal against the decision."),
    ("John Smith, who founded the company in 1990, will retire next month.", "John Smith will retire next month."),
]


@pytest.mark.parametrize("sentence,expected", COMPRESS_CASES)
def test_compression_drops_a_clause(nlp, sentence, expected):
    assert synth.compress(nlp(sentence)) == expected
    assert synth.EDIT_LABEL["compression"] == "entailment"


def test_compression_keeps_conditions(nlp):
    # Dropping "If it rains," would turn a conditional into a plain (unsupported) claim.
    out = synth.compress(nlp("If it rains on Saturday, the match will be called off by the referee."))
    assert out is None or out.startswith("If it rains")


def test_inserted_clause_adds_new_material_and_keeps_the_rest(nlp):
    s = "John Smith opened the new bridge across the river."
    out = synth.insert_clause(nlp(s), random.Random(0), {"ORG": ["Acme Ltd"], "GPE": ["Berlin"], "PERSON": ["Ann Lee"]})
    assert out is not None and len(out) > len(s)
    assert all(w in out for w in s.rstrip(".").split())
    assert synth.EDIT_LABEL["inserted_clause"] == "neutral"


def test_split_sentences_handles_glued_bbc_text():
    text = "The match ended in a draw.Scotland play again on Sunday. Dr. Smith said 3.5 goals was the average."
    assert synth.split_sentences(text) == [
        "The match ended in a draw.",
        "Scotland play again on Sunday.",
        "Dr. Smith said 3.5 goals was the average.",
    ]


def _articles():
    texts = [f"Article {i} says the mayor of town {i} opened {i + 2} parks. It was sunny." for i in range(40)]
    return [synth.Article(synth.article_id(t), t, tuple(synth.split_sentences(t))) for t in texts]


def test_article_split_is_deterministic_and_disjoint():
    arts = _articles()
    a_train, a_held = synth.split_articles(arts, 0.25, seed=0)
    b_train, b_held = synth.split_articles(list(reversed(arts)), 0.25, seed=0)
    assert {a.id for a in a_held} == {a.id for a in b_held}
    assert not {a.id for a in a_train} & {a.id for a in a_held}
    assert len(a_train) + len(a_held) == len(arts) and 0 < len(a_held) < len(arts)


def test_generate_labels_match_edit_types(nlp):
    arts = [
        synth.Article("a1", "", (
            "Arsenal beat Chelsea 3-1 in the final at Wembley on Saturday afternoon.",
            "The manager, who joined in 2015, said the team may win the league this season.",
            "Police arrested 12 people after fans clashed outside the stadium.",
            "Ticket prices rose by 10% for the second year in a row.",
        )),
        synth.Article("a2", "", (
            "The council approved plans for 450 new homes on the edge of the town.",
            "Residents said some of the roads were already too busy at peak times.",
            "A decision on the second phase is expected in March next year.",
        )),
    ]
    pairs = synth.generate(arts, nlp, seed=0)
    assert pairs
    for p in pairs:
        assert p.label == synth.EDIT_LABEL[p.edit]
        assert p.group in {"a1", "a2"}
        if p.label == "contradiction":
            assert p.hypothesis not in p.premise
    assert {p.label for p in pairs} == set(LABELS)


# ---------------------------------------------------------------- inference module

def test_import_does_not_load_torch_or_onnxruntime():
    code = "import sys, provenance.checker; print('torch' in sys.modules, 'onnxruntime' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_missing_model_files_raise_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="missing"):
        ConsistencyChecker.from_dir(tmp_path)


# ---------------------------------------------------------------- the shipped model

@pytest.fixture(scope="module")
def checker():
    return ConsistencyChecker.from_package()


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the checker must not touch the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.model
def test_model_loads_from_package_data_offline(no_network):
    c = ConsistencyChecker.from_package()
    probs = c.predict([("The cat sat on the mat.", "A cat is sitting.")])
    assert probs.shape == (1, 3)


@pytest.mark.model
def test_probabilities_shape_sum_and_order(checker):
    pairs = [
        ("The museum reopened on Tuesday after a two-year renovation costing £4m.", "The museum reopened."),
        ("A man plays a guitar on a street corner.", "A woman is swimming."),
        ("Short.", "Also short."),
        ("The plant employs 300 people. " * 20, "The plant employs 300 people."),  # longer than max_length
    ]
    probs = checker.predict(pairs, batch_size=2)
    assert probs.shape == (4, 3) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert (probs >= 0).all()
    # Sorting by length for batching must not change which row belongs to which pair.
    # Dynamic int8 quantization scales activations per batch, so a row's probabilities move
    # a little with its batch-mates (up to ~0.03 seen); a mix-up of rows would move them far more.
    single = np.vstack([checker.predict([p]) for p in pairs])
    np.testing.assert_allclose(probs, single, atol=0.05)
    reordered = checker.predict(pairs[::-1], batch_size=2)[::-1]
    np.testing.assert_allclose(probs, reordered, atol=0.05)
    assert checker.predict([]).shape == (0, 3)


@pytest.mark.model
def test_get_checker_loads_once():
    assert get_checker() is get_checker()


E, N, C = LABELS
# Known blind spots of the shipped model, kept in the table so a better model shows up as
# XPASS: dropping a number modifier reads as "neutral", and a subject/object swap reads as
# entailment (held-back synthetic swap_args accuracy 0.04, see MODEL_CARD.md).
KNOWN_MISS = pytest.mark.xfail(reason="known weakness of the shipped checker (MODEL_CARD.md)", strict=False)

CLEAR_CASES = [
    pytest.param("The council approved plans for 450 new homes on Tuesday.",
                 "The council approved plans for new homes.", E, marks=KNOWN_MISS),
    pytest.param("Arsenal beat Chelsea in the final at Wembley.", "Chelsea beat Arsenal in the final at Wembley.", C,
                 marks=KNOWN_MISS),
    ("The council approved plans for 450 new homes on Tuesday.", "The council approved plans for 450 new homes.", E),
    ("The company, which was founded in 1990, reported a profit of £5 million.",
     "The company reported a profit of £5 million.", E),
    ("Police arrested three men after a robbery at a jewellery shop in Leeds on Friday.",
     "Three men were arrested after a robbery in Leeds.", E),
    ("Manchester United beat Liverpool 2-0 at Old Trafford on Sunday.", "Manchester United beat Liverpool.", E),
    ("The company reported a profit of £5 million for the year.", "The company reported a loss for the year.", C),
    ("The minister said the tax would not be raised next year.", "The minister said the tax would be raised next year.", C),
    ("The bridge was opened by the Queen in 1990.", "The bridge was opened by the Queen in 1995.", C),
    ("The company reported a profit of £5 million for the year.", "The company reported a profit of £9 million for the year.", C),
    ("A man is playing a guitar on stage.", "A man is sleeping in his bed.", C),
    ("The council approved plans for 450 new homes on Tuesday.",
     "The decision was criticised by the local MP, who said the roads could not cope.", N),
    ("The striker joined the club from Celtic last summer.",
     "The striker, who is 24, joined the club from Celtic last summer for a fee of £8 million.", N),
    ("A woman is reading a book in a park.", "The woman is reading a novel by her favourite author.", N),
]


@pytest.mark.model
@pytest.mark.parametrize("premise,hypothesis,expected", CLEAR_CASES)
def test_clear_cases_get_the_expected_class(checker, premise, hypothesis, expected):
    probs = checker.predict([(premise, hypothesis)])[0]
    got = LABELS[int(probs.argmax())]
    assert got == expected, dict(zip(LABELS, probs.round(3)))
