"""Charts for the Word deliverables, drawn with matplotlib (Agg) into PNG bytes.

matplotlib is imported only when a chart is drawn: it costs a few tenths of a
second, and most commands never draw. Figures are built with the object API
(``Figure`` + Agg canvas), not pyplot, so no global state is shared between
builds. Every chart reads printed in black and white: categories differ by
marker shape as well as colour, grades by lightness as well as hue.

The charts are drawn in ``chart_stakeholders`` (the stakeholder map) and
``chart_bars`` (the 100 % bar charts), over the shared setup of
``chart_figure`` and the text fitting of ``chart_text``; this module gathers
their drawing functions, which a :class:`~pipeline.render.chart_cache.Chart`
names (``charts.<kind>``), and re-exports the names others use.
"""

from __future__ import annotations

from pipeline.render.chart_bars import GRADES as GRADES
from pipeline.render.chart_bars import OPINIONS as OPINIONS
from pipeline.render.chart_bars import REACTIONS as REACTIONS
from pipeline.render.chart_bars import Palette as Palette
from pipeline.render.chart_bars import merit_profile as merit_profile
from pipeline.render.chart_bars import opinions_chart as opinions_chart
from pipeline.render.chart_bars import reactions_chart as reactions_chart
from pipeline.render.chart_figure import CM as CM
from pipeline.render.chart_figure import DPI as DPI
from pipeline.render.chart_figure import font_family as font_family
from pipeline.render.chart_stakeholders import CATEGORY_STYLE as CATEGORY_STYLE
from pipeline.render.chart_stakeholders import MAX_NUMBERED as MAX_NUMBERED
from pipeline.render.chart_stakeholders import one_marker_each as one_marker_each
from pipeline.render.chart_stakeholders import stakeholder_map as stakeholder_map
from pipeline.render.chart_text import clip as clip
