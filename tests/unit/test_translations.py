"""The French catalogue is complete and its compiled form is current."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "fundapp" / "translations" / "fr" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def source_messages() -> set[str]:
    method_map = [("fundapp/**.py", "python"), ("templates/**.html", "jinja2")]
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, keywords=KEYWORDS):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def key(message_id) -> str:
    """A message's id: a plural message is known by its singular."""
    return message_id if isinstance(message_id, str) else message_id[0]


def plural(string) -> tuple:
    """A translation as a tuple of its forms (one for a singular message)."""
    return (string,) if isinstance(string, str) else tuple(string)


def test_every_message_has_a_french_translation():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    translated = {key(m.id): m.string for m in catalogue
                  if m.id and m.string and all(plural(m.string)) and not m.fuzzy}
    missing = sorted(source_messages() - translated.keys())
    assert not missing, f"untranslated: {missing}"


def test_compiled_catalogue_matches_the_po_file():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        po = {key(m.id): plural(m.string) for m in read_po(handle) if m.id}
    with open(CATALOGUE / "messages.mo", "rb") as handle:
        mo = {key(m.id): plural(m.string) for m in read_mo(handle) if m.id}
    assert po == mo, "run: pybabel compile -d fundapp/translations"


def test_placeholders_survive_translation():
    import re
    with open(CATALOGUE / "messages.po", "rb") as handle:
        for message in read_po(handle):
            if message.id and message.string:
                pattern = r"%\(\w+\)[sd]"
                for text in plural(message.string):
                    assert sorted(re.findall(pattern, key(message.id))) == sorted(re.findall(pattern, text)), \
                        message.id
