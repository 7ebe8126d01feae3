"""kuaizhao (快照): a self-hosted news snapshot archive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "extract_article"]

if TYPE_CHECKING:
    from kuaizhao.extract import extract_article


def __getattr__(name: str) -> Any:
    # Imported on first use: the extractor pulls in trafilatura and lxml, which every
    # `import kuaizhao.<module>` (and so every CLI start) would otherwise pay for.
    if name == "extract_article":
        from kuaizhao.extract import extract_article

        return extract_article
    raise AttributeError(f"module 'kuaizhao' has no attribute {name!r}")
