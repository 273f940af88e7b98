"""Copy the NHS.UK frontend's browser files from node_modules into app/static/vendor/nhsuk.

Usage: python scripts/vendor_nhsuk.py [SRC_DIST_DIR] [DEST_DIR]

Copies, from node_modules/nhsuk-frontend/dist/nhsuk/:
  nhsuk-frontend.min.css  -> DEST/nhsuk-frontend.min.css (two edits, below)
  nhsuk-frontend.min.js   -> DEST/nhsuk-frontend.min.js  (an ES module: load it with
                             <script type="module">, then call initAll())
  assets/                 -> DEST/assets/ (favicon, icons, manifest.json)

The two CSS edits keep every request on our own host:
  * url(/assets/...) becomes url(assets/...), i.e. relative to the stylesheet, so
    icons resolve to DEST/assets/... wherever DEST is served from;
  * @font-face rules that load Frutiger from an external host (assets.nhs.uk) are
    dropped; text falls back to the stylesheet's own stack (Arial, sans-serif).
Stdlib only, so it runs before or without the virtualenv.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
DEFAULT_DEST = ROOT / "app" / "static" / "vendor" / "nhsuk"

FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
ABSOLUTE_ASSETS = re.compile(r"url\((['\"]?)/assets/")
EXTERNAL_URL = re.compile(r"url\((['\"]?)(https?:)?//")


def rewrite_css(css: str) -> str:
    """Return the stylesheet with external fonts dropped and asset URLs made relative."""
    css = FONT_FACE.sub(lambda m: "" if EXTERNAL_URL.search(m.group(0)) else m.group(0), css)
    css = ABSOLUTE_ASSETS.sub(r"url(\1assets/", css)
    leftover = EXTERNAL_URL.findall(css)
    if leftover:
        raise SystemExit(
            f"vendor_nhsuk: stylesheet still references {len(leftover)} external URL(s)"
        )
    return css


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_SRC
    dest = Path(argv[2]) if len(argv) > 2 else DEFAULT_DEST
    css_src = src / "nhsuk-frontend.min.css"
    js_src = src / "nhsuk-frontend.min.js"
    assets_src = src / "assets"
    for needed in (css_src, js_src, assets_src):
        if not needed.exists():
            print(f"vendor_nhsuk: missing {needed} (run `npm ci`)", file=sys.stderr)
            return 1

    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "nhsuk-frontend.min.css").write_text(
        rewrite_css(css_src.read_text(encoding="utf-8")), encoding="utf-8"
    )
    shutil.copyfile(js_src, tmp / "nhsuk-frontend.min.js")
    shutil.copytree(assets_src, tmp / "assets")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    print(f"vendor_nhsuk: {src} -> {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
