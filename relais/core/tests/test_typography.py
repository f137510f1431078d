"""French punctuation spacing (relais.core.typography)."""

from django.template import Context, Template
from django.utils import translation

from relais.core.typography import NBSP, NNBSP, colon, fix_catalogue, french_spacing


def test_spaces_before_high_punctuation_become_unbreakable():
    assert french_spacing("Confirmer : oui") == f"Confirmer{NBSP}: oui"
    assert french_spacing("Vraiment ? Oui !") == f"Vraiment{NNBSP}? Oui{NNBSP}!"
    assert french_spacing("créée ; l’ancienne") == f"créée{NNBSP}; l’ancienne"
    assert french_spacing("« brouillon »") == f"«{NBSP}brouillon{NBSP}»"


def test_colons_in_times_urls_and_code_are_left_alone():
    for text in ("12:00", "https://relais.example/", "Authorization: Bearer …"):
        assert french_spacing(text) == text


def test_a_wrapped_catalogue_entry_is_fixed_across_its_lines(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Draft: keep"\nmsgstr ""\n"Brouillon "\n": à garder"\n',
        encoding="utf-8",
    )
    assert fix_catalogue(po) == 1
    text = po.read_text(encoding="utf-8")
    assert f'msgstr "Brouillon{NBSP}: à garder"' in text
    assert "charset=UTF-8" in text


def test_a_colon_after_a_label_is_spaced_in_french_only():
    assert colon("fr") == f"{NBSP}:"
    for language in ("en", "nl", "ro", "bg", "es", "sv"):
        assert colon(language) == ":"


def test_the_colon_tag_follows_the_readers_language():
    template = Template("{% load relais %}Adresse{% colon %} rue")
    with translation.override("fr"):
        assert template.render(Context()) == f"Adresse{NBSP}: rue"
    with translation.override("en"):
        assert template.render(Context()) == "Adresse: rue"
