import difflib

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_countries import countries
from django_htmx.middleware import HtmxDetails

from relais.core.pdf import html_to_pdf
from relais.core.ratelimit import rate_limited

from . import search, selectors, services
from .forms import (
    KnowledgeSearchForm,
    NavigatorForm,
    PracticeProposalForm,
    SectionEditForm,
)
from .markdown import markdown_to_html
from .models import (
    Audience,
    ContentVersion,
    HandbookSection,
    LegislationTopic,
    PracticeTopic,
    SearchKind,
)
from .navigator import navigate

MAX_COMPARED = 4


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _profile_or_404(code: str):  # type: ignore[no-untyped-def]
    profile = selectors.profile_get(code)
    if profile is None:
        raise Http404(_("There is no country profile for this country code."))
    return profile


@login_not_required
@require_safe
def knowledge_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "knowledge/home.html", {"profiles": selectors.profiles_all()}
    )


@login_not_required
@require_safe
def profile_detail(request: HttpRequest, code: str) -> HttpResponse:
    profile = _profile_or_404(code)
    return render(
        request,
        "knowledge/profile.html",
        {
            "profile": profile,
            "country_name": countries.name(profile.code),
            "matrix": selectors.rights_matrix([profile]),
            "profiles": selectors.profiles_all(),
        },
    )


