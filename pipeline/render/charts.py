"""Charts for the Word deliverables, drawn with matplotlib (Agg) into PNG bytes.

matplotlib is imported only when a chart is drawn: it costs a few tenths of a
second, and most commands never draw. Figures are built with the object API
(``Figure`` + Agg canvas), not pyplot, so no global state is shared between
builds. Every chart reads printed in black and white: categories differ by
marker shape as well as colour, grades by lightness as well as hue.

The charts are drawn in ``chart_stakeholders`` (the stakeholder map) and
``chart_bars`` (the 100 % bar charts), over the shared setup of
``chart_figure`` and the text fitting of ``chart_text``; this module holds
:data:`CHARTS`, the drawing function of each kind a
:class:`~pipeline.render.chart_cache.Chart` names.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.render.chart_bars import merit_profile, opinions_chart, reactions_chart
from pipeline.render.chart_stakeholders import stakeholder_map

# A chart's kind -> the function that draws it, called with the Chart's args.
CHARTS: dict[str, Callable[..., bytes]] = {
    "stakeholder_map": stakeholder_map,
    "merit_profile": merit_profile,
    "opinions_chart": opinions_chart,
    "reactions_chart": reactions_chart,
}
