"""Our vocabularies are exactly the schema's (geodirectory/schema/*.json)."""

from __future__ import annotations

import json
import re

import pytest

from geodirectory import vocabulary as voc
from geodirectory.interchange import SCHEMA_PATH


def schema_values(field_name: str) -> list[str]:
    fields = {f["name"]: f for f in json.loads(SCHEMA_PATH.read_text())["fields"]}
    pattern = fields[field_name]["constraints"]["pattern"]
    # The schema writes each list as (?:(?:^|\\|)(A|B|C))+$
    alternatives = re.search(r"\(\?:\^\|\\\|\)\((.*)\)\)\+\$$", pattern).group(1)
    return [re.sub(r"\\(.)", r"\1", v) for v in alternatives.split("|")]


@pytest.mark.parametrize(("field_name", "vocabulary"), list(voc.CLOSED_FIELDS.items()))
def test_vocabulary_matches_the_schema(field_name, vocabulary):
    assert [value for value, _label in vocabulary] == schema_values(field_name)


@pytest.mark.parametrize(("field_name", "vocabulary"), list(voc.CLOSED_FIELDS.items()))
def test_every_value_passes_the_schema_pattern_alone_and_joined(field_name, vocabulary):
    fields = {f["name"]: f for f in json.loads(SCHEMA_PATH.read_text())["fields"]}
    pattern = re.compile(fields[field_name]["constraints"]["pattern"])
    values = [value for value, _label in vocabulary]
    for value in values:
        assert pattern.match(value)
    assert pattern.match(voc.join(values))
