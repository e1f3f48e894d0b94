"""The plan's text tables (generator.boxtable): exact layout, whole values off a terminal, folding
that fits a narrow terminal without losing a character, and text that cannot drive a terminal."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.boxtable import Style, Table, clean, width, wrap

PLAIN = Style()


def small() -> Table:
    table = Table("Pools", ("pool", "nodes", "note"), fold=("note",))
    table.add_row("system", "3", "")
    table.add_row("apps", "3-30", "autoscaled between the two counts")
    return table


def test_layout_is_exact():
    assert small().lines(PLAIN) == [
        "Pools",
        "┏━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ pool   ┃ nodes ┃ note                              ┃",
        "┡━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ system │ 3     │                                   │",
        "│ apps   │ 3-30  │ autoscaled between the two counts │",
        "└────────┴───────┴───────────────────────────────────┘",
    ]


def test_a_narrow_terminal_folds_the_foldable_column_at_spaces():
    lines = small().lines(Style(width=40))
    assert max(width(line) for line in lines) == 40
    assert lines[5:8] == [
        "│ apps   │ 3-30  │ autoscaled between  │",
        "│        │       │ the two counts      │",
        "└────────┴───────┴─────────────────────┘",
    ]


def test_columns_that_may_not_fold_stay_whole_even_past_the_width():
    table = Table("Ids", ("id",))
    table.add_row("x" * 50)
    assert "x" * 50 in "\n".join(table.lines(Style(width=20)))


def test_bold_is_for_the_title_and_headers_only():
    lines = small().lines(Style(bold=True))
    assert lines[0] == "\x1b[1mPools\x1b[0m"
    assert "\x1b[1mpool\x1b[0m" in lines[2]
    assert not any("\x1b" in line for line in lines[3:])


def test_a_row_must_fill_every_column():
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        small().add_row("a", "b")


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b[2Jgone", "\\x1b[2Jgone"),
    ("a\rb", "a\\rb"),
    ("tab\there", "tab\\there"),
    ("[prod] :smile:", "[prod] :smile:"),
    ("東京", "東京"),
])
def test_text_is_shown_as_given_but_cannot_drive_the_terminal(text, shown):
    assert clean(text) == shown
    table = Table("t", ("v",))
    table.add_row(text)
    assert table.lines(PLAIN)[4] == f"│ {shown} │"


def test_wide_characters_keep_the_frame_aligned():
    table = Table("t", ("name", "n"))
    table.add_row("東京-aks", "1")
    table.add_row("e\u0301", "22")  # e + combining acute: one column
    lines = table.lines(PLAIN)
    assert width("東京") == 4 and width("e\u0301") == 1
    assert len({width(line) for line in lines[1:]}) == 1


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "env", "bold", "fit"), [
    (io.StringIO(), {}, False, None),  # a pipe or file: plain, never folded
    (io.StringIO(), {"COLUMNS": "50"}, False, 50),  # asked for a width
    (FakeTerminal(), {"COLUMNS": "70"}, True, 70),
    (FakeTerminal(), {"COLUMNS": "70", "NO_COLOR": "1"}, False, 70),
    (FakeTerminal(), {"COLUMNS": "70", "TERM": "dumb"}, False, 70),
    (FakeTerminal(), {"COLUMNS": "junk"}, True, None),  # no size to be had from a StringIO
])
def test_the_style_follows_the_stream_and_environment(monkeypatch, stream, env, bold, fit):
    for name in ("COLUMNS", "NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    style = Style.of(stream)
    assert (style.bold, style.width) == (bold, fit)


@given(st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=80),
       st.integers(min_value=2, max_value=30))
def test_wrap_fits_and_loses_nothing(text, size):
    lines = wrap(text, size)
    assert all(width(line) <= size for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