@login_not_required
@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    codes = [c.upper() for c in request.GET.getlist("country") if c][:MAX_COMPARED]
    profiles = [selectors.profile_get(c) for c in dict.fromkeys(codes)]
    error = ""
    if any(p is None for p in profiles):
        error = _("One of the chosen countries has no profile.")
    chosen = [p for p in profiles if p is not None]
    if not error and codes and len(chosen) < 2:
        error = _("Choose at least two countries to compare.")
    return render(
        request,
        "knowledge/compare.html",
        {
            "profiles": selectors.profiles_all(),
            "chosen_codes": [p.code for p in chosen],
            "matrix": selectors.rights_matrix(chosen) if len(chosen) >= 2 else None,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_not_required
@require_safe
def legislation_list(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country", "").upper()[:2]
    topic = request.GET.get("topic", "")[:40]
    q = request.GET.get("q", "")[:200]
    return render(
        request,
        "knowledge/legislation_list.html",
        {
            "provisions": selectors.provisions_filtered(
                country=country, topic=topic, q=q
            ),
            "profiles": selectors.profiles_all(),
            "topics": LegislationTopic.choices,
            "country": country,
            "topic": topic,
            "q": q,
        },
    )


@login_not_required
@require_safe
def provision_detail(request: HttpRequest, slug: str) -> HttpResponse:
    provision = selectors.provision_get(slug)
    if provision is None:
        raise Http404(_("No legislation entry has this address."))
    return render(request, "knowledge/provision.html", {"provision": provision})


@login_not_required
@require_safe
def practice_list(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country", "").upper()[:2]
    topic = request.GET.get("topic", "")[:40]
    q = request.GET.get("q", "")[:200]
    return render(
        request,
        "knowledge/practice_list.html",
        {
            "practices": selectors.practices_published(
                country=country, topic=topic, q=q
            ),
            "profiles": selectors.profiles_all(),
            "topics": PracticeTopic.choices,
            "country": country,
            "topic": topic,
            "q": q,
        },
    )


@login_not_required
@require_safe
def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    practice = selectors.practice_get_visible(slug, request.user)
    if practice is None:
        raise Http404(_("No good practice has this address."))
    return render(
        request,
        "knowledge/practice.html",
        {
            "practice": practice,
            "can_review": rules.has_perm("knowledge.edit", request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def practice_propose(request: HttpRequest) -> HttpResponse:
    form = PracticeProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        practice = services.practice_propose(
            user=request.user, **form.practice_fields()
        )
        messages.success(
            request,
            _("Thank you. An editor will review the practice before it is published."),
        )
        return redirect(practice)
    return render(request, "knowledge/practice_propose.html", {"form": form})


@require_http_methods(["POST"])
def practice_review(request: HttpRequest, slug: str) -> HttpResponse:
    if not rules.has_perm("knowledge.edit", request.user):
        raise PermissionDenied
    practice = selectors.practice_get_visible(slug, request.user)
    if practice is None:
        raise Http404(_("No good practice has this address."))
    services.practice_review(
        practice=practice, user=request.user, publish=request.POST.get("publish") == "1"
    )
    return redirect(practice)


@login_not_required
@require_safe
def handbook_contents(request: HttpRequest) -> HttpResponse:
    audience = request.GET.get("audience", "")
    if audience not in Audience.values:
        audience = ""
    return render(
        request,
        "knowledge/handbook.html",
        {
            "chapters": selectors.handbook_chapters(audience=audience),
            "audiences": Audience.choices,
            "audience": audience,
        },
    )


def _handbook_edition() -> dict[str, object]:
    """The whole handbook in the reader's language, with its edition date (the
    last change of any section) and whether any section is a translation."""
    edition = [
        (chapter, [selectors.section_rendered(s) for s in chapter.sections.all()])
        for chapter in selectors.handbook_chapters()
    ]
    rendered = [r for _chapter, sections in edition for r in sections]
    return {
        "edition": edition,
        "edition_date": max((r.section.updated_at for r in rendered), default=None),
        "has_translation": any(r.language not in (None, "en") for r in rendered),
        "has_english": any(r.language == "en" for r in rendered),
    }


@login_not_required
@require_safe
def handbook_print(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledge/handbook_print.html", _handbook_edition())


@login_not_required
@rate_limited("pdf", methods=("GET", "HEAD"))
@require_safe
def handbook_pdf(request: HttpRequest) -> HttpResponse:
    html = render_to_string("knowledge/handbook_pdf.html", _handbook_edition(), request)
    try:
        pdf = html_to_pdf(html)
    except OSError:  # pango missing on this host: say so, keep the print edition
        return render(request, "knowledge/pdf_unavailable.html", status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="relais-handbook-{request.LANGUAGE_CODE}.pdf"'
    )
    return response


def _section_or_404(chapter: str, section: str) -> HandbookSection:
    found = selectors.section_get(chapter, section)
    if found is None:
        raise Http404(_("No handbook section has this address."))
    return found


@login_not_required
@require_safe
def section_detail(request: HttpRequest, chapter: str, section: str) -> HttpResponse:
    found = _section_or_404(chapter, section)
    return render(
        request,
        "knowledge/section.html",
        {
            "rendered": selectors.section_rendered(found),
            "can_edit": rules.has_perm("knowledge.edit", request.user),
        },
    )


@login_not_required
@require_safe
def section_history(request: HttpRequest, chapter: str, section: str) -> HttpResponse:
    found = _section_or_404(chapter, section)
    versions = list(
        ContentVersion.objects.filter(
            content_type=ContentType.objects.get_for_model(HandbookSection),
            object_id=found.pk,
        ).order_by("-number")
    )
    by_number = {v.number: v for v in versions}
    diff = None
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        a = b = 0
    if a in by_number and b in by_number:
        diff = list(
            difflib.unified_diff(
                by_number[a].data.get("body_en", "").splitlines(),
                by_number[b].data.get("body_en", "").splitlines(),
                fromfile=f"v{a}",
                tofile=f"v{b}",
                lineterm="",
            )
        )
    return render(
        request,
        "knowledge/section_history.html",
        {"section": found, "versions": versions, "diff": diff, "a": a, "b": b},
    )


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, chapter: str, section: str) -> HttpResponse:
    """The simple editor: edit the English text, preview it, save a new version."""
    if not rules.has_perm("knowledge.edit", request.user):
        raise PermissionDenied
    found = _section_or_404(chapter, section)
    form = SectionEditForm(
        request.POST or None,
        initial={"title": found.title_en, "body": found.body_en},  # type: ignore[attr-defined]
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = markdown_to_html(form.cleaned_data["body"])
        else:
            services.section_update(
                section=found,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                user=request.user,
            )
            messages.success(request, _("The section was saved as a new version."))
            return redirect(found)
    return render(
        request,
        "knowledge/section_edit.html",
        {"section": found, "form": form, "preview": preview},
    )


@login_not_required
@require_safe
def navigator(request: HttpRequest) -> HttpResponse:
    form = NavigatorForm(
        request.GET or None, initial={"sheet_language": request.LANGUAGE_CODE}
    )
    sheet = None
    if form.is_bound and form.is_valid():
        sheet = navigate(form.answers())
    response = render(
        request,
        "knowledge/navigator.html",
        {
            "form": form,
            "sheet": sheet,
            "sheet_language": form.cleaned_data["sheet_language"] if sheet else "",
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
    # The answers describe a person's situation: keep them out of caches and
    # of other sites' logs.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@rate_limited("pdf", methods=("GET", "HEAD"))
@require_safe
def navigator_pdf(request: HttpRequest) -> HttpResponse:
    """The navigator's sheet as a PDF, wholly in the sheet language, with its
    edition date. Like the page, it stores nothing and is never cached."""
    form = NavigatorForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        return redirect(reverse("knowledge:navigator") + "?" + request.GET.urlencode())
    sheet = navigate(form.answers())
    if sheet is None:
        raise Http404(_("There is no country profile for this country code."))
    language = form.cleaned_data["sheet_language"]
    with translation.override(language):
        html = render_to_string(
            "knowledge/sheet_pdf.html",
            {"sheet": sheet, "sheet_language": language},
            request,
        )
    try:
        pdf = html_to_pdf(html)
    except OSError:  # pango missing on this host: the page prints as well
        response = render(
            request,
            "knowledge/pdf_unavailable.html",
            {
                "printable_url": reverse("knowledge:navigator")
                + "?"
                + request.GET.urlencode()
            },
            status=503,
        )
    else:
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="relais-rights-sheet-{language}.pdf"'
        )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@rate_limited("search", methods=("GET", "HEAD"))
@require_safe
def knowledge_search(request: HtmxHttpRequest) -> HttpResponse:
    form = KnowledgeSearchForm(request.GET)
    query = form.search_query()
    result = search.knowledge_search(query)
    if result.total and query.page > result.pages:
        query.page = result.pages
        result = search.knowledge_search(query)
    kind_labels = dict(SearchKind.choices)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "form": form,
        "query": query,
        "result": result,
        "kinds": [
            (kind, kind_labels[kind], result.kind_counts.get(kind, 0))
            for kind in SearchKind.values
        ],
        "countries": [
            (p.code, result.country_counts.get(p.code, 0))
            for p in selectors.profiles_all()
        ],
        "filter_errors": [
            (form.fields[name].label or name, error)
            for name, errors in form.errors.items()
            for error in errors
        ],
        "query_without_page": query_without_page.urlencode(),
    }
    template = "knowledge/_search.html" if request.htmx else "knowledge/search.html"
    return render(request, template, context)
