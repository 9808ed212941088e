"""Check the French catalogues: every message of the code is in one, translated, not fuzzy,
and each compiled .mo matches its .po. Run by CI; `make messages` fixes what it reports.

There is one catalogue per package that has a `locale/` directory (core, geodirectory,
public_site…): Django's makemessages files each message in the nearest one. Needs GNU
gettext (xgettext), as makemessages does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "node_modules", "frontend"}


def catalogues() -> list[Path]:
    return sorted(
        p
        for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po")
        if not SKIP & set(p.relative_to(ROOT).parts)
    )


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def check_catalogue(po_path: Path) -> list[str]:
    problems = []
    name = po_path.relative_to(ROOT)
    po = polib.pofile(str(po_path))
    problems += [f"{name}: untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    problems += [f"{name}: fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [*problems, f"{name}: no compiled .mo: run `make messages`"]
    compiled = {key(e): e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo_path))}
    source = {key(e): e.msgstr or e.msgstr_plural for e in po.translated_entries()}
    if compiled != source:
        problems.append(f"{name}: the .mo is out of date: run `make messages`")
    return problems


def missing_messages(paths: list[Path]) -> list[str]:
    """Extract the messages again (into the catalogues, restored afterwards) and compare."""
    before = {p: {key(e) for e in polib.pofile(str(p))} for p in paths}
    with tempfile.TemporaryDirectory() as scratch:
        backups = {p: Path(scratch) / f"{i}.po" for i, p in enumerate(paths)}
        for path, backup in backups.items():
            shutil.copy(path, backup)
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
                    "--ignore",
                    "frontend/*",
                    "--no-obsolete",
                    "-v",
                    "0",
                ],
                cwd=ROOT,
                check=True,
            )
            after = {p: {key(e) for e in polib.pofile(str(p))} for p in catalogues()}
        finally:
            for path, backup in backups.items():
                shutil.copy(backup, path)
    problems = []
    for path, keys in after.items():
        for _context, msgid in sorted(keys - before.get(path, set()), key=str):
            problems.append(f"{path.relative_to(ROOT)}: not in the catalogue: {msgid!r}")
    return problems


def main() -> int:
    paths = catalogues()
    problems = [p for path in paths for p in check_catalogue(path)]
    problems += missing_messages(paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problem(s): run `make messages` and translate.")
        return 1
    total = sum(len(polib.pofile(str(p)).translated_entries()) for p in paths)
    print(f"French catalogues complete: {total} messages in {len(paths)} catalogues.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
