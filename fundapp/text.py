"""Text as search and comparison read it: without case or accents, in words, and each word's English and
French stems (Snowball, the stemmers PostgreSQL's own configurations use)."""
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+")
_ENGLISH = snowballstemmer.stemmer("english")
_FRENCH = snowballstemmer.stemmer("french")


def plain(text: str) -> str:
    """The text without accents, in lower case: "Thiès" and "THIES" read alike."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The plain text's words, in order (punctuation, spaces and symbols separate them)."""
    return WORD.findall(plain(text))


@lru_cache(maxsize=200_000)
def stems(word: str) -> tuple[str, ...]:
    """A plain word's English and French stems (one when they agree): "farmers" gives "farmer",
    "agriculteurs" gives "agriculteur"."""
    english, french = _ENGLISH.stemWord(word), _FRENCH.stemWord(word)
    return (english,) if english == french else (english, french)


def stemmed(text: str) -> str:
    """Every stem of every word of the text, separated by spaces: what the search index holds."""
    return " ".join(stem for word in words(text) for stem in stems(word))


def registration_key(number: str) -> str:
    """A registration number as compared: its letters and digits only, without case or accents."""
    return "".join(words(number))[:100]
