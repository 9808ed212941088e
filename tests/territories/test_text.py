from __future__ import annotations

import pytest

from core.territories.text import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("SAINT ETIENNE", "saint etienne"),
        ("St Etienne", "saint etienne"),
        ("st-étienne", "saint etienne"),
        ("Ste Foy-lès-Lyon", "sainte foy les lyon"),
        ("Les Saintes-Maries-de-la-Mer", "les saintes maries de la mer"),
        ("L'Île-d'Yeu", "l ile d yeu"),
        ("L\u2019Haÿ-les-Roses", "l hay les roses"),
        ("Œuf-en-Ternois", "oeuf en ternois"),
        ("  Bras -- sur   Meuse. ", "bras sur meuse"),
        ("CC Quercy - Bouriane", "cc quercy bouriane"),
        ("", ""),
    ],
)
def test_normalize_lowercases_strips_accents_and_separates_words(text, expected):
    assert normalize(text) == expected


def test_normalize_expands_st_only_as_a_whole_word():
    assert normalize("Strasbourg") == "strasbourg"
    assert normalize("Bast") == "bast"
    assert normalize("Ville St") == "ville saint"


def test_normalize_can_keep_abbreviations_as_typed():
    assert normalize("St", expand_abbreviations=False) == "st"
