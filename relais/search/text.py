"""Folding text and queries so that accents, case and script do not matter.

Both engines index and query folded text: lower case ASCII words, obtained by
transliterating any script to Latin (Анимус → animus, Łódź → lodz,
Asociația → asociatia). The user's text never reaches FTS5 or tsquery syntax:
a query becomes a list of [a-z0-9] words, and the engines build their syntax
from those words alone.
"""

import re
import unicodedata

from anyascii import anyascii

WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_WORDS = 12
MAX_WORD_LENGTH = 40
MAX_QUERY_LENGTH = 500


# Bulgarian's official transliteration (the Transliteration Act, 2009) writes
# ъ as "a" and ь as "y"; anyascii writes both as an apostrophe, which would cut
# "румънски" into two words ("rum", "nski").
BULGARIAN = str.maketrans({"ъ": "a", "Ъ": "A", "ь": "y", "Ь": "Y"})


def fold(text: str) -> str:
    """Lower-case ASCII transliteration of `text`, with one space between words."""
    if not text:
        return ""
    # NFKC first so that compatibility forms (ﬁ, full-width letters) fold alike.
    normal = unicodedata.normalize("NFKC", text).translate(BULGARIAN)
    ascii_text = anyascii(normal).lower()
    return " ".join(WORD.findall(ascii_text))


def query_words(query: str) -> list[str]:
    """The searchable words of a user's query, at most 12, each at most 40 letters."""
    words = fold(query[:MAX_QUERY_LENGTH]).split()
    unique: list[str] = []
    for word in words:
        word = word[:MAX_WORD_LENGTH]
        if word not in unique:
            unique.append(word)
    return unique[:MAX_QUERY_WORDS]
