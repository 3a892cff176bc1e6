"""Keyed seals of the evidence: each ledger row and each published report carries an HMAC-SHA256 of its
own values and of the seal before it in its table, under a key kept outside the database (SEAL_KEY).

Editing a row breaks its seal; deleting or inserting one breaks the next row's link; re-sealing needs
the key. A checkpoint (the fund's last seals, printed in each published report) lets anyone holding
the report have the ledger proved unchanged up to it. Pure: no Flask, no database."""
import hashlib
import hmac
import json
from datetime import UTC, date, datetime
from decimal import Decimal

GENESIS = "0" * 64      # what the first row of a table is chained to
SEAL_COLUMNS = frozenset({"id", "seal", "previous_seal"})


def _plain(value):
    """A column's value as the seal reads it, the same whichever database it was read back from."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo else value
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def canonical(values: dict) -> bytes:
    """A row's sealed values (all its columns but its id and its seals) as bytes, in one order."""
    return json.dumps({key: _plain(value) for key, value in values.items() if key not in SEAL_COLUMNS},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal(key: bytes, previous: str, values: dict) -> str:
    """The row's seal: HMAC-SHA256 under the key of the previous row's seal and the row's values."""
    return hmac.new(key, previous.encode() + b"\n" + canonical(values), hashlib.sha256).hexdigest()


def checkpoint(last_rows: dict[str, tuple[int, str] | None]) -> str:
    """The fund's ledger checkpoint: a SHA-256 of the last row (id and seal) of the fund in each ledger
    table. Each of those seals answers for every earlier row of its table, so the checkpoint answers
    for the whole ledger as it stood."""
    lines = [f"{table}:{row[0]}:{row[1]}" if row else f"{table}:-"
             for table, row in sorted(last_rows.items())]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def broken_links(rows: list[tuple[int, str, str, str]]) -> list[str]:
    """Where a table's chain breaks: rows are (id, previous_seal, seal, expected seal) in chain order.
    A row whose seal is not the one its values and link give was edited or forged; a row not linked to
    the row before it follows a deleted or inserted row."""
    problems, before = [], GENESIS
    for row_id, previous, stored, expected in rows:
        if previous != before:
            problems.append(f"row {row_id} is not linked to the row before it (a row was deleted or "
                            "inserted)")
        if not hmac.compare_digest(stored, expected):
            problems.append(f"row {row_id} does not match its seal (edited, forged or re-sealed)")
        before = stored
    return problems
