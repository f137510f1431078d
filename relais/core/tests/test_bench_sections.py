"""docs/benchmarks.md: each benchmark script replaces only its own section
(bench/doc_sections.py), so `make bench` no longer drops the load test's,
the backup's or the hand-written findings."""

import importlib.util
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]


def _doc_sections():
    spec = importlib.util.spec_from_file_location(
        "doc_sections", PROJECT / "bench" / "doc_sections.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DOCUMENT = """<!-- bench:begin -->
# Benchmarks
old search figures
<!-- bench:end -->

Hand-written reading of the search figures.

<!-- load:begin -->
## Load test
0 lost writes
<!-- load:end -->
"""


def test_a_run_replaces_its_section_and_keeps_the_rest(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    _doc_sections().section_replace("bench", "# Benchmarks\nnew figures\n", path)
    text = path.read_text(encoding="utf-8")
    assert "new figures" in text
    assert "old search figures" not in text
    assert "Hand-written reading of the search figures." in text
    assert "## Load test\n0 lost writes" in text
    assert text.count("<!-- bench:begin -->") == 1
    assert text.index("new figures") < text.index("Hand-written")


def test_a_first_run_appends_its_section(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    _doc_sections().section_replace("backup", "## Backup\n2.0 s", path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(DOCUMENT.rstrip("\n"))
    assert text.endswith(
        "\n\n<!-- backup:begin -->\n## Backup\n2.0 s\n<!-- backup:end -->\n"
    )


def test_the_project_file_marks_every_scripts_section():
    text = (PROJECT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for name in ("bench", "hsds-search", "hsds-export", "hsds-import", "load"):
        begin, end = _doc_sections().markers(name)
        assert text.count(begin) == 1 and text.count(end) == 1
        assert text.index(begin) < text.index(end)
