"""Vocabularies (taxonomies, terms, attributes) and the change history in a file."""

import re
import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from relais.directory.models import (
    Attribute,
    ChangeRecord,
    Contact,
    Location,
    Organization,
    Service,
    Taxonomy,
    TaxonomyTerm,
)

from ..readers import TEMPLATE_NAMESPACE, Row
from .values import (
    Prepared,
    RowError,
    as_text,
    parse_timestamp,
)
from .writer import Writer


class VocabularyTables(Writer):
    def prepare_taxonomy(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        existing = self._existing(Taxonomy, [i for i, *_x in prepared])
        kept = []
        for record_id, values, where in prepared:
            if record_id not in existing:
                self.new_taxonomies.add(record_id)
                values["slug"] = self._free_slug(
                    Taxonomy,
                    slugify(values.get(f"name_{self.language}", ""))[:50] or "taxonomy",
                    record_id,
                )
            kept.append((record_id, values, where))
        return kept

    def prepare_taxonomy_term(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        items = self._refs(prepared, rows, ["taxonomy_id", "parent_id"])
        taxonomies = self._existing(Taxonomy, [r["taxonomy_id"] for *_x, r in items])
        existing_terms = TaxonomyTerm.objects.in_bulk([i for i, *_x in items])
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            taxonomy_id = refs["taxonomy_id"]
            if taxonomy_id not in taxonomies:
                taxonomy_id = self._taxonomy_named(row, taxonomy_id)
                taxonomies.add(taxonomy_id)
            values["taxonomy_id"] = taxonomy_id
            self._name_new_taxonomy(taxonomy_id, row.get("taxonomy"))
            code = slugify(str(row.get("code") or "").strip())[:64]
            current = existing_terms.get(record_id)
            if not code:
                code = (
                    current.code
                    if current
                    else slugify(values.get(f"name_{self.language}", ""))[:50] or "term"
                )
            clash = (
                TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_id, code=code)
                .exclude(pk=record_id)
                .first()
            )
            if clash is not None:
                self.error(
                    where,
                    "code",
                    _(
                        "The code %(code)s is already used "
                        "by the term %(id)s of this taxonomy."
                    )
                    % {"code": code, "id": clash.pk},
                )
                continue
            values["code"] = code
            if current is None:
                # Terms keep the order they have in the file.
                position = self.term_positions.get(taxonomy_id, 0)
                self.term_positions[taxonomy_id] = position + 1
                values["position"] = min(position, 32767)
            if refs["parent_id"]:
                self.term_parents.append((record_id, refs["parent_id"], where))
            kept.append((record_id, values, where))
        return kept

    def _name_new_taxonomy(self, taxonomy_id: uuid.UUID, text: Any) -> None:
        """A taxonomy created by this import takes the code its terms call it by."""
        code = str(text or "").strip()
        if taxonomy_id not in self.new_taxonomies or not re.fullmatch(
            r"[-\w]{1,64}", code
        ):
            return
        self.new_taxonomies.discard(taxonomy_id)
        if not Taxonomy.objects.filter(slug=code).exists():
            Taxonomy.objects.filter(pk=taxonomy_id).update(slug=code)

    def _taxonomy_named(self, row: Row, taxonomy_id: uuid.UUID | None) -> uuid.UUID:
        """The taxonomy a term names by text; created when missing."""
        name = str(row.get("taxonomy") or "").strip() or "imported"
        found = (
            Taxonomy.objects.filter(slug=slugify(name)[:64])
            .values_list("pk", flat=True)
            .first()
        )
        if found is not None:
            return found
        record_id = taxonomy_id or uuid.uuid5(TEMPLATE_NAMESPACE, f"taxonomy/{name}")
        taxonomy = Taxonomy(
            id=record_id,
            slug=self._free_slug(Taxonomy, slugify(name)[:50] or "taxonomy", record_id),
        )
        setattr(taxonomy, f"name_{self.language}", name[:200])
        taxonomy.save()
        self._provenance(Taxonomy, [taxonomy.pk], "create")
        self.count("taxonomy", "created")
        return record_id

    def prepare_attribute(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        items = self._refs(prepared, rows, ["link_id", "taxonomy_term_id"])
        terms = self._existing(
            TaxonomyTerm, [r["taxonomy_term_id"] for *_x, r in items]
        )
        entities: dict[str, type[models.Model]] = {
            Attribute.LinkEntity.ORGANIZATION: Organization,
            Attribute.LinkEntity.SERVICE: Service,
            Attribute.LinkEntity.LOCATION: Location,
            Attribute.LinkEntity.CONTACT: Contact,
        }
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            entity = str(row.get("link_entity") or "").strip()
            if entity not in entities or refs["link_id"] is None:
                self.findings.warning(
                    where,
                    "link_entity",
                    _(
                        "Relais tags organisations, services, locations "
                        "and contacts only; this attribute was not imported."
                    ),
                )
                continue
            if refs["taxonomy_term_id"] not in terms:
                self.findings.warning(
                    where,
                    "taxonomy_term_id",
                    _(
                        "The taxonomy term %(id)s is neither in the file "
                        "nor in the directory; this attribute was not imported."
                    )
                    % {"id": refs["taxonomy_term_id"]},
                )
                continue
            model = entities[entity]
            owner = (
                model._default_manager.filter(pk=refs["link_id"])
                .values_list(
                    "pk" if model is Organization else "organization_id", flat=True
                )
                .first()
            )
            if owner is None:
                self.findings.warning(
                    where,
                    "link_id",
                    _(
                        "The tagged record %(id)s is neither in the file "
                        "nor in the directory; this attribute was not imported."
                    )
                    % {"id": refs["link_id"]},
                )
                continue
            clash = (
                Attribute.objects.filter(
                    taxonomy_term_id=refs["taxonomy_term_id"],
                    link_entity=entity,
                    link_id=refs["link_id"],
                )
                .exclude(pk=record_id)
                .exists()
            )
            if clash:
                self.count("attribute", "unchanged")
                continue
            values.update(
                taxonomy_term_id=refs["taxonomy_term_id"],
                link_entity=entity,
                link_id=refs["link_id"],
            )
            self.touched.add(owner)
            kept.append((record_id, values, where))
        return kept

    def apply_metadata(self, prepared: Prepared, rows: list[Row]) -> None:
        """Change history carried by the file: appended, never rewritten."""
        items = self._refs(prepared, rows, ["resource_id"])
        existing = self._existing(ChangeRecord, [i for i, *_x in items])
        new = []
        for record_id, _values, where, refs in items:
            if record_id in existing:
                self.count("metadata", "unchanged")
                continue
            row = refs["_row"]
            action = str(row.get("last_action_type") or "").strip().lower()
            try:
                moment = parse_timestamp(
                    row.get("last_action_date"), "last_action_date"
                )
                if refs["resource_id"] is None:
                    raise RowError("resource_id", _("This field is required."))
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            if action not in ChangeRecord.Action.values:
                self.findings.warning(
                    where,
                    "last_action_type",
                    _("Unknown action %(value)s; this history entry was not imported.")
                    % {"value": action},
                )
                continue
            new.append(
                ChangeRecord(
                    id=record_id,
                    resource_id=refs["resource_id"],
                    resource_type=str(row.get("resource_type") or "")[:50],
                    last_action_date=moment or timezone.now(),
                    last_action_type=action,
                    field_name=str(row.get("field_name") or "")[:100],
                    previous_value=as_text(row.get("previous_value")),
                    replacement_value=as_text(row.get("replacement_value")),
                    updated_by=str(row.get("updated_by") or "")[:300],
                )
            )
        ChangeRecord.objects.bulk_create(new, batch_size=500)
        self.count("metadata", "created", len(new))
