"""Text as search and comparison read it: without case or accents, in words, and each word's English and
French stems (Snowball, the stemmers PostgreSQL's own configurations use)."""
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+")
MAX_WORD = 60           # characters of a word compared: a longer one is cut, alike on every side
_ENGLISH = snowballstemmer.stemmer("english")
_FRENCH = snowballstemmer.stemmer("french")


def plain(text: str) -> str:
    """The text without accents, invisible formatting characters (a zero-width space, a soft hyphen) or
    case, its digits in 0 to 9: "Thiès", "THIES" and "Thi\u200bès" read alike, and so do "١٢" and "12"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in decomposed
                   if not unicodedata.combining(c) and unicodedata.category(c) != "Cf").casefold()


def words(text: str) -> list[str]:
    """The plain text's words, in order (punctuation, spaces and symbols separate them), each cut to
    MAX_WORD characters."""
    return [word[:MAX_WORD] for word in WORD.findall(plain(text))]


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
    """A registration number as searched: its letters and digits only, without case or accents."""
    return "".join(WORD.findall(plain(number)))[:100]


def comparable_key(number: str) -> str:
    """A registration number as compared between companies: its key, when it can name one company (at
    least four characters, a digit among them); else nothing ("N/A", "0" and "TBD" name nobody)."""
    key = registration_key(number)
    return key if len(key) >= 4 and any(c.isdigit() for c in key) else ""
