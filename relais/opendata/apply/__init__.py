"""Writing imported rows: validate, resolve references, create or update in bulk.

`Applier.apply(table, rows)` takes one batch of one HSDS table. Records are
matched by their HSDS id; a record whose fields all equal the file's is left
alone, a changed one is updated in place with one ChangeRecord per changed
field, and every created or updated record gets an ImportedRecord row (its
provenance). The caller runs everything inside one transaction and rolls it
back when the findings hold an error.
"""

from django.utils.translation import gettext as _

from .listings import ListingTables
from .vocabularies import VocabularyTables


class Applier(ListingTables, VocabularyTables):
    """Applies batches of HSDS rows for one import run; `finish()` at the end."""

    def finish(self) -> None:
        for _location_id, (refs, _values) in self.pending_locations.items():
            named = refs.get("organization_id")
            where = refs["_row"]["_where"]
            if named is not None:
                self.error(
                    where,
                    "organization_id",
                    self._missing_message("organization_id", named),
                )
            else:
                self.findings.warning(
                    where,
                    "organization_id",
                    _(
                        "Relais keeps locations under an organisation, and this "
                        "one has none: it was not imported, nor what it holds."
                    ),
                )
        self.pending_locations = {}
        self._apply_parents()
        self._apply_organization_dates()
        self.flush_index()


__all__ = ["Applier"]
