"""French punctuation spacing, applied to the French catalogue and French texts.

French typography puts a space before the "high" punctuation marks (: ; ! ?)
and inside guillemets (« »). That space must not break: a colon alone at
the start of a line, or a guillemet cut from its word, is a typesetting error.
We use a no-break space (U+00A0) before the colon and inside guillemets, and
a narrow no-break space (U+202F) before ; ! ? — the usage of the Imprimerie
nationale's *Lexique des règles typographiques*.

`make translations` runs ``python -m relais.core.typography`` on the French
catalogue and on the knowledge base's French texts (JSON files);
relais/core/tests/test_catalogues.py and the knowledge tests keep it that way.
A colon written between two pieces of text outside any message ("Belgique :
droits des victimes", "Adresse : ...") comes from `colon` (in templates the
``{% colon %}`` tag of the ``relais`` library), so it is spaced the same way.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

NBSP = "\u00a0"
NNBSP = "\u202f"

# A plain space (or none, after a letter or a closing bracket) before a high
# mark. Not touched: "12:00", "https://", "Authorization: Bearer" inside
# quotes copied from code (kept because the text before the colon is ASCII
# code-like only when followed by no space, which this rule leaves alone).
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:(?=\s|$)")
_BEFORE_OTHERS = re.compile(r"[ \u00a0\u202f]+([;!?])")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]*»")


def french_spacing(text: str) -> str:
    """Return *text* with no-break spaces where French typography wants them.

    Only spaces that are already there are made unbreakable (and guillemets
    always get theirs): a colon glued to a word, as in a URL or a time, is
    left alone.
    """
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _BEFORE_OTHERS.sub(NNBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    return _BEFORE_CLOSING.sub(NBSP + "»", text)


def colon(language: str | None = None) -> str:
    """The colon that follows a label in `language` (by default the active
    one): after a no-break space in French, glued to the word elsewhere."""
    code = (language or get_language() or "").split("-")[0]
    return NBSP + ":" if code == "fr" else ":"


def semicolon(language: str | None = None) -> str:
    """The semicolon between items of a list in `language`: after a narrow
    no-break space in French, glued to the word elsewhere."""
    code = (language or get_language() or "").split("-")[0]
    return NNBSP + ";" if code == "fr" else ";"


def _unquote(piece: str) -> str:
    return (
        piece[1:-1]
        .replace('\\"', '"')
        .replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\\\", "\\")
    )


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def fix_catalogue(path: Path) -> int:
    """Apply `french_spacing` to every msgstr of a .po file; return the count changed.

    The file is rewritten with each changed msgstr on one line; run
    ``msgcat`` afterwards to wrap it the usual way (make translations does).
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    changed = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        match = re.match(r"^(msgstr(?:\[\d+\])?) (\".*\")$", line)
        if not match:
            out.append(line)
            index += 1
            continue
        keyword, first = match.groups()
        pieces = [first]
        index += 1
        while index < len(lines) and lines[index].startswith('"'):
            pieces.append(lines[index])
            index += 1
        text = "".join(_unquote(piece) for piece in pieces)
        fixed = french_spacing(text)
        if fixed != text and text:
            changed += 1
            out.append(f"{keyword} {_quote(fixed)}")
        else:
            out.append(line)
            out.extend(pieces[1:])
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return changed


def _spaced(value: Any) -> Any:
    if isinstance(value, str):
        return french_spacing(value)
    if isinstance(value, list):
        return [_spaced(item) for item in value]
    if isinstance(value, dict):
        return {key: _spaced(item) for key, item in value.items()}
    return value


def fix_json(path: Path) -> int:
    """Apply `french_spacing` to every string value of a JSON file (the
    knowledge base's French texts); return the count changed. The file is
    rewritten only when something changed."""
    data = json.loads(path.read_text(encoding="utf-8"))
    fixed = _spaced(data)
    changed = sum(
        1
        for before, after in zip(_strings(data), _strings(fixed), strict=True)
        if before != after
    )
    if changed:
        path.write_text(
            json.dumps(fixed, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    return changed


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value
    if isinstance(value, dict | list):
        return [text for item in items for text in _strings(item)]
    return []


def main(argv: list[str]) -> int:
    for name in argv:
        path = Path(name)
        count = fix_json(path) if path.suffix == ".json" else fix_catalogue(path)
        print(f"{name}: French spacing fixed in {count} texts")
    return 0


if __name__ == "__main__":  # pragma: no cover - command-line entry
    sys.exit(main(sys.argv[1:]))
