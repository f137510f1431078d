from hypothesis import given
from hypothesis import strategies as st

from relais.search.text import MAX_QUERY_WORDS, fold, query_words


def test_fold_ignores_case_and_accents():
    assert fold("Asociația") == fold("ASOCIATIA") == "asociatia"
    assert fold("Södertälje") == "sodertalje"
    assert fold("Łódź") == "lodz"


def test_fold_transliterates_cyrillic_to_latin():
    assert fold("Анимус") == "animus"
    assert fold("адвокат Белгия") == "advokat belgiya"


def test_fold_keeps_bulgarian_words_whole():
    """ъ and ь are letters in Bulgarian, not word breaks (official transliteration)."""
    assert fold("румънски") == "rumanski"
    assert fold("България") == "balgariya"
    assert fold("Търговия с хора") == "targoviya s khora"


def test_query_words_keep_only_letters_and_digits():
    assert query_words('"pag" AND asa* NEAR(x) -y ^z: (a OR b)') == [
        "pag",
        "and",
        "asa",
        "near",
        "x",
        "y",
        "z",
        "a",
        "or",
        "b",
    ]


def test_query_words_are_bounded():
    words = query_words(" ".join(f"w{i}" for i in range(100)) + " " + "x" * 10_000)
    assert len(words) <= MAX_QUERY_WORDS
    assert all(len(w) <= 40 for w in words)


@given(st.text())
def test_query_words_are_always_plain_ascii_words(text):
    for word in query_words(text):
        assert word.isascii() and word.isalnum() and word == word.lower()
