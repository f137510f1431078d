"""Findings of an import: what is wrong, or worth knowing, in which file, row, field."""

from dataclasses import asdict, dataclass, field
from typing import Any

# An import of a badly broken file stops collecting details after this many:
# the report stays readable and memory stays flat.
MAX_KEPT = 500

ERROR = "error"
WARNING = "warning"

# A finding may quote a bad value: its control characters are shown escaped,
# and PostgreSQL's JSON refuses a NUL in the stored report.
_CONTROL = {c: f"\\x{c:02x}" for c in range(32) if chr(c) not in "\t\n"}


@dataclass(frozen=True)
class Finding:
    level: str
    file: str
    row: int | str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row not in (None, ""):
            where += f", {self.row}"
        if self.field:
            where += f", {self.field}"
        return f"{self.level}: {where}: {self.message}"


class ImportFailed(Exception):
    """Raised inside the import transaction so that nothing of it is kept."""


@dataclass
class Findings:
    kept: list[Finding] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0

    def add(self, level: str, file: str, row: Any, field: str, message: Any) -> None:
        if level == ERROR:
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.kept) < MAX_KEPT:
            text = str(message).translate(_CONTROL)
            self.kept.append(Finding(level, file, row, field, text))

    def error(self, where: tuple[str, Any], field: str, message: Any) -> None:
        self.add(ERROR, where[0], where[1], field, message)

    def warning(self, where: tuple[str, Any], field: str, message: Any) -> None:
        self.add(WARNING, where[0], where[1], field, message)

    @property
    def omitted(self) -> int:
        return self.errors + self.warnings - len(self.kept)

    def as_json(self) -> list[dict[str, Any]]:
        return [asdict(f) for f in self.kept]
