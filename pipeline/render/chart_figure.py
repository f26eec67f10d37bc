"""The matplotlib setup every chart shares: figures in centimetres at a fixed resolution,
text in the documents' font, drawn as typed and measured in that font, and the PNG bytes.

The documents are set in Calibri; the charts take Calibri or Carlito (its metric twin,
which Debian's ``fonts-crosextra-carlito`` installs), whichever is installed, and
DejaVu Sans (shipped with matplotlib) where neither is, or for a character they lack.

matplotlib is imported only inside these functions, when a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from io import BytesIO
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

DPI = 200
CM = 1 / 2.54  # matplotlib sizes are in inches
DOCUMENT_FONTS = ("Carlito", "Calibri")  # the documents' font, or its metric twin
FALLBACK_FONT = "DejaVu Sans"  # ships with matplotlib: there on every machine

P = ParamSpec("P")
R = TypeVar("R")


@cache
def font_family() -> tuple[str, ...]:
    """The fonts the charts are drawn in, first choice first: the documents' font when
    installed (matplotlib would otherwise log a warning per text), then the fallback."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return (*(name for name in DOCUMENT_FONTS if name in installed), FALLBACK_FONT)


def in_document_font(draw: Callable[P, R]) -> Callable[P, R]:
    """Draw (and save) a chart with :func:`font_family` as matplotlib's font family,
    for this drawing only: nothing global changes."""

    @wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> R:
        from matplotlib import rc_context

        with rc_context({"font.family": list(font_family())}):
            return draw(*args, **kwargs)

    return drawn


def new_figure(width_cm: float, height_cm: float, *, constrained: bool = True) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(
        figsize=(width_cm * CM, height_cm * CM),
        dpi=DPI,
        layout="constrained" if constrained else None,
    )
    FigureCanvasAgg(figure)
    return figure


def draw_text(ax: Axes, x: float, y: float, text: str, **style: Any) -> Text:
    """Text drawn as typed: a « $ » in a name is a dollar sign, not TeX math."""
    return ax.text(x, y, text, parse_math=False, **style)


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes. The charts call it as ``chart_figure.png``: a test replaces
    it to look at the figures drawn."""
    buffer = BytesIO()
    # No « Software » entry: the bytes do not change with the matplotlib version.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def text_measure(figure: Figure, size: float, weight: str = "normal") -> Callable[[str], float]:
    """Width in pixels of a one-line text at ``size`` points in this figure."""
    from matplotlib.font_manager import FontProperties

    # get_renderer() is the Agg canvas's, not in the base canvas type matplotlib declares.
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    font = FontProperties(family=list(font_family()), size=size, weight=weight)

    def measure(text: str) -> float:
        width, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
        return float(width)

    return measure
