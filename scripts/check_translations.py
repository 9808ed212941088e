"""Check the French catalogue: every message of the code is in it, translated, not fuzzy,
and the compiled .mo matches the .po. Run by CI; `make messages` fixes what it reports.

Needs GNU gettext (xgettext) for the first check, as Django's makemessages does."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "core" / "locale"
PO = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def main() -> int:
    problems: list[str] = []
    committed = polib.pofile(str(PO))

    untranslated = [e.msgid for e in committed.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in committed.fuzzy_entries()]
    problems += [f"untranslated: {m!r}" for m in untranslated]
    problems += [f"fuzzy: {m!r}" for m in fuzzy]

    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(MO))}
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in committed.translated_entries()
    }
    if compiled != source:
        problems.append("django.mo is out of date: run `make messages`")

    # Extract the messages again into a scratch copy and compare the sets of msgids.
    with tempfile.TemporaryDirectory() as scratch:
        backup = Path(scratch) / "django.po"
        shutil.copy(PO, backup)
        try:
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "makemessages",
                    "--locale",
                    "fr",
                    "--ignore",
                    ".venv/*",
                    "--ignore",
                    "var/*",
                    "--no-obsolete",
                    "-v",
                    "0",
                ],
                cwd=ROOT,
                check=True,
            )
            fresh = polib.pofile(str(PO))
        finally:
            shutil.copy(backup, PO)
    missing = {(e.msgctxt, e.msgid) for e in fresh} - {(e.msgctxt, e.msgid) for e in committed}
    problems += [f"not in the catalogue: {m[1]!r}" for m in sorted(missing, key=str)]

    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problem(s): run `make messages` and translate.")
        return 1
    print(f"French catalogue complete: {len(source)} messages.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
