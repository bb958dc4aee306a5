"""The rendered book, checked as a reader sees it: every page of _toc.yml in headless Chromium.

For each page the test serves the built HTML on a localhost port and checks that

* the math is typeset by MathJax, served from the book itself (it must read offline): every
  math element holds an ``mjx-container``, there is no MathJax error, and no raw ``$$``,
  ``\\begin{``, ``\\(`` or unrendered MyST role is left in the visible text outside code;
* every image has loaded (``naturalWidth > 0``), no request to the book failed and no script
  raised an error;
* every solution starts collapsed and opens when its toggle button is clicked;
* every internal link resolves: the target file exists and holds the ``#anchor``;
* a chapter page has its Colab and Binder launch links and its download link to the .ipynb;

and, in the browser check (``SEQLIB_REQUIRE_BROWSER=1``, as ``.ci/browser.sh`` runs it) or when
SEQLIB_SCREENSHOTS_DIR names a folder, it saves a full-page screenshot to
``_build/screenshots/<page>.png`` (and, with every dropdown open, ``<page>-open.png``). Plain
``pytest`` checks the pages without them: the two screenshots are two thirds of a page's time
(6.1 s per page with them, 2.2 s without, measured on chapters 08 and 13 here).

    jupyter-book build -W . && SEQLIB_REQUIRE_BROWSER=1 pytest tests/browser

Environment: SEQLIB_HTML_DIR (default ``_build/html``), SEQLIB_SCREENSHOTS_DIR (default
``screenshots`` beside the html folder), SEQLIB_CHROMIUM (default ``/usr/bin/chromium``).
Without the built book, Chromium or Playwright the test is skipped, unless
SEQLIB_REQUIRE_BROWSER=1, which makes anything missing a failure; without it a page whose
HTML is older than its source is skipped too (rebuild the book to check it).
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import os
import re
import threading
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from seqlib.course import toc_entries

ROOT = Path(__file__).resolve().parents[2]
HTML_DIR = Path(
    os.environ.get("SEQLIB_HTML_DIR", ROOT / "_build" / "html")
).resolve()
CHROMIUM = Path(os.environ.get("SEQLIB_CHROMIUM", "/usr/bin/chromium"))
REQUIRE = os.environ.get("SEQLIB_REQUIRE_BROWSER") == "1"
SCREENSHOTS = (
    Path(os.environ["SEQLIB_SCREENSHOTS_DIR"])
    if os.environ.get("SEQLIB_SCREENSHOTS_DIR")
    else HTML_DIR.parent / "screenshots"
    if REQUIRE
    else None  # plain pytest: no screenshots
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Console errors that are upstream bugs, harmless to a reader: each with its reason.
KNOWN_SCRIPT_ERRORS = {
    "Identifier 'THEBE_JS_URL' has already been declared": "sphinx-thebe 0.3.1 registers its inline config script again under Sphinx 7 (Sphinx "
    "dedupes script files, not inline bodies); the first copy defines everything and thebe "
    "is not enabled in this book",
}

# Raw TeX or MyST syntax that should never reach a reader outside a code block.
RAW = re.compile(
    r"\$\$|\\begin\{|\\\(|\\\[|\\(?:frac|mathbf|mathrm|sum|log|exp|hat|textrm)\b"
    r"|\{(?:exercise|solution-start|solution-end|glossary)\}"
    r"|\{(?:term|ref|numref|eq|cite|doc)\}`"
)


def toc_pages(root: Path = ROOT) -> list[tuple[str, Path]]:
    """``(entry, source)`` for every page of ``_toc.yml``, in reading order."""
    entries = toc_entries(root)
    pages = []
    for entry in entries:
        sources = [root / f"{entry}{ext}" for ext in (".ipynb", ".md")]
        pages.append(
            (entry, next((s for s in sources if s.is_file()), sources[0]))
        )
    return pages


PAGES = toc_pages()


def missing(reason: str):
    """Fail when the browser check is required, skip otherwise."""
    if REQUIRE:
        pytest.fail(f"{reason} (SEQLIB_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


class _Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def anchors(path: Path) -> frozenset[str]:
    parser = _Anchors()
    parser.feed(path.read_text(errors="replace"))
    return frozenset(parser.ids)


def broken_links(
    hrefs: list[str], origin: str, page_file: Path
) -> list[str]:
    """The same-origin links whose file is missing or lacks the ``#anchor``."""
    broken = []
    for href in sorted(set(hrefs)):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue  # external: not checked offline
        target = HTML_DIR / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(
                f"{href} (no file {target.relative_to(HTML_DIR)})"
            )
        elif (
            parts.fragment
            and target.suffix == ".html"
            and unquote(parts.fragment) not in anchors(target)
        ):
            broken.append(
                f"{href} (no anchor #{unquote(parts.fragment)} in {target.name})"
            )
    return broken


