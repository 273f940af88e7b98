"""Run axe-core (from node_modules, installed by `make install`) inside a Playwright page."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.2 AA, as the public sector accessibility regulations require.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make install` (npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, context: Any = None) -> list[dict[str, Any]]:
    """Return axe-core's WCAG 2.2 A/AA violations for the page as it is now.

    `context` is an axe context (a CSS selector, or {"include": [...], "exclude": [...]});
    None means the whole document.  The page's browser context must be created with
    bypass_csp=True: the app's CSP (script-src 'self') blocks the inline script tag
    that carries axe.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate(
        "([context, options]) => window.axe.run(context === null ? document : context, options)",
        [context, options],
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def format_violations(violations: list[dict[str, Any]], label: str = "") -> str:
    """Readable report: rule id, impact, help text and the failing nodes' selectors."""
    if not violations:
        return f"{label}: no axe violations" if label else "no axe violations"
    lines = [f"{label}: {len(violations)} axe violation(s)" if label else ""]
    for v in violations:
        lines.append(f"  [{v.get('impact')}] {v['id']}: {v['help']}  ({v.get('helpUrl', '')})")
        for node in v.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"      - {target}")
            summary = (node.get("failureSummary") or "").strip().splitlines()
            for text in summary[1:3]:  # first lines after "Fix any/all of the following:"
                lines.append(f"          {text.strip()}")
            html = (node.get("html") or "").strip()
            if html:
                lines.append(f"          html: {html[:160]}")
    return "\n".join(line for line in lines if line)
