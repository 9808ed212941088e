"""Text normalisation for territory names, shared by the loader and by search.

Both sides must agree exactly: `Territory.search_name` is `normalize(name)`, and a search
matches `normalize(query)` against it with indexed prefix lookups. Typed queries come as
"st etienne", "SAINT-ETIENNE" or "Saint-Étienne"; all three must meet the same key.
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose but French names use ("Œuilly", "Lætitia").
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})

# Anything that is not a letter or digit (apostrophes, hyphens, dots, slashes, spaces...)
# separates words. Unicode-aware so that a letter NFKD cannot strip (e.g. "ø") survives.
_SEPARATORS = re.compile(r"[\W_]+")

# How La Poste, road signs and people abbreviate: "St-Étienne", "Ste Foy", "Stes-Maries".
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalize(text: str, *, expand_abbreviations: bool = True) -> str:
    """The search key of a name: lower case, no accents, words separated by one space.

    "Saint-Étienne" → "saint etienne"; "L'Île-d'Yeu" → "l ile d yeu"; "St Etienne" →
    "saint etienne" (a standalone "st"/"ste" word, leading or not, is expanded; official
    names never abbreviate, so this only ever helps). Pass `expand_abbreviations=False` to
    keep "st" as typed, e.g. to also find "Strasbourg" while someone is still typing.
    """
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    words = _SEPARATORS.sub(" ", text).split()
    if expand_abbreviations:
        words = [_ABBREVIATIONS.get(word, word) for word in words]
    return " ".join(words)
