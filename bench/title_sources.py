"""Which title source the Fundus labels follow, where the page's sources disagree.

    python bench/title_sources.py [--data ../shared/data]

For every Fundus fixture with a title label: the page's declared titles (JSON-LD
headline, og:title, twitter:title, meta headline/title) and its first <h1>, compared
with the label after the eval's normalisation. Prints how often the label follows each
side in the two conflicts that decide the title score (docs/extraction.md).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from eval_extract import load

from kuaizhao.extract.metadata import read_metadata
from kuaizhao.extract.parse import parse_page
from kuaizhao.extract.title import norm


def sources(html: bytes) -> dict[str, str]:
    tree = parse_page(html, None, 5 << 20).tree
    if tree is None:
        return {}
    found: dict[str, str] = {}
    for rule, value in read_metadata(tree).title:
        found.setdefault("json-ld" if rule.startswith("json-ld") else rule, norm(value))
    h1 = next((" ".join(h.text_content().split()) for h in tree.iter("h1")), "")
    if h1:
        found["h1"] = norm(h1)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    pages = [p for p in load(args.data, None) if p.dataset == "fundus_fixtures" and p.title]
    for page in pages:
        found, label = sources(page.html), norm(page.title)
        og, h1, ld = found.get("og:title"), found.get("h1"), found.get("json-ld")
        if og and h1 and ld and og == h1 != ld:
            side = "JSON-LD" if ld == label else "og:title/<h1>" if og == label else "neither"
            counts[f"og:title = <h1> != JSON-LD: label is {side}"] += 1
        rest = {v for k, v in found.items() if k not in ("og:title", "twitter:title")}
        if og and rest and og not in rest:
            side = ("og:title" if og == label else "another source" if label in rest
                    else "none of them")
            counts[f"og:title differs from all others: label is {side}"] += 1
    print(f"{len(pages)} Fundus pages with a title label")
    for key, n in sorted(counts.items()):
        print(f"  {key}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
