"""What a page loads on a phone before the visitor scrolls, and after scrolling to the end.

    python scripts/page_weight.py http://127.0.0.1:8000/ [more URLs…]

Opens each URL in Debian's Chromium (Playwright, 390×844 like a phone), waits for the
network to settle, lists every request with its transferred bytes (compressed, as on the
wire), then scrolls down to the end a screen at a time and lists what that added. Requests
to other hosts (map tiles) are listed but aborted, so the script works offline.
"""

from __future__ import annotations

import shutil
import sys
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def measure(browser, url: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
    )
    page = context.new_page()
    origin = urlsplit(url).netloc
    log: list[tuple[str, str, int]] = []
    # Third-party requests (map tiles) are counted but not fetched.
    page.route(lambda u: urlsplit(u).netloc != origin, lambda route: route.abort())

    def finished(request):
        sizes = request.sizes()
        log.append(
            (
                request.resource_type,
                request.url,
                sizes["responseBodySize"] + sizes["responseHeadersSize"],
            )
        )

    def failed(request):
        log.append((request.resource_type, request.url + "  (third party, not fetched)", 0))

    page.on("requestfinished", finished)
    page.on("requestfailed", failed)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    before = list(log)
    # Scroll as a reader does, a screen at a time, so that what loads on approach loads.
    while page.evaluate("window.scrollY + window.innerHeight < document.body.scrollHeight - 1"):
        page.evaluate("window.scrollBy(0, window.innerHeight * 0.8)")
        page.wait_for_timeout(150)
    page.wait_for_timeout(1500)
    page.wait_for_load_state("networkidle")
    after = log[len(before) :]
    print(
        f"\n{url} (390×844, before scrolling): {len(before)} requests, "
        f"{sum(b for _, _, b in before):,} bytes"
    )
    for kind, u, size in before:
        print(f"  {size:>9,}  {kind:<10} {u}")
    print(
        f"after scrolling to the end: {len(after)} more requests, "
        f"{sum(b for _, _, b in after):,} bytes"
    )
    for kind, u, size in after:
        print(f"  {size:>9,}  {kind:<10} {u}")
    context.close()


def main() -> None:
    urls = sys.argv[1:] or ["http://127.0.0.1:8000/"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for url in urls:
            measure(browser, url)
        browser.close()


if __name__ == "__main__":
    main()
