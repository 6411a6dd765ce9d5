"""Figures built without plotly's per-property validation.

plotly.graph_objects checks and coerces every property as it is set, and every update_layout walks the whole
figure: for the small figures of this app that was 20–80 ms a figure, most of the time of an uncached chart
(bench/bench_dashboard.py). Our figures are our own code, so they are built from whole dicts in one unvalidated step, in
the canonical form plotly.js reads (``title=dict(text=…)``, not the ``title="…"`` shorthand the validators would
expand; templates as objects, not names). tests/test_callbacks.py (cb022) holds them to that: every chart, for
several views and languages, validated afterwards, must give exactly the JSON it was built as.

    fig = figure(dict(type="bar", x=[...], y=[...]))   # traces as dicts with their type
    fig.add_trace(dict(type="scatter", ...))          # the figure's methods work as usual
"""
from __future__ import annotations

import html

import plotly.graph_objects as go
import plotly.io as pio

# Every figure starts from plotly_white as the default template: go.Figure() copies the default without
# validating it, where update_layout(template=...) deep-copied and validated its ~7 KB at every figure.
pio.templates.default = "plotly_white"
BLANK = pio.templates["none"]  # a template with nothing in it (the maps'): as an object, never by name


def figure(*traces: dict, **layout) -> go.Figure:
    """A figure of these traces (dicts with a "type") and layout, unvalidated, like its later updates."""
    return go.Figure(data=list(traces), layout=layout or None, _validate=False)


def text(value) -> str:
    """A text from the data (a name, a title, a topic) as plotly.js must be given it: plotly renders a few HTML tags
    in labels and hover texts (<a href>, <b>, <br>…), so a recipient named '<a href="https://…">' would become a live
    link in every chart, embed and SVG. Escaped, it reads as it was written."""
    return html.escape(str(value), quote=False)
