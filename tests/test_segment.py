import pytest

from provenance.segment import split_sentences, split_statements

CASES = [
    # (text, expected sentences)
    ("He said it was fine. Then he left.", ["He said it was fine.", "Then he left."]),
    ("U.S. officials met in Washington D.C. on Friday. Talks ended.",
     ["U.S. officials met in Washington D.C. on Friday.", "Talks ended."]),
    ("Growth was 3.5 per cent. Dr. Jones agreed.", ["Growth was 3.5 per cent.", "Dr. Jones agreed."]),
    ('"We will win," she said. "No doubt."', ['"We will win," she said.', '"No doubt."']),
    # BBC texts in the eval data glue sentences together
    ("He finished one over par.McIlroy was two behind.", ["He finished one over par.", "McIlroy was two behind."]),
    ("It was their best result this season.Scotland play next.",
     ["It was their best result this season.", "Scotland play next."]),
    # lines are boundaries: a title never runs into the first paragraph
    ("Council approves budget\nThe council met on Tuesday.", ["Council approves budget", "The council met on Tuesday."]),
    ("Mr.Smith arrived. He sat down.", ["Mr.Smith arrived.", "He sat down."]),
    ("J.R.R. Tolkien wrote it.", ["J.R.R. Tolkien wrote it."]),
    ("   \n\n  ", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_sentences(text, expected):
    got = split_sentences(text)
    assert [s.text for s in got] == expected
    for s in got:
        assert text[s.start : s.end] == s.text


def test_offsets_shift_with_base():
    text = "xx One. Two."
    got = split_sentences(text[3:], base=3)
    assert [text[s.start : s.end] for s in got] == ["One.", "Two."]


def test_long_sentence_with_independent_claims_is_split():
    text = ("The government released more than 350 prisoners accused of political crimes last week, "
            "while opposition leaders say the move was driven by expediency rather than remorse.")
    (sent,) = split_sentences(text)
    parts = split_statements(sent)
    assert len(parts) == 2
    for p in parts:
        assert text[p.start : p.end] == p.text
    assert parts[1].text.startswith("opposition leaders say")


def test_list_of_names_is_not_split():
    text = ("The release includes prominent figures such as journalist Elena Vargas, human rights lawyer "
            "Ricardo Morales, and former parliamentarian Isabel Flores, all held for years.")
    (sent,) = split_sentences(text)
    assert split_statements(sent) == (sent,)
