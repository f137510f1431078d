"""Markdown written by editors can never carry a script into a page."""

import pytest

from relais.knowledge.markdown import markdown_to_html

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<img src=x onerror="alert(1)">',
    '![x](x" onerror="alert(1))',
    '<iframe src="https://evil.example"></iframe>',
    '<p onclick="alert(1)">hi</p>',
    '<svg onload="alert(1)"></svg>',
    '<body onload="alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<a href="#" onmouseover="alert(1)">x</a>',
    "<scr<script>ipt>alert(1)</script>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<style>body{background:red}</style>",
    '<details open ontoggle="alert(1)">',
    "`<script>alert(1)</script>`",
]

DANGEROUS = [
    "<script",
    "javascript:",
    "vbscript:",
    "data:text",
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "ontoggle",
    "<iframe",
    "<object",
    "<embed",
    "<form",
    "<svg",
    "<style",
    "<meta",
    "<link",
    "style=",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_neutralised(payload):
    html = markdown_to_html(f"Before\n\n{payload}\n\nAfter").lower()
    for marker in DANGEROUS:
        assert marker not in html, (payload, html)
    assert "before" in html and "after" in html


def test_ordinary_markdown_keeps_its_formatting():
    html = markdown_to_html(
        "## Title\n\n**bold** and [a link](https://example.org/)\n\n- one\n- two"
    )
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org/"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "<li>one</li>" in html


def test_code_spans_show_markup_as_text():
    html = markdown_to_html("`<b>`")
    assert "&lt;b&gt;" in html
