"""Boxed text tables and emphasis for the terminal, in the look of rich's default table (heavy
head, light body), written here because `aksnet plan` must start fast and rich's import alone is a
sixth of the start-up budget.

Values are never split when the output is not a terminal: a pipe, a file or a CI log gets whole
names and ids, one row per line, that grep and copy-paste can trust. On a terminal narrower than a
table (or when COLUMNS asks for a width), the columns marked foldable wrap, at spaces first, until
the table fits. Text from the
intent is printed as given, except characters that would drive the terminal (escape sequences,
carriage returns), which are shown escaped."""

from __future__ import annotations

import os
import unicodedata
from typing import TextIO

BOLD, RESET = "\x1b[1m", "\x1b[0m"
# rich's HEAVY_HEAD box: the frame and separators of the header are heavy, the body's are light
TOP = ("┏", "━", "┳", "┓")
HEAD = ("┃", "┃", "┃")
UNDER_HEAD = ("┡", "━", "╇", "┩")
BODY = ("│", "│", "│")
BOTTOM = ("└", "─", "┴", "┘")
MIN_FOLD = 6  # a folded column keeps at least this many cells (and its header) per line


class Style:
    """How to write for one stream: whether to embolden, and the width to fit (None: unlimited)."""

    def __init__(self, bold: bool = False, width: int | None = None) -> None:
        self.bold = bold
        self.width = width

    @classmethod
    def of(cls, stream: TextIO) -> Style:
        terminal = _isatty(stream)
        plain = os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb"
        return cls(bold=terminal and not plain, width=_width(stream, terminal))

    def strong(self, text: str) -> str:
        text = clean(text)
        return f"{BOLD}{text}{RESET}" if self.bold and text else text


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream is not a terminal
        return False


def _width(stream: TextIO, terminal: bool) -> int | None:
    """The width to fit: COLUMNS when set (as for shutil and rich), else the terminal's; None
    (never fold) for a pipe or a file."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not terminal:
        return None
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, ValueError, OSError):
        return None


def clean(text: str) -> str:
    """`text` with characters that are not printable (ESC, CR, NUL...) shown as escapes, so a
    value from a file cannot move the cursor, recolour or rewrite the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def width(text: str) -> int:
    """Columns `text` takes on a terminal: East Asian wide characters take two, combining
    marks none."""
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class Table:
    """A titled table of text cells. Columns named in `fold` may wrap to fit a narrow terminal."""

    def __init__(self, title: str, columns: tuple[str, ...], fold: tuple[str, ...] = ()) -> None:
        self.title = title
        self.columns = columns
        self.foldable = [c in fold for c in columns]
        self.rows: list[tuple[str, ...]] = []

    def add_row(self, *cells: str) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(tuple(clean(c) for c in cells))

    def lines(self, style: Style) -> list[str]:
        widths = self._fit(style.width)
        out = [style.strong(self.title), _rule(TOP, widths)]
        out += _row_lines(self.columns, widths, HEAD, style)
        out.append(_rule(UNDER_HEAD, widths))
        for row in self.rows:
            out += _row_lines(row, widths, BODY, None)
        out.append(_rule(BOTTOM, widths))
        return out

    def _fit(self, limit: int | None) -> list[int]:
        """Each column's width: its widest cell, then, while the table is wider than `limit`,
        one less for the widest foldable column that can still give some up."""
        widths = [max(width(c) for c in (name, *(r[i] for r in self.rows)))
                  for i, name in enumerate(self.columns)]
        if limit is None:
            return widths
        floor = [max(MIN_FOLD, width(name)) for name in self.columns]
        excess = sum(widths) + 3 * len(widths) + 1 - limit
        while excess > 0:
            can = [i for i, f in enumerate(self.foldable) if f and widths[i] > floor[i]]
            if not can:
                break  # as narrow as it goes: the terminal wraps the rest
            widths[max(can, key=lambda i: widths[i])] -= 1
            excess -= 1
        return widths


def _rule(box: tuple[str, str, str, str], widths: list[int]) -> str:
    left, line, cross, right = box
    return left + cross.join(line * (w + 2) for w in widths) + right


def _row_lines(cells, widths: list[int], box, style: Style | None) -> list[str]:
    """One row, as many lines as its tallest (wrapped) cell; header cells emboldened."""
    left, middle, right = box
    wrapped = [wrap(cell, w) for cell, w in zip(cells, widths, strict=True)]
    height = max(len(parts) for parts in wrapped)
    lines = []
    for n in range(height):
        cells_n = []
        for parts, w in zip(wrapped, widths, strict=True):
            part = parts[n] if n < len(parts) else ""
            pad = " " * (w - width(part))
            cells_n.append(f" {style.strong(part) if style else part}{pad} ")
        lines.append(left + middle.join(cells_n) + right)
    return lines


def wrap(text: str, size: int) -> list[str]:
    """`text` in lines of at most `size` columns: at spaces where it can, and a word longer than a
    line is cut wherever it must be (as an id has no spaces)."""
    if width(text) <= size:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if width(candidate) <= size:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for piece in _cut(word, size):
            if line:
                lines.append(line)
            line = piece
    lines.append(line)
    return lines


def _cut(word: str, size: int) -> list[str]:
    pieces, piece, used = [], "", 0
    for char in word:
        w = _char_width(char)
        if used + w > size and piece:
            pieces.append(piece)
            piece, used = "", 0
        piece += char
        used += w
    pieces.append(piece)
    return pieces
