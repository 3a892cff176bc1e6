"""Files kept beside the database (pitch decks), written and deleted in step with the transaction that
names them: a file replaced or withdrawn is deleted once the change commits, a file written by a change
that rolls back is deleted with it. Names given by users are made safe before they are sent back."""
import re
import unicodedata
from pathlib import Path, PureWindowsPath

from flask import Response
from sqlalchemy.orm import Session

from fundapp.database import listen
from fundapp.extensions import db

_ON_COMMIT = "fundapp.web.files.delete_on_commit"
_ON_ROLLBACK = "fundapp.web.files.delete_on_rollback"
# Characters a file name shown or saved elsewhere must not carry: path separators, quotes and reserved
# characters; and, by their Unicode category, controls, invisible format marks (a "right-to-left
# override" can make "gpj.exe" read as "exe.jpg"), line and paragraph separators, unassigned code points.
UNSAFE = re.compile(r'[\\/:*?"<>|;]')
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
NAME_LIMIT = 120


def written(path: Path) -> None:
    """A file this transaction wrote: deleted again if the transaction rolls back."""
    db.session.info.setdefault(_ON_ROLLBACK, []).append(path)


def replaced(path: Path) -> None:
    """A file this transaction no longer names: deleted once it commits."""
    db.session.info.setdefault(_ON_COMMIT, []).append(path)


def _delete(paths) -> None:
    for path in paths or ():
        Path(path).unlink(missing_ok=True)


def _after_commit(session: Session) -> None:
    session.info.pop(_ON_ROLLBACK, None)
    _delete(session.info.pop(_ON_COMMIT, None))


def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_ON_COMMIT, None)
        _delete(session.info.pop(_ON_ROLLBACK, None))


def safe_name(name: str | None, default: str = "deck.pdf", suffix: str = ".pdf") -> str:
    """A user's file name made safe to send back: its last path piece only, without control or
    reordering characters or reserved ones, bounded, and ending with the suffix."""
    name = PureWindowsPath(str(name or "")).name          # drops "a/b" and "a\\b" alike
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch) not in INVISIBLE)
    name = UNSAFE.sub("", name).strip(" .")
    if not name:
        return default
    stem = name[:-len(suffix)] if name.lower().endswith(suffix) else name
    return stem[:NAME_LIMIT - len(suffix)].rstrip(" .") + suffix if stem.strip(" .") else default


def init_app(_app) -> None:
    """Bind this module's listeners (once, however many applications are made)."""
    listen(Session, "after_commit", _after_commit)
    listen(Session, "after_soft_rollback", _after_rollback)


def pdf_response(data: bytes, name: str) -> Response:
    """A PDF to download under its name."""
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
