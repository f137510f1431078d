"""PDF editions (WeasyPrint): one way to lay out an HTML page on paper."""


def html_to_pdf(html: str) -> bytes:
    """`html` laid out as PDF. Nothing is fetched while rendering (the pages
    carry their own styles), so a document can never call out. Raises OSError
    when the host lacks pango (callers answer 503 and point to the web page)."""
    from weasyprint import HTML

    return bytes(HTML(string=html, url_fetcher=_no_fetch).write_pdf())


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(url)
