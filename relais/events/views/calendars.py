"""Calendar files: one event, and feeds by country or audience."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from relais.accounts.models import Profession

from .. import ical, selectors
from .base import explained_404


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@explained_404
@login_not_required
@require_safe
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(slug=slug, user=request.user)
    if event is None or not event.is_public:
        # A private event has no public calendar file, even for its organisers
        # (calendar programs share subscriptions).
        raise Http404(_("This event has no calendar file: it is private or unknown."))
    return _ics(
        ical.calendar_of([event], name=event.title, request=request),
        f"{event.slug}.ics",
    )


@explained_404
@login_not_required
@require_safe
def feed_country(request: HttpRequest, code: str) -> HttpResponse:
    from django_countries import countries

    if code.upper() not in dict(countries):
        raise Http404(_("Unknown country code."))
    name = _("Relais events: %(country)s") % {"country": countries.name(code.upper())}
    events = selectors.public_events(country=code)
    return _ics(ical.calendar_of(events, name=name, request=request), f"{code}.ics")


@explained_404
@login_not_required
@require_safe
def feed_audience(request: HttpRequest, profession: str) -> HttpResponse:
    labels = dict(Profession.choices)
    if profession not in labels:
        raise Http404(_("Unknown audience."))
    name = _("Relais events for: %(audience)s") % {"audience": labels[profession]}
    events = selectors.public_events(audience=profession)
    return _ics(
        ical.calendar_of(events, name=name, request=request), f"{profession}.ics"
    )


@login_not_required
@require_safe
def feeds(request: HttpRequest) -> HttpResponse:
    from django_countries import countries

    codes = sorted(
        {
            str(c)
            for c in selectors.public_events().values_list("country", flat=True)
            if c
        }
    )
    return render(
        request,
        "events/feeds.html",
        {
            "countries": [(c.lower(), countries.name(c)) for c in codes],
            "professions": Profession.choices,
            "base": request.build_absolute_uri(reverse("events:list")),
        },
    )
