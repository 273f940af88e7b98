"""Copy the fonts for non-Latin scripts from Debian's Noto packages into app/static/fonts.

Usage: python scripts/vendor_fonts.py [DEST_DIR]

Respondents read Urdu in Nastaliq, Arabic in Naskh, and Bengali, Gurmukhi and Gujarati in
their own scripts; many phones and shared computers lack those fonts, so we serve them from our
own host (never from the internet). The files come from fonts-noto-core (installed by
`make fonts` through scripts/ensure-apt.sh); app/static/css/languages.css declares them with
unicode-range, so an English page downloads none of them.

Chinese: when fonts-noto-cjk is installed and fontTools is available, the Simplified Chinese
face is cut out of the collection and subset to the 3,755 common characters of GB 2312 level 1
plus every character in the zh_Hans catalogue (the whole CJK collection is 50 MB; the subset is
about 1 MB). Without it the stack falls back to the device's own Chinese font.
Stdlib only for the copy, so it runs before or without the virtualenv.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEST = ROOT / "app" / "static" / "fonts"
NOTO_CORE = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
ZH_CATALOGUE = ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"

FILES = (
    "NotoNastaliqUrdu-Regular.ttf",
    "NotoNastaliqUrdu-Bold.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoSansBengali-Regular.ttf",
    "NotoSansBengali-Bold.ttf",
    "NotoSansGurmukhi-Regular.ttf",
    "NotoSansGurmukhi-Bold.ttf",
    "NotoSansGujarati-Regular.ttf",
    "NotoSansGujarati-Bold.ttf",
)
CHINESE_FILE = "NotoSansSC-Regular.woff2"


def common_chinese_characters() -> str:
    """GB 2312 level 1: the 3,755 most used simplified characters, by their GB codes."""
    characters = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                characters.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(characters)


def subset_chinese(dest: Path) -> bool:
    """Write the Simplified Chinese subset; False when the source or fontTools is missing."""
    try:
        from fontTools import subset
        from fontTools.ttLib import TTCollection
    except ImportError:
        return False
    if not NOTO_CJK.exists():
        return False
    collection = TTCollection(str(NOTO_CJK))
    chosen = next((font for font in collection.fonts if "SC" in font["name"].getDebugName(1)), None)
    if chosen is None:
        return False
    wanted = set(common_chinese_characters())
    if ZH_CATALOGUE.exists():
        wanted |= set(ZH_CATALOGUE.read_text(encoding="utf-8"))
    wanted |= {chr(code) for code in range(0x3000, 0x3040)}  # CJK punctuation
    wanted |= {chr(code) for code in range(0xFF00, 0xFFF0)}  # full-width forms
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in wanted])
    subsetter.subset(chosen)
    subset.save_font(chosen, str(dest / CHINESE_FILE), options)
    return True


def main(argv: list[str]) -> int:
    dest = Path(argv[1]) if len(argv) > 1 else DEFAULT_DEST
    missing = [name for name in FILES if not (NOTO_CORE / name).exists()]
    if missing:
        print(
            f"vendor_fonts: missing {', '.join(missing)} (install fonts-noto-core)",
            file=sys.stderr,
        )
        return 1
    dest.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(NOTO_CORE / name, dest / name)
    chinese = subset_chinese(dest)
    print(
        f"vendor_fonts: {len(FILES)} fonts -> {dest}"
        + ("" if chinese else " (no Chinese subset: fonts-noto-cjk or fontTools missing)")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
