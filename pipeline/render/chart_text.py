"""Fitting text in a chart's room: wrapped on a few lines, or clipped, ended by « … ».

Pure: the width of a text comes from a ``measure`` function (the figure's, in
:func:`pipeline.render.chart_figure.text_measure`).
"""

from __future__ import annotations

from collections.abc import Callable


def wrap(text: str, limit: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """``text`` on ``max_lines`` lines at most, each ``limit`` wide at most (in the unit
    of ``measure``); a text that needs more ends its last line with « … ».

    Lines break at spaces, as many words on each as fit; a word wider than a whole
    line is broken where the line is full, as Word breaks a word wider than its
    column. Linear in the length of the text, and quick: only what the lines can hold
    is looked at, a text that fits is measured once, and each line's end is found by
    a galloping search from the previous line's length (a few measures a line).
    """
    shown = text[: max_lines * LINE_CHARS]
    rest = " ".join(w for w in shown.split(" ") if w)  # no-break spaces do not break
    lines: list[str] = []
    guess = 0
    while rest and len(lines) < max_lines:
        head = rest[:LINE_CHARS]
        if not guess:
            width = measure(head)
            if width <= limit and len(head) == len(rest):
                lines.append(rest)
                rest = ""
                break
            guess = max(1, int(len(head) * limit / width)) if width > limit else len(head)
        fits = _fits(head, limit, measure)
        size = _longest(len(head), fits, guess)
        if size >= len(rest):
            lines.append(rest)
            rest = ""
            break
        space = rest.rfind(" ", 0, size + 1)
        if space > 0:
            lines.append(rest[:space])
            rest = rest[space + 1 :]
        else:
            size = max(size, 1)  # a glyph wider than the line still takes one
            lines.append(rest[:size])
            rest = rest[size:]
        guess = max(1, size)
    if not lines:
        return [ELLIPSIS if text.strip() else ""]  # only spaces could be shown
    if rest or len(shown) < len(text):
        lines[-1] = _with_ellipsis(lines[-1], limit, measure)
    return lines


LINE_CHARS = 400  # more than a chart's widest line holds (no glyph is under a pixel wide)
ELLIPSIS = "…"


def _fits(text: str, limit: float, measure: Callable[[str], float]) -> Callable[[int], bool]:
    """Whether the first ``k`` characters of ``text`` fit in ``limit``."""
    return lambda k: measure(text[:k]) <= limit


def _longest(n: int, fits: Callable[[int], bool], guess: int) -> int:
    """The largest ``k`` in 0..``n`` with ``fits(k)``, for ``fits`` true at 0 and false
    from some point on: galloping from ``guess``, then bisection (a few calls when
    the guess is close, ``2 log n`` at worst)."""
    k = min(max(guess, 1), n)
    low, high = 0, n + 1  # fits(low); high: the smallest known not to fit (n + 1: none)
    if fits(k):
        low, step = k, 1
        while low + step < high:
            if not fits(low + step):
                high = low + step
                break
            low, step = low + step, step * 2
    else:
        high, step = k, 1
        while high - step > low:
            if fits(high - step):
                low = high - step
                break
            high, step = high - step, step * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def _with_ellipsis(line: str, limit: float, measure: Callable[[str], float]) -> str:
    """``line`` ending with « … », shortened until it fits."""

    def fits(k: int) -> bool:
        return k == 0 or measure(line[:k].rstrip() + ELLIPSIS) <= limit

    return line[: _longest(len(line), fits, len(line))].rstrip() + ELLIPSIS


def clip(text: str, limit: float, measure: Callable[[str], float]) -> str:
    """``text`` on one line ``limit`` wide at most, ended by « … » when cut."""
    return wrap(" ".join(text[: LINE_CHARS + 1].split()), limit, measure, max_lines=1)[0]