@pytest.fixture(scope="module")
def server():
    """The built book on a localhost port, as a static web server would serve it."""
    if not (HTML_DIR / "index.html").is_file():
        missing(
            f"no built book in {HTML_DIR}: run `jupyter-book build .` first"
        )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(Quiet, directory=str(HTML_DIR)),
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(server):
    if not CHROMIUM.exists():
        missing(
            f"no Chromium at {CHROMIUM}: `apt-get install chromium` or set SEQLIB_CHROMIUM"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing(
            "Playwright is not installed: `pip install playwright` (no `playwright install` "
            "needed: the test drives the system Chromium)"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# Code and output blocks wider than the column: the reader must scroll each one sideways, and
# shape comments at the ends of lines are the first thing hidden.
OVERFLOWING_CODE = r"""() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const wide = [];
  let fit = null;
  for (const pre of document.querySelectorAll('pre')) {
    if (pre.offsetParent === null) continue;
    canvas.font = getComputedStyle(pre).font;
    const style = getComputedStyle(pre);
    const inner = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    fit = Math.floor(inner / canvas.measureText('0').width);
    if (pre.scrollWidth > pre.clientWidth + 1) {
      const longest = pre.innerText.split('\n').reduce((a, b) => b.length > a.length ? b : a, '');
      wide.push({fit: fit, length: longest.length, line: longest.trim().slice(0, 50),
                 output: !!pre.closest('.cell_output, .output')});
    }
  }
  return wide;
}"""

VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el && !el.closest('pre, code, script, style, noscript, textarea, mjx-container, .highlight'))
      out.push(walker.currentNode.textContent);
  }
  return out.join(' ');
}"""


@pytest.mark.parametrize(
    "entry, source", PAGES, ids=[e for e, _ in PAGES]
)
def test_page_as_a_reader_sees_it(entry, source, server, browser):
    page_file = HTML_DIR / f"{entry}.html"
    if not page_file.is_file():
        missing(
            f"{entry} is in _toc.yml but not in {HTML_DIR}: rebuild the book"
        )
    if (
        not REQUIRE
        and source.is_file()
        and source.stat().st_mtime > page_file.stat().st_mtime
    ):
        pytest.skip(
            f"{page_file.name} is older than {source.name}: rebuild the book to check it"
        )

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    script_errors, failed = [], []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on(
        "requestfailed",
        lambda request: failed.append(
            f"{request.url} ({request.failure})"
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and failed.append(f"{r.url} (HTTP {r.status})")
        ),
    )
    page.goto(f"{server}/{entry}.html", wait_until="load")
    problems = []

    # Math: typeset by the book's own MathJax, every element of it, without errors.
    n_math = page.locator(".math").count()
    if n_math:
        mathjax = page.evaluate(
            "() => Array.from(document.scripts).map(s => s.src)"
            ".filter(s => s.includes('tex-chtml'))"
        )
        if not any(
            s.startswith(f"{server}/_static/mathjax/tex-chtml.js")
            for s in mathjax
        ):
            problems.append(
                f"MathJax is not served by the book (scripts: {mathjax})"
            )
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
            timeout=30_000,
        )
        page.evaluate("() => MathJax.startup.promise")
        untypeset = page.evaluate(
            "() => Array.from(document.querySelectorAll('.math'))"
            ".filter(m => !m.querySelector('mjx-container'))"
            ".map(m => m.textContent.slice(0, 60))"
        )
        if untypeset:
            problems.append(
                f"{len(untypeset)} of {n_math} math elements not typeset: {untypeset[:3]}"
            )
        errors = page.evaluate("""() => Array.from(MathJax.startup.document.math)
            .filter(m => m.typesetRoot && m.typesetRoot.querySelector('mjx-merror'))
            .map(m => m.math.trim() + '  <- ' +
                 m.typesetRoot.querySelector('mjx-merror').getAttribute('data-mjx-error'))""")
        if errors:
            problems.append(f"MathJax errors: {errors[:3]}")

    # Images: all loaded.
    page.evaluate(
        "() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_function(
        "() => Array.from(document.images).every(i => i.complete)",
        timeout=30_000,
    )
    broken_images = page.evaluate(
        "() => Array.from(document.images)"
        ".filter(i => i.naturalWidth === 0).map(i => i.src)"
    )
    if broken_images:
        problems.append(f"images that did not load: {broken_images}")

    width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    if width[0] > width[1]:
        problems.append(
            f"the page is {width[0]} px wide in a {width[1]} px window: it scrolls sideways"
        )

    name = Path(entry).name
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"{name}.png"), full_page=True
        )

    # Solutions: collapsed at first, open when their toggle button is clicked.
    dropdowns = page.locator("div.dropdown.admonition")
    for i in range(dropdowns.count()):
        dropdown = dropdowns.nth(i)
        label = (
            dropdown.locator(".admonition-title")
            .first.inner_text()
            .strip()
        )
        content = dropdown.locator(
            ":scope > :not(.admonition-title)"
        ).first
        if content.is_visible():
            problems.append(
                f"dropdown {label!r} is open before it is clicked"
            )
        dropdown.locator(".toggle-button").first.click()
        try:
            content.wait_for(state="visible", timeout=5_000)
        except Exception:  # playwright's TimeoutError
            problems.append(
                f"dropdown {label!r} did not open when its button was clicked"
            )
    if dropdowns.count() and SCREENSHOTS is not None:
        page.evaluate(
            "() => { document.activeElement.blur(); window.scrollTo(0, 0); }"
        )
        page.screenshot(
            path=str(SCREENSHOTS / f"{name}-open.png"), full_page=True
        )

    # No raw TeX or unrendered MyST in the text a reader sees (solutions opened above).
    leftovers = sorted(
        {m.group(0) for m in RAW.finditer(page.evaluate(VISIBLE_TEXT))}
    )
    if leftovers:
        problems.append(
            f"raw TeX or MyST in the visible text: {leftovers}"
        )

    # Code that scrolls sideways: reported as a warning, not a failure.
    wide = page.evaluate(OVERFLOWING_CODE)
    if wide:
        inputs = [w for w in wide if not w["output"]]
        warnings.warn(
            f"{entry}: {len(inputs)} code and {len(wide) - len(inputs)} output blocks "
            f"scroll sideways in a 1280 px window (about {min(w['fit'] for w in wide)}"
            f"-{max(w['fit'] for w in wide)} characters fit), e.g. "
            + "; ".join(
                f"{w['length']} chars: {w['line']!r}" for w in wide[:3]
            )
        )

    # Links: every internal target exists, with its anchor.
    hrefs = page.evaluate(
        "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
    )
    problems += [
        f"broken link: {b}"
        for b in broken_links(hrefs, server, page_file)
    ]

    # Launch and download buttons of a chapter notebook.
    if source.suffix == ".ipynb":
        for needed in (
            "https://colab.research.google.com/github/",
            "https://mybinder.org/v2/gh/",
        ):
            if not any(
                h.startswith(needed) and h.endswith(f"{entry}.ipynb")
                for h in hrefs
            ):
                problems.append(
                    f"no launch link {needed}...{entry}.ipynb"
                )
        if not any(
            h == f"{server}/_sources/{entry}.ipynb" for h in hrefs
        ):
            problems.append(f"no download link to _sources/{entry}.ipynb")

    problems += [
        f"script error: {e}"
        for e in script_errors
        if e not in KNOWN_SCRIPT_ERRORS
    ]
    problems += [f"request failed: {f}" for f in failed]
    page.close()
    assert not problems, f"{entry}:\n  " + "\n  ".join(problems)
