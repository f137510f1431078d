"""Organisations and what they hold: services, locations, addresses, contacts..."""

import uuid
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from relais.core.bulk import select_in
from relais.directory.models import (
    Address,
    Assurance,
    ChangeRecord,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from relais.directory.phones import short_number_digits

from ..models import ImportedRecord
from ..readers import Row
from .values import (
    Item,
    Prepared,
    RowError,
    Where,
    as_text,
    country_code,
    is_blank,
    parse_timestamp,
    phone_e164,
    phone_without_its_plus,
    postal_code_with_its_zeros,
    text_of,
)
from .writer import Writer


class ListingTables(Writer):
    """Each record's organisation resolved, each reference checked."""

    def prepare_organization(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        items = self._refs(prepared, rows, ["parent_organization_id"])
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            if row.get("_template"):
                try:
                    values["country"] = country_code(
                        row.get("country"), "country", required=True
                    )
                except RowError as exc:
                    self.error(where, exc.field, exc.message)
                    row["_failed"] = True
                    continue
            if refs["parent_organization_id"]:
                self.parents.append((record_id, refs["parent_organization_id"], where))
            kept.append((record_id, values, where))
        return kept

    def prepare_service(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        items = self._refs(prepared, rows, ["organization_id"])
        known = self._existing(
            Organization, [r["organization_id"] or r["_owner"] for *_x, r in items]
        )
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            org = refs["organization_id"] or refs["_owner"]
            if org is None:
                self.error(
                    where, "organization_id", _("A service must name its organisation.")
                )
                continue
            if org not in known:
                self.error(
                    where,
                    "organization_id",
                    _(
                        "The organisation %(id)s is "
                        "neither in the file nor in the directory."
                    )
                    % {"id": org},
                )
                continue
            values["organization_id"] = org
            try:
                self._organization_dates(org, row)
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            kept.append((record_id, values, where))
        return kept

    def _organization_dates(self, org: uuid.UUID, row: Row) -> None:
        """Verification and modification dates travel on HSDS services."""
        dates: dict[str, Any] = {}
        if not is_blank(row.get("assured_date")):
            field = Organization._meta.get_field("assured_date")
            try:
                dates["assured_date"] = field.clean(row["assured_date"], None)
                # HSDS exports leave out the date of listings compiled from
                # public sources (see hsds.py): a date in a file was checked.
                dates["assurance"] = Assurance.CONFIRMED
            except ValidationError as exc:
                raise RowError("assured_date", " ".join(exc.messages)) from None
        if not is_blank(row.get("assurer_email")):
            dates["assurer"] = str(row["assurer_email"]).strip()[:300]
        modified = parse_timestamp(row.get("last_modified"), "last_modified")
        if modified is not None:
            dates["updated_at"] = modified
        if dates:
            self.organization_dates.setdefault(org, {}).update(dates)

    def _owner_of(
        self,
        where: Where,
        refs: dict[str, Any],
        owners: dict[str, dict[Any, uuid.UUID]],
        known_orgs: set[Any],
    ) -> uuid.UUID | None:
        """A record's organisation: its own, else that of what it is attached to."""
        named = refs.get("organization_id")
        if named in known_orgs:
            return named
        candidates = [refs.get("_owner")] if refs.get("_owner") in known_orgs else []
        for column in ("service_id", "location_id", "contact_id"):
            target = refs.get(column)
            if target is not None and target in owners.get(column, {}):
                candidates.append(owners[column][target])
        if candidates:
            if named is not None:
                self.findings.warning(
                    where,
                    "organization_id",
                    _(
                        "The organisation %(id)s is neither in the file nor in the "
                        "directory; the record was attached to the organisation it is "
                        "linked to."
                    )
                    % {"id": named},
                )
            return candidates[0]
        return None

    def _attached(
        self, items: list[Item], columns: list[str]
    ) -> tuple[dict[str, dict[Any, uuid.UUID]], set[Any]]:
        models_by_column = {
            "service_id": Service,
            "location_id": Location,
            "contact_id": Contact,
        }
        owners = {
            column: self._owners(
                models_by_column[column], [r[column] for *_x, r in items]
            )
            for column in columns
        }
        known_orgs = self._existing(
            Organization,
            [r.get("organization_id") for *_x, r in items]
            + [r.get("_owner") for *_x, r in items]
            + [o for m in owners.values() for o in m.values()],
        )
        return owners, known_orgs

    def _dangling(
        self,
        where: Where,
        refs: dict[str, Any],
        owners: dict[str, dict[Any, uuid.UUID]],
        columns: list[str],
    ) -> str | None:
        for column in columns:
            target = refs.get(column)
            if target is not None and target not in owners.get(column, {}):
                return column
        return None

    def prepare_location(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        items = self._refs(prepared, rows, ["organization_id"])
        owners, known = self._attached(items, [])
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            try:
                values.update(self._coordinates(row, where))
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            org = self._owner_of(where, refs, owners, known)
            if org is None:
                # Perhaps reached through the service delivered there (tabular data).
                self.pending_locations[record_id] = (refs, values)
                continue
            values["organization_id"] = org
            kept.append((record_id, values, where))
        return kept

    def _coordinates(self, row: Row, where: Where) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for column, limit in (("latitude", 90), ("longitude", 180)):
            raw = row.get(column)
            if is_blank(raw):
                values[column] = None
                continue
            try:
                number = Decimal(str(raw)).quantize(Decimal("0.000001"))
            except InvalidOperation:
                raise RowError(
                    column, _("“%(value)s” is not a number.") % {"value": raw}
                ) from None
            if abs(number) > limit:
                self.findings.warning(
                    where,
                    column,
                    _("%(value)s is outside -%(limit)d…%(limit)d; it was left out.")
                    % {"value": raw, "limit": limit},
                )
                values[column] = None
            else:
                values[column] = number
        return values

    def prepare_service_at_location(
        self, prepared: Prepared, rows: list[Row]
    ) -> Prepared:
        items = self._refs(prepared, rows, ["service_id", "location_id"])
        services = self._owners(Service, [r["service_id"] for *_x, r in items])
        self._place_pending_locations(items, services)
        locations = self._existing(Location, [r["location_id"] for *_x, r in items])
        pairs = {
            (s, loc): pk
            for pk, s, loc in select_in(
                ServiceAtLocation,
                ["id", "service_id", "location_id"],
                "service_id",
                services,
            )
            if loc in locations
        }
        kept = []
        for record_id, values, where, refs in items:
            missing = None
            for column, known in (("service_id", services), ("location_id", locations)):
                if refs[column] is None:
                    self.error(where, column, _("This field is required."))
                    missing = column
                elif refs[column] not in known:
                    self.error(
                        where, column, self._missing_message(column, refs[column])
                    )
                    missing = column
            if missing:
                continue
            other = pairs.get((refs["service_id"], refs["location_id"]))
            if other is not None and other != record_id:
                self.error(
                    where,
                    "id",
                    _("This service is already linked to this location (as %(id)s).")
                    % {"id": other},
                )
                continue
            values["service_id"] = refs["service_id"]
            values["location_id"] = refs["location_id"]
            kept.append((record_id, values, where))
        return kept

    def _place_pending_locations(
        self, items: list[Item], services: dict[Any, uuid.UUID]
    ) -> None:
        placed = []
        for _id, _values, _where, refs in items:
            location_id = refs["location_id"]
            if location_id in self.pending_locations and refs["service_id"] in services:
                loc_refs, values = self.pending_locations.pop(location_id)
                named = loc_refs.get("organization_id")
                if named is not None:
                    self.findings.warning(
                        loc_refs["_row"]["_where"],
                        "organization_id",
                        _(
                            "The organisation %(id)s is neither in the file nor in the "
                            "directory; the record was attached to the organisation it "
                            "is linked to."
                        )
                        % {"id": named},
                    )
                values["organization_id"] = services[refs["service_id"]]
                placed.append((location_id, values, loc_refs["_row"]["_where"]))
        if placed:
            self.save(Location, "location", placed)

    def prepare_address(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        items = self._refs(prepared, rows, ["location_id"])
        locations = self._owners(Location, [r["location_id"] for *_x, r in items])
        kept = []
        for record_id, values, where, refs in items:
            if refs["location_id"] is None:
                self.error(where, "location_id", _("This field is required."))
                continue
            if refs["location_id"] not in locations:
                self.error(
                    where,
                    "location_id",
                    self._missing_message("location_id", refs["location_id"]),
                )
                continue
            try:
                values["country"] = country_code(
                    refs["_row"].get("country"), "country", required=True
                )
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            restored = postal_code_with_its_zeros(
                values.get("postal_code") or "", values["country"]
            )
            if restored is not None:
                self.findings.warning(
                    where,
                    "postal_code",
                    _(
                        "The postal code %(value)s is too short for %(country)s; "
                        "read as %(code)s (a spreadsheet drops leading zeros)."
                    )
                    % {
                        "value": values["postal_code"],
                        "country": values["country"],
                        "code": restored,
                    },
                )
                values["postal_code"] = restored
            values["location_id"] = refs["location_id"]
            self.touched.add(locations[refs["location_id"]])
            kept.append((record_id, values, where))
        return kept

    def _owned(
        self, prepared: Prepared, rows: list[Row], columns: list[str]
    ) -> Iterator[Item]:
        items = self._refs(prepared, rows, ["organization_id", *columns])
        owners, known = self._attached(items, columns)
        for record_id, values, where, refs in items:
            column = self._dangling(where, refs, owners, columns)
            if column is not None:
                self.error(where, column, self._missing_message(column, refs[column]))
                continue
            org = self._owner_of(where, refs, owners, known)
            if org is None:
                named = refs.get("organization_id")
                self.error(
                    where,
                    "organization_id",
                    self._missing_message("organization_id", named)
                    if named
                    else _("This record belongs to no organisation."),
                )
                continue
            values["organization_id"] = org
            for column in columns:
                values[column] = refs[column]
            yield record_id, values, where, refs

    def prepare_contact(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        return [
            (record_id, values, where)
            for record_id, values, where, _refs in self._owned(
                prepared, rows, ["service_id", "location_id"]
            )
        ]

    def prepare_phone(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        kept = []
        items = list(
            self._owned(prepared, rows, ["service_id", "location_id", "contact_id"])
        )
        dialling = self._dialling_countries(items)
        for record_id, values, where, refs in items:
            row = refs["_row"]
            try:
                if is_blank(row.get("number")):
                    raise RowError("number", _("This field is required."))
                short = short_number_digits(str(text_of(row["number"])))
                if short is not None:
                    values["number"] = short
                    values["country"] = self._dialling_country(row, values, dialling)
                else:
                    values["number"] = self._phone_number(row, where)
                    values["country"] = ""
                extension = text_of(row.get("extension"))
                values["extension"] = (
                    "" if is_blank(extension) else str(extension).strip()[:10]
                )
                if is_blank(row.get("type")):
                    values["type"] = Phone.PhoneType.VOICE
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            kept.append((record_id, values, where))
        return kept

    def _dialling_countries(self, items: list[Item]) -> dict[Any, str]:
        """The country of each phone's location and organisation, where a short
        number in the file is dialled.

        HSDS carries no country on an organisation: one whose seat is not in
        the directory yet takes the country of its addresses, when they share
        one."""
        organizations = {values["organization_id"] for _i, values, *_x in items}
        found: dict[Any, str] = {
            pk: str(country)
            for pk, country in select_in(
                Organization, ["id", "country"], "id", organizations
            )
            if country
        }
        location_owner = dict(
            select_in(
                Location, ["id", "organization_id"], "organization_id", organizations
            )
        )
        address_countries: dict[Any, set[str]] = {}
        for location_id, country in select_in(
            Address, ["location_id", "country"], "location_id", location_owner
        ):
            found.setdefault(location_id, str(country))
            address_countries.setdefault(location_owner[location_id], set()).add(
                str(country)
            )
        for org, countries in address_countries.items():
            if len(countries) == 1:
                found.setdefault(org, countries.pop())
        return found

    def _dialling_country(
        self, row: Row, values: dict[str, Any], dialling: dict[Any, str]
    ) -> str:
        """A short number is dialled in its location's country, else its
        organisation's: HSDS has no country on a phone."""
        country = (
            row.get("_region")
            or dialling.get(values.get("location_id"))
            or dialling.get(values["organization_id"])
        )
        if not country:
            raise RowError(
                "number",
                _(
                    "“%(value)s” is a short number, dialled only inside one "
                    "country, and its organisation has no country: write it in "
                    "international form."
                )
                % {"value": row["number"]},
            )
        return country

    def _phone_number(self, row: Row, where: Where) -> str:
        try:
            return phone_e164(row["number"], row.get("_region"))
        except RowError:
            international = phone_without_its_plus(row["number"], row.get("_region"))
            if international is None:
                raise
        self.findings.warning(
            where,
            "number",
            _(
                "“%(value)s” was read as %(number)s, an international number "
                "whose + was lost (spreadsheets drop it). Check it."
            )
            % {"value": row["number"], "number": international},
        )
        return international

    def prepare_language(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        items = self._refs(prepared, rows, ["service_id", "location_id", "phone_id"])
        found = {
            "service_id": self._owners(Service, [r["service_id"] for *_x, r in items]),
            "location_id": self._owners(
                Location, [r["location_id"] for *_x, r in items]
            ),
            "phone_id": self._owners(Phone, [r["phone_id"] for *_x, r in items]),
        }
        field = Language._meta.get_field("code")
        kept = []
        for record_id, values, where, refs in items:
            code = str(refs["_row"].get("code") or "").strip().lower()
            try:
                values["code"] = field.clean(code, None)
            except ValidationError as exc:
                self.error(where, "code", " ".join(exc.messages))
                continue
            links: dict[str, Any] = {}
            for column, known in found.items():
                target = refs[column]
                if target is not None and target not in known:
                    self.error(where, column, self._missing_message(column, target))
                    links = {}
                    break
                links[column] = target
                if target is not None:
                    self.touched.add(known[target])
            if not any(links.values()):
                if not any(refs[c] for c in found):
                    self.error(
                        where,
                        "service_id",
                        _(
                            "A language must belong to a "
                            "service, a location or a phone."
                        ),
                    )
                continue
            values.update(links)
            kept.append((record_id, values, where))
        return kept

    def prepare_schedule(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        """Opening hours, linked to their service, location or service at a
        location and checked by the model's own rules (closing after opening,
        days or words)."""
        items = self._refs(
            prepared, rows, ["service_id", "location_id", "service_at_location_id"]
        )
        found = {
            "service_id": self._owners(Service, [r["service_id"] for *_x, r in items]),
            "location_id": self._owners(
                Location, [r["location_id"] for *_x, r in items]
            ),
            "service_at_location_id": self._service_at_location_owners(
                [r["service_at_location_id"] for *_x, r in items]
            ),
        }
        kept = []
        for record_id, values, where, refs in items:
            links: dict[str, Any] = {}
            for column, known in found.items():
                target = refs[column]
                if target is not None and target not in known:
                    self.error(where, column, self._missing_message(column, target))
                    break
                links[column] = target
            else:
                schedule = Schedule(**values, **links)
                try:
                    schedule.clean()
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        column = "service_id" if field == "location" else field
                        self.error(where, column, " ".join(messages))
                    continue
                for column, target in links.items():
                    if target is not None:
                        self.touched.add(found[column][target])
                values.update(links)
                kept.append((record_id, values, where))
        return kept

    def _service_at_location_owners(self, ids: list[Any]) -> dict[Any, uuid.UUID]:
        """{service at a location: its service's organisation}."""
        services = dict(select_in(ServiceAtLocation, ["id", "service_id"], "id", ids))
        owners = self._owners(Service, services.values())
        return {pk: owners[s] for pk, s in services.items() if s in owners}

    def prepare_service_area(self, prepared: Prepared, rows: list[Row]) -> Prepared:
        items = self._refs(prepared, rows, ["service_id"])
        services = self._owners(Service, [r["service_id"] for *_x, r in items])
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            if refs["service_id"] not in services:
                self.error(
                    where,
                    "service_id",
                    self._missing_message("service_id", refs["service_id"]),
                )
                continue
            values["service_id"] = refs["service_id"]
            country = ""
            if str(row.get("extent_type") or "").strip().lower() == "country":
                try:
                    country = country_code(row.get("extent"), "extent", required=False)
                except RowError as exc:
                    self.error(where, exc.field, exc.message)
                    continue
            values["country"] = country
            self.touched.add(services[refs["service_id"]])
            kept.append((record_id, values, where))
        return kept

    def _apply_parents(self) -> None:
        for model, links, field in (
            (Organization, self.parents, "parent_organization_id"),
            (TaxonomyTerm, self.term_parents, "parent_id"),
        ):
            for start in range(0, len(links), 1000):
                batch = links[start : start + 1000]
                known = self._existing(model, [p for _c, p, _w in batch])
                objs = model._default_manager.in_bulk([c for c, _p, _w in batch])
                changed: list[Any] = []
                for child, parent, where in batch:
                    obj = objs.get(child)
                    if obj is None:
                        continue
                    if parent not in known:
                        self.findings.warning(
                            where,
                            field,
                            _(
                                "%(column)s names %(id)s, which is neither in the "
                                "file nor in the directory; the link was left out."
                            )
                            % {"column": field, "id": parent},
                        )
                        continue
                    if getattr(obj, field) != parent:
                        setattr(obj, field, parent)
                        changed.append(obj)
                model._default_manager.bulk_update(changed, [field], batch_size=500)
                self._provenance(model, [o.pk for o in changed], "update")

    def _apply_organization_dates(self) -> None:
        items = list(self.organization_dates.items())
        self.organization_dates = {}
        for start in range(0, len(items), 1000):
            batch = dict(items[start : start + 1000])
            created_now = set(
                ImportedRecord.objects.filter(
                    run=self.run, action="create", resource_id__in=list(batch)
                ).values_list("resource_id", flat=True)
            )
            for org in Organization.objects.filter(pk__in=list(batch)).only(
                "id", "assured_date", "assurer", "assurance", "updated_at"
            ):
                wanted = batch[org.pk]
                changes = {k: v for k, v in wanted.items() if getattr(org, k) != v}
                if not changes:
                    continue
                for k, v in changes.items():
                    if k != "updated_at" and org.pk not in created_now:
                        ChangeRecord.objects.create(
                            resource_id=org.pk,
                            resource_type="organization",
                            last_action_type=ChangeRecord.Action.UPDATE,
                            field_name=k,
                            previous_value=as_text(getattr(org, k)),
                            replacement_value=as_text(v),
                            updated_by=self.updated_by,
                        )
                # update(), not save(): save() would stamp updated_at with now.
                Organization.objects.filter(pk=org.pk).update(**changes)
                self.touched.add(org.pk)
