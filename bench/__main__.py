"""`make bench`: run every benchmark in bench/, print each figure beside its baseline, and
write them all to var/bench/results.json."""

from __future__ import annotations

import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import chat, desktop, documents, files, forum, nearest, notifications, pages

BENCHMARKS = [notifications, chat, nearest, forum, files, pages, documents, desktop]
RESULTS = Path(__file__).resolve().parent.parent / "var" / "bench" / "results.json"


def main() -> int:
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "benchmarks": {},
    }
    for module in BENCHMARKS:
        name = module.__name__.rsplit(".", 1)[-1]
        started = time.perf_counter()
        results["benchmarks"][name] = module.run()
        print(f"({name}: {time.perf_counter() - started:.0f} s)\n")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"Results written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
