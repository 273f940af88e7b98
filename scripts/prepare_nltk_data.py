"""Install-time step: copy the VADER lexicon from the vadersentiment package into ./nltk_data."""

from __future__ import annotations

import argparse
import sys
from importlib.resources import files
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
VADER_RESOURCE = Path("sentiment/vader_lexicon/vader_lexicon.txt")


def copy_vader_lexicon(target_root: Path) -> Path:
    """Copy vaderSentiment's vader_lexicon.txt to <target_root>/sentiment/vader_lexicon/."""
    # NLTK's own copy would need nltk.download(); the PyPI package ships the same MIT lexicon.
    source = files("vaderSentiment").joinpath("vader_lexicon.txt")
    destination = target_root / VADER_RESOURCE
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(source.read_bytes())
    return destination


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--target", type=Path, default=REPO_ROOT / "nltk_data", help="nltk_data directory to fill"
    )
    args = parser.parse_args(argv)
    try:
        destination = copy_vader_lexicon(args.target)
    except ModuleNotFoundError:
        print("vadersentiment is not installed: pip install vadersentiment", file=sys.stderr)
        return 1
    size = destination.stat().st_size
    print(f"VADER lexicon copied to {destination} ({size:,} bytes)")
    return 0 if size > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
