"""Folding: accents, case, scripts and the way back to what the user wrote."""

from __future__ import annotations

from agents.gate.normalise import fold, fold_plain, strip_titles, transliterate


def test_accents_case_and_whitespace_fold_away() -> None:
    assert fold_plain("  PRÄSIDENT   Lula,  der Straße ") == "prasident lula der strasse"
    assert fold_plain("Łódź Ørsted Erdoğan") == "lodz orsted erdogan"


def test_letters_made_of_marks_survive() -> None:
    # Devanagari and Thai vowel signs are letters, not accents.
    assert fold_plain("नरेंद्र मोदी") == "नरेंद्र मोदी"
    assert fold_plain("ทักษิณ") == "ทักษิณ"
    assert fold_plain("أوباما") == "اوباما"  # hamza on alef is spelling, not identity


def test_spans_map_back_to_the_original() -> None:
    folded = fold("Then   Präsident LULA waves.")
    start = folded.text.index("lula")
    assert folded.span(start, start + 4) == "LULA"
    assert folded.sentence(start) == 0
    assert folded.sentence(len(folded.text) - 1) == 0
    two = fold("One. Two")
    assert two.sentence(two.text.index("two")) == 1


def test_transliteration_reads_cyrillic_in_latin() -> None:
    view = transliterate("Вот Ангела Меркель.")
    start = view.text.index("angela merkel")
    assert view.span(start, start + len("angela merkel")) == "Ангела Меркел"  # ь reads as nothing


def test_titles_are_stripped_from_names() -> None:
    titles = frozenset({"dr", "president", "frau"})
    assert strip_titles("Dr. Dana Whitfield", titles) == "dana whitfield"
    assert strip_titles("President", titles) == "president"
