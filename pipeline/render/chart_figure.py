"""The matplotlib setup every chart shares: figures in centimetres at a fixed resolution,
text drawn as typed, text measured in the figure's font, and the PNG bytes.

matplotlib is imported only inside these functions, when a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

DPI = 200
CM = 1 / 2.54  # matplotlib sizes are in inches
FONT = "DejaVu Sans"  # ships with matplotlib: same rendering everywhere


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
    font = FontProperties(family=FONT, size=size, weight=weight)

    def measure(text: str) -> float:
        width, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
        return float(width)

    return measure
