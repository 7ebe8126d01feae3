"""The page's language: declared (<html lang>, meta) when the text agrees, else by script."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
# A handful of function words per Latin-script language tells them apart well enough.
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "it"},
    "de": {"der", "die", "und", "das", "nicht", "ist", "mit", "den", "ein", "eine", "auf", "sich"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "que", "pour", "qui", "pas"},
    "es": {"el", "los", "las", "y", "del", "que", "una", "por", "con", "para", "es", "se"},
    "it": {"il", "che", "della", "di", "gli", "una", "per", "sono", "non", "nel", "con", "è"},
    "pt": {"o", "os", "que", "não", "uma", "para", "com", "do", "da", "em", "são", "mais"},
    "nl": {"de", "het", "een", "van", "en", "niet", "dat", "zijn", "op", "voor", "met", "ook"},
}


def detect_language(text: str, declared: list[tuple[str, str]]) -> tuple[str | None, str]:
    """(language code, rule). Declared codes are trusted unless the script contradicts them."""
    sample = text[:5000]
    by_script = _by_script(sample)
    for rule, value in declared:
        code = value.strip().lower().replace("_", "-").split("-")[0]
        if not re.fullmatch(r"[a-z]{2,3}", code):
            continue
        if by_script is None or by_script == code or (by_script == "latin" and code not in
                                                       {"zh", "ja", "ko", "ru", "ar"}):
            return code, rule
    if by_script == "latin":
        words = [w.lower() for w in _LATIN_WORD.findall(sample)]
        if not words:
            return None, "no text"
        scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
        best = max(scores, key=lambda lang: scores[lang])
        return (best, "function words") if scores[best] >= 3 else (None, "too little text")
    return by_script, "script"


def _by_script(sample: str) -> str | None:
    counts = {
        "ja": len(_KANA.findall(sample)),
        "zh": len(_HAN.findall(sample)),
        "ko": len(_HANGUL.findall(sample)),
        "ru": len(_CYRILLIC.findall(sample)),
        "ar": len(_ARABIC.findall(sample)),
        "latin": sum(len(w) for w in _LATIN_WORD.findall(sample)) // 3,
    }
    if counts["ja"] > 20 and counts["ja"] > counts["zh"] * 0.1:
        return "ja"
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] >= 10 else None
