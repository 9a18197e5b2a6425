"""Accessibility and small-screen checks run inside the journeys' browser pages.

axe-core (vendored under tests/e2e/vendor/axe-core, MPL-2.0) is served to the page from a
same-origin URL through Playwright's request routing, so the site's Content-Security-Policy
(``script-src 'self'``) stays in force during the check: no ``bypass_csp`` is needed.

Set ``E2E_A11Y_REPORT=1`` while fixing templates to print every finding and carry on instead of
failing at the first page (test_a11y_checks.py then fails, as it should).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_PATH = "/__e2e__/axe.min.js"
# WCAG 2.1 A and AA plus axe's best practices; only serious and critical results fail a test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}


def _install_axe(page) -> None:
    if getattr(page, "_axe_routed", False):
        return

    def serve(route):
        route.fulfill(path=str(AXE_JS), content_type="application/javascript")

    page.route(f"**{AXE_PATH}", serve)
    page._axe_routed = True


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now and return its serious and critical violations."""
    _install_axe(page)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.add_script_tag(url=origin + AXE_PATH)
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target} -- {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail listing each serious or critical axe-core violation with its selectors."""
    violations = axe_violations(page)
    if violations and os.environ.get("E2E_A11Y_REPORT"):
        print(f"\nAXE {page.url}:\n{format_violations(violations)}")
        return
    assert not violations, f"axe-core on {page.url}:\n{format_violations(violations)}"


def assert_no_horizontal_scroll(page, width: int = 360) -> None:
    """Fail when the page is wider than the screen (content cut off or sideways scrolling)."""
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width <= width:
        return
    culprits = page.evaluate(WIDEST_ELEMENTS, width)
    message = f"{page.url} scrolls sideways: {scroll_width}px > {width}px; widest: {culprits}"
    if os.environ.get("E2E_A11Y_REPORT"):
        print("\nWIDE", message)
        return
    raise AssertionError(message)


# The innermost elements reaching past the right edge, to name the culprit in a failure.
WIDEST_ELEMENTS = """(width) => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > width + 0.5)
  .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > width + 0.5))
  .slice(0, 5)
  .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className
      ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + (e.textContent || '').trim().slice(0, 40) + '"')"""
