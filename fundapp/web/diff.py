"""Two versions of a text, word by word, as a reader compares them: what was removed, what was added."""
import re
from difflib import SequenceMatcher

from markupsafe import Markup, escape

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(before: str, after: str) -> Markup:
    """The later text with the words removed from the earlier one in <del> and those added in <ins>;
    everything the user wrote is escaped."""
    old, new = _WORDS.findall(before or ""), _WORDS.findall(after or "")
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            parts.append(Markup("<del>%s</del>") % "".join(old[i1:i2]))
        if op in ("replace", "insert"):
            parts.append(Markup("<ins>%s</ins>") % "".join(new[j1:j2]))
        if op == "equal":
            parts.append(escape("".join(new[j1:j2])))
    return Markup("").join(parts)
