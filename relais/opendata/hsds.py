"""Directory records as Open Referral HSDS 3.0 dicts, for the HSDS API and the exports.

One serialiser for every output: `/api/hsds/`, the HSDS JSON export and the
tabular datapackage. Field names and required fields follow the official
schemas (HSDS 3.0, shared/reference/hsds/schema). Optional fields with no
value are left out rather than sent as empty strings or nulls, because the
schemas type them as strings with formats (uuid, uri, email).

Visibility: the serialiser is built for a viewer and shows what
`relais.directory.visibility` lets that viewer see. Nested records come from
its `full_organizations` and `full_services`, which read only the locations,
contacts and phones the viewer may see.

Translated fields (`description_en`, `description_fr`, ...) are served in the
active language, falling back as `relais.core.languages.translated_field` does.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext

from relais.core.languages import language_name, translated_field
from relais.core.viewers import is_professional
from relais.directory.models import (
    Address,
    Assurance,
    Attribute,
    ChangeRecord,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from relais.directory.visibility import VisibleQuerySet

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://openreferral.org/imls/hsds/"

Record = dict[str, Any]


def _compact(record: Record, *, keep: Iterable[str] = ()) -> Record:
    """Drop empty optional fields; `keep` lists the fields the schema requires."""
    kept = set(keep)
    return {
        key: value
        for key, value in record.items()
        if key in kept or (value is not None and value != "")
    }


def _confirmed(organization: Any) -> bool:
    """HSDS's assured date says the details were checked: a compilation from
    public sources has not been, so its date is left out."""
    return bool(organization.assurance == Assurance.CONFIRMED)


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def _text(obj: object, field: str) -> str:
    value, _code = translated_field(obj, field)
    return value


def _extension(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def timestamp(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def service_rows(queryset: QuerySet[Service], chunk_size: int = 500) -> Iterator[Any]:
    """Services as light records for `service_base`, without building models.

    Streaming 100,000 services spends most of its time building model
    instances (and their translated fields); the one-to-one fields of a
    service and its organisation's verification are read as plain values.
    """
    languages = [code for code, _name in settings.LANGUAGES]
    fields = [
        "id",
        "organization_id",
        "name",
        "url",
        "email",
        "status",
        "fees_description",
        "eligibility_description",
        *[f"name_{code}" for code in languages],
        *[f"description_{code}" for code in languages],
    ]
    organization_fields = ["assured_date", "assurer", "assurance", "updated_at"]
    values = queryset.values(
        *fields, *[f"organization__{name}" for name in organization_fields]
    )
    for row in values.iterator(chunk_size=chunk_size):
        record = SimpleNamespace(**{name: row[name] for name in fields})
        record.pk = row["id"]
        record.organization = SimpleNamespace(
            **{name: row[f"organization__{name}"] for name in organization_fields}
        )
        yield record


def organizations_for_hsds() -> QuerySet[Organization]:
    """Organisations in a stable order, for listing and exporting."""
    return Organization.objects.order_by("name", "id")


def services_for_hsds() -> QuerySet[Service]:
    return Service.objects.select_related("organization").order_by(
        "organization__name", "name", "id"
    )


def service_at_locations_for_hsds() -> VisibleQuerySet[ServiceAtLocation]:
    return (
        ServiceAtLocation.objects.select_related("service__organization", "location")
        .prefetch_related(_schedules_prefetch())
        .order_by("service__organization__name", "service__name", "id")
    )


def _schedules() -> QuerySet[Schedule]:
    return Schedule.objects.order_by("id")


def _schedules_prefetch() -> Prefetch:
    return Prefetch("schedules", queryset=_schedules())


def _time(value: Any) -> str | None:
    # HH:MM:SS, the Table Schema `time` of the tabular HSDS and its examples.
    return value.strftime("%H:%M:%S") if value is not None else None


def _services() -> QuerySet[Service]:
    return Service.objects.order_by("name", "id").prefetch_related(
        Prefetch("languages", queryset=Language.objects.order_by("code", "id")),
        Prefetch("service_areas", queryset=ServiceArea.objects.order_by("name", "id")),
        Prefetch("schedules", queryset=_schedules()),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location")
            .prefetch_related(_schedules_prefetch())
            .order_by("id"),
        ),
    )


class HSDSSerializer:
    """Turns directory records into HSDS 3.0 dicts for one kind of reader.

    `load(ids)` fetches the attributes and change history of a batch of records
    in two queries; the streaming exports call it once per chunk.
    """

    def __init__(self, *, viewer: Any) -> None:
        """`viewer`: the user reading, or None for the public (open data)."""
        self.viewer = viewer
        self.professional = is_professional(viewer)
        self._attributes: dict[str, list[Attribute]] = defaultdict(list)
        self._metadata: dict[str, list[ChangeRecord]] = defaultdict(list)

    # Batch loading ------------------------------------------------------------

    def load(self, ids: Iterable[Any]) -> None:
        wanted = {str(i) for i in ids}
        self._attributes = defaultdict(list)
        self._metadata = defaultdict(list)
        if not wanted:
            return
        attributes = (
            Attribute.objects.filter(link_id__in=wanted)
            .select_related("taxonomy_term__taxonomy")
            .order_by("taxonomy_term__taxonomy__slug", "taxonomy_term__code", "id")
        )
        for attribute in attributes:
            self._attributes[str(attribute.link_id)].append(attribute)
        changes = ChangeRecord.objects.filter(resource_id__in=wanted).order_by(
            "last_action_date", "id"
        )
        for change in changes:
            self._metadata[str(change.resource_id)].append(change)

    @staticmethod
    def ids_of_organization(organization: Organization) -> list[Any]:
        """Every record id inside a prefetched organisation, for `load`."""
        ids: list[Any] = [organization.pk]
        for service in organization.services.all():
            ids.append(service.pk)
            ids.extend(sal.pk for sal in service.service_at_locations.all())
        for location in organization.locations.all():
            ids.append(location.pk)
        for contact in organization.contacts.all():
            ids.append(contact.pk)
        return ids

    # What the viewer may see ----------------------------------------------------

    def full_organizations(
        self, queryset: QuerySet[Organization]
    ) -> QuerySet[Organization]:
        """The prefetches a fully nested organisation needs, for this viewer."""
        return queryset.prefetch_related(
            Prefetch("locations", queryset=self._locations()),
            Prefetch("services", queryset=_services()),
            Prefetch("contacts", queryset=self._contacts()),
            Prefetch("phones", queryset=self._phones()),
        )

    def full_services(self, queryset: QuerySet[Service]) -> QuerySet[Service]:
        """The prefetches a fully nested service needs, for this viewer."""
        return queryset.select_related("organization").prefetch_related(
            Prefetch("languages", queryset=Language.objects.order_by("code", "id")),
            Prefetch(
                "service_areas", queryset=ServiceArea.objects.order_by("name", "id")
            ),
            Prefetch("schedules", queryset=_schedules()),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.order_by("id").prefetch_related(
                    _schedules_prefetch()
                ),
            ),
            Prefetch("organization__locations", queryset=self._locations()),
            Prefetch("organization__phones", queryset=self._phones()),
            Prefetch("organization__contacts", queryset=self._contacts()),
        )

    def _locations(self) -> QuerySet[Location]:
        return (
            Location.objects.visible_to(self.viewer)
            .order_by("name", "id")
            .prefetch_related(
                Prefetch("addresses", queryset=Address.objects.order_by("id")),
                Prefetch("languages", queryset=Language.objects.order_by("code", "id")),
                Prefetch("schedules", queryset=_schedules()),
            )
        )

    def _phones(self) -> QuerySet[Phone]:
        return (
            Phone.objects.visible_to(self.viewer)
            .order_by("id")
            .prefetch_related("languages")
        )

    def _contacts(self) -> QuerySet[Contact]:
        return (
            Contact.objects.visible_to(self.viewer)
            .order_by("name", "id")
            .prefetch_related(
                Prefetch(
                    "phones",
                    queryset=Phone.objects.visible_to(self.viewer).order_by("id"),
                )
            )
        )

    # Vocabularies ---------------------------------------------------------------

    def taxonomy(self, taxonomy: Taxonomy) -> Record:
        return _compact(
            {
                "id": str(taxonomy.pk),
                "name": _text(taxonomy, "name"),
                "description": _text(taxonomy, "description"),
                "uri": taxonomy.uri,
                "version": taxonomy.version,
                "metadata": self.metadata(taxonomy.pk),
            },
            keep=("id", "name", "description"),
        )

    def taxonomy_term(self, term: TaxonomyTerm, *, detail: bool = True) -> Record:
        name, code = translated_field(term, "name")
        record = {
            "id": str(term.pk),
            "code": term.code,
            "name": name,
            "description": _text(term, "description"),
            "parent_id": _id(term.parent_id),
            "taxonomy": term.taxonomy.slug,
            "taxonomy_detail": self.taxonomy(term.taxonomy) if detail else None,
            "language": code,
            "taxonomy_id": str(term.taxonomy_id),
            "term_uri": term.term_uri,
            "metadata": self.metadata(term.pk) if detail else None,
        }
        return _compact(record, keep=("id", "name", "description"))

    def attributes(self, record_id: Any) -> list[Record]:
        return [
            _compact(
                {
                    "id": str(attribute.pk),
                    "link_id": str(attribute.link_id),
                    "taxonomy_term_id": str(attribute.taxonomy_term_id),
                    "link_type": attribute.taxonomy_term.taxonomy.slug,
                    "link_entity": attribute.link_entity,
                    "value": attribute.value or attribute.label,
                    "taxonomy_term": self.taxonomy_term(
                        attribute.taxonomy_term, detail=False
                    ),
                },
                keep=("id",),
            )
            for attribute in self._attributes.get(str(record_id), [])
        ]

    def metadata(self, record_id: Any) -> list[Record]:
        return [
            {
                "id": str(change.pk),
                "resource_id": str(change.resource_id),
                "resource_type": change.resource_type,
                "last_action_date": timestamp(change.last_action_date),
                "last_action_type": change.last_action_type,
                "field_name": change.field_name,
                "previous_value": change.previous_value,
                "replacement_value": change.replacement_value,
                # Editors' names are for professionals, not for the open data.
                "updated_by": change.updated_by if self.professional else "",
            }
            for change in self._metadata.get(str(record_id), [])
        ]

    # Records --------------------------------------------------------------------

    def organization_base(self, organization: Organization) -> Record:
        """The one-to-one fields of an organisation (HSDS `organization_list`)."""
        return _compact(
            {
                "id": str(organization.pk),
                "name": organization.name,
                "alternate_name": organization.alternate_name,
                "description": _text(organization, "description"),
                "email": organization.email_for(self.viewer),
                "website": organization.website,
                "year_incorporated": organization.year_incorporated,
                "legal_status": organization.legal_status,
                "parent_organization_id": _id(organization.parent_organization_id),
            },
            keep=("id", "name", "description"),
        )

    def organization(
        self, organization: Organization, *, full_service: bool = False
    ) -> Record:
        """A fully nested organisation (HSDS compiled `organization`), from
        `full_organizations`."""
        record = self.organization_base(organization)
        record["contacts"] = [self.contact(c) for c in organization.contacts.all()]
        record["phones"] = [
            self.phone(p)
            for p in organization.phones.all()
            if p.service_id is None and p.contact_id is None
        ]
        record["locations"] = [
            self.location(loc, organization) for loc in organization.locations.all()
        ]
        record["attributes"] = self.attributes(organization.pk)
        record["metadata"] = self.metadata(organization.pk)
        record["services"] = [
            self.service(s, organization=organization, nested_organization=False)
            if full_service
            else {"id": str(s.pk), "name": _text(s, "name"), "status": s.status}
            for s in organization.services.all()
        ]
        return record

    def contact(self, contact: Contact) -> Record:
        record = _compact(
            {
                "id": str(contact.pk),
                "organization_id": str(contact.organization_id),
                "service_id": _id(contact.service_id),
                "location_id": _id(contact.location_id),
                "name": contact.name,
                "title": contact.title,
                "department": contact.department,
                "email": contact.email,
            },
            keep=("id",),
        )
        record["phones"] = [self.phone(p) for p in contact.phones.all()]
        record["attributes"] = self.attributes(contact.pk)
        return record

    def phone(self, phone: Phone) -> Record:
        record = self.phone_base(phone)
        record["languages"] = [self.language(lang) for lang in phone.languages.all()]
        return record

    def phone_base(self, phone: Phone) -> Record:
        return _compact(
            {
                "id": str(phone.pk),
                "location_id": _id(phone.location_id),
                "service_id": _id(phone.service_id),
                "organization_id": str(phone.organization_id),
                "contact_id": _id(phone.contact_id),
                "number": phone.number,
                "extension": _extension(phone.extension),
                # HSDS has no hotline type: the type stays HSDS's, the
                # description says it is a hotline.
                "type": phone.type,
                "description": _phone_description(phone),
            },
            keep=("id", "number"),
        )

    def language(self, language: Language) -> Record:
        return _compact(
            {
                "id": str(language.pk),
                "service_id": _id(language.service_id),
                "location_id": _id(language.location_id),
                "phone_id": _id(language.phone_id),
                "name": language_name(language.code),
                "code": language.code,
                "note": language.note,
            },
            keep=("id",),
        )

    def schedule(self, schedule: Schedule) -> Record:
        return _compact(
            {
                "id": str(schedule.pk),
                "service_id": _id(schedule.service_id),
                "location_id": _id(schedule.location_id),
                "service_at_location_id": _id(schedule.service_at_location_id),
                "valid_from": schedule.valid_from.isoformat()
                if schedule.valid_from
                else None,
                "valid_to": schedule.valid_to.isoformat()
                if schedule.valid_to
                else None,
                "freq": schedule.freq,
                "byday": schedule.byday,
                "opens_at": _time(schedule.opens_at),
                "closes_at": _time(schedule.closes_at),
                "description": schedule.description,
                "notes": schedule.notes,
            },
            keep=("id",),
        )

    def address(self, address: Address) -> Record:
        return _compact(
            {
                "id": str(address.pk),
                "location_id": str(address.location_id),
                "attention": address.attention,
                "address_1": address.address_1,
                "address_2": address.address_2,
                "city": address.city,
                "region": address.region,
                "state_province": address.state_province,
                "postal_code": address.postal_code,
                "country": str(address.country),
                "address_type": address.address_type,
            },
            keep=(
                "id",
                "address_1",
                "city",
                "state_province",
                "postal_code",
                "country",
                "address_type",
            ),
        )

    def location_base(self, location: Location) -> Record:
        return _compact(
            {
                "id": str(location.pk),
                "location_type": location.location_type,
                "organization_id": str(location.organization_id),
                "name": location.name,
                "description": location.description,
                "latitude": float(location.latitude)
                if location.latitude is not None
                else None,
                "longitude": float(location.longitude)
                if location.longitude is not None
                else None,
            },
            keep=("id", "location_type"),
        )

    def location(
        self, location: Location, organization: Organization | None = None
    ) -> Record:
        record = self.location_base(location)
        record["languages"] = [self.language(lang) for lang in location.languages.all()]
        record["addresses"] = [self.address(a) for a in location.addresses.all()]
        record["schedules"] = [self.schedule(s) for s in location.schedules.all()]
        if organization is not None:
            record["contacts"] = [
                self.contact(c)
                for c in organization.contacts.all()
                if c.location_id == location.pk
            ]
            record["phones"] = [
                self.phone(p)
                for p in organization.phones.all()
                if p.location_id == location.pk and p.contact_id is None
            ]
        record["attributes"] = self.attributes(location.pk)
        record["metadata"] = self.metadata(location.pk)
        return record

    def service_base(self, service: Service) -> Record:
        """The one-to-one fields of a service (HSDS `service_list`)."""
        organization = service.organization
        assurer = (
            organization.assurer
            if self.professional and _confirmed(organization)
            else ""
        )
        return _compact(
            {
                "id": str(service.pk),
                "organization_id": str(service.organization_id),
                "name": _text(service, "name") or service.name,
                "description": _text(service, "description"),
                "url": service.url,
                "email": service.email,
                "status": service.status,
                "fees_description": service.fees_description,
                "eligibility_description": service.eligibility_description,
                "assured_date": organization.assured_date.isoformat()
                if organization.assured_date and _confirmed(organization)
                else None,
                "assurer_email": assurer if "@" in assurer else "",
                "last_modified": timestamp(organization.updated_at),
            },
            keep=("id", "name", "status"),
        )

    def service(
        self,
        service: Service,
        *,
        organization: Organization | None = None,
        nested_organization: bool = True,
    ) -> Record:
        """A fully nested service (HSDS compiled `service`), from `full_services`
        or within an organisation from `full_organizations`."""
        organization = organization or service.organization
        locations = {loc.pk: loc for loc in organization.locations.all()}
        record = self.service_base(service)
        record["phones"] = [
            self.phone(p)
            for p in organization.phones.all()
            if p.service_id == service.pk and p.contact_id is None
        ]
        record["service_areas"] = [
            _compact(
                {
                    "id": str(area.pk),
                    "service_id": str(service.pk),
                    "name": area.name,
                    "description": area.description,
                    "extent": str(area.country) if area.country else None,
                    "extent_type": "country" if area.country else None,
                },
                keep=("id",),
            )
            for area in service.service_areas.all()
        ]
        record["service_at_locations"] = [
            self.service_at_location(sal, location=locations[sal.location_id])
            for sal in service.service_at_locations.all()
            if sal.location_id in locations
        ]
        record["languages"] = [self.language(lang) for lang in service.languages.all()]
        record["schedules"] = [self.schedule(s) for s in service.schedules.all()]
        if nested_organization:
            record["organization"] = self.organization_base(organization)
        record["contacts"] = [
            self.contact(c)
            for c in organization.contacts.all()
            if c.service_id == service.pk
        ]
        record["attributes"] = self.attributes(service.pk)
        record["metadata"] = self.metadata(service.pk)
        return record

    def service_at_location_base(self, sal: ServiceAtLocation) -> Record:
        return _compact(
            {
                "id": str(sal.pk),
                "service_id": str(sal.service_id),
                "location_id": str(sal.location_id),
                "description": sal.description,
            },
            keep=("id",),
        )

    def service_at_location(
        self, sal: ServiceAtLocation, *, location: Location | None = None
    ) -> Record:
        record = self.service_at_location_base(sal)
        location = location or sal.location
        record["location"] = self.location(location)
        record["schedules"] = [self.schedule(s) for s in sal.schedules.all()]
        record["attributes"] = self.attributes(sal.pk)
        record["metadata"] = self.metadata(sal.pk)
        return record

    def service_at_location_summary(self, sal: ServiceAtLocation) -> Record:
        """A service at a location with its location and service (HSDS `_list`)."""
        record = self.service_at_location_base(sal)
        record["location"] = self.location_base(sal.location)
        record["service"] = self.service_base(sal.service)
        return record


def _phone_description(phone: Phone) -> str:
    description = _text(phone, "description")
    if not phone.is_hotline:
        return description
    if not description:
        return gettext("Hotline")
    return gettext("Hotline: %(description)s") % {"description": description}
