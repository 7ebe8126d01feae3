"""Log lines for the person at the terminal, as text or (`log_format = "json"`) one JSON
object a line for a log collector."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

TEXT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(),
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class Console(logging.StreamHandler):  # type: ignore[type-arg]
    """Log lines for the person at the terminal.

    Other libraries' warnings (trafilatura's "discarding data" on every odd page) are
    debug output there: shown with -v, not mixed into a command's own messages. On a
    terminal, lines go through `tqdm.write`, which prints above a progress bar instead
    of through it.
    """

    def __init__(self, verbose: int) -> None:
        super().__init__(sys.stderr)
        self.verbose = verbose
        self.tty = sys.stderr.isatty()

    def filter(self, record: logging.LogRecord) -> bool:
        ours = record.name.partition(".")[0] in ("kuaizhao", "__main__", "root")
        return ours or record.levelno >= logging.ERROR or self.verbose > 0

    def emit(self, record: logging.LogRecord) -> None:
        if not self.tty:
            super().emit(record)
            return
        from tqdm import tqdm  # only when a line is written: tqdm costs start-up time

        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:
            self.handleError(record)


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO
    handler = Console(verbose)
    handler.setFormatter(TEXT)
    logging.basicConfig(level=level, handlers=[handler])
    if verbose < 2:
        for noisy in ("jieba", "trafilatura", "htmldate", "charset_normalizer", "uvicorn.access"):
            logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def use_format(name: str) -> None:
    """Switch the console's lines to the `log_format` setting once settings are read
    (logging starts before, so that reading them can log)."""
    formatter = JsonLines() if name == "json" else TEXT
    for handler in logging.getLogger().handlers:
        if isinstance(handler, Console):
            handler.setFormatter(formatter)
