"""The search indexes on the shared engines, by name, and one rebuild for all."""

from collections.abc import Callable, Iterable

_rebuilders: dict[str, Callable[[], int]] = {}


def index_register(name: str, rebuild: Callable[[], int]) -> None:
    """`rebuild()` rebuilds the index from its app's records and returns a count."""
    _rebuilders[name] = rebuild


def index_names() -> list[str]:
    return list(_rebuilders)


def index_rebuild(names: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the named indexes (all, in the order their apps were installed).

    Each rebuild runs in its own transaction: an index is either rebuilt
    whole or left as it was.
    """
    chosen = list(_rebuilders) if names is None else list(names)
    unknown = [name for name in chosen if name not in _rebuilders]
    if unknown:
        raise KeyError(f"No search index named {', '.join(unknown)}.")
    return {name: _rebuilders[name]() for name in chosen}
