"""French punctuation spacing (relais.core.typography)."""

import json

from relais.core.typography import NBSP, NNBSP, fix_catalogue, french_spacing


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


def test_a_json_file_of_french_texts_is_fixed_in_every_string(tmp_path):
    from relais.core.typography import main

    path = tmp_path / "citations.json"
    path.write_text(
        '{"be": {"instrument": "Loi sur les étrangers : titre", "article": "61/2"},'
        ' "list": ["« Annexe 15 »"], "count": 3}',
        encoding="utf-8",
    )
    assert main([str(path)]) == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["be"]["instrument"] == "Loi sur les étrangers\u00a0: titre"
    assert data["be"]["article"] == "61/2"
    assert data["list"] == ["«\u00a0Annexe 15\u00a0»"]
    assert data["count"] == 3
