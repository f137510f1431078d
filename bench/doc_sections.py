"""docs/benchmarks.md is written by several scripts: each owns one section
between `<!-- NAME:begin -->` and `<!-- NAME:end -->` and replaces only that,
so a run of one never drops another's results or the hand-written text
between them."""

import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def section_replace(name: str, body: str, path: Path = BENCHMARKS) -> None:
    """Put `body` between NAME's markers in `path`: in place of the section
    already there, else at the end (a new file holds the section alone)."""
    begin, end = markers(name)
    section = f"{begin}\n{body.strip(chr(10))}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: section, text, count=1)
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
