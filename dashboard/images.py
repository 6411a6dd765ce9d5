"""Static PNG and SVG images of the charts, drawn on the server by kaleido in one warm headless Chromium.

An image is the chart's figure with its title, the filter summary and the source line added
(`report_figure`), so it says what it shows wherever it is pasted. kaleido finds Chromium through
`BROWSER_PATH`, else /usr/bin/chromium, else the usual names on PATH; with none, `render` raises
ImageUnavailable with a sentence saying what to install, and only the image routes fail.

One browser per process stays open between requests (started by the first image, after a
gunicorn fork): the same idea as kaleido's own sync server (`kaleido.start_sync_server`), but
that one blocks its caller forever when the browser fails to start and is not safe to call from
several request threads at once, so this keeps its own event loop thread, waits with a timeout
and starts a fresh browser after a failure. Images go through the dashboard's cache
(dashboard/cache.py: memory per worker, or Redis shared by all) keyed by chart, filters, language,
size and data version, so an import makes every image new.
"""
from __future__ import annotations

import asyncio
import atexit
import html
import logging
import os
import re
import shutil
import textwrap
import threading
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from queries import settings

from . import cache, charts, i18n, maps, provenance
from .state import State

log = logging.getLogger(__name__)

FORMATS = ("png", "svg")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1000, 600
LIMITS = {"width": (400, 2400), "height": (300, 2400), "scale": (0.5, 4.0)}
MAX_PIXELS = 24_000_000          # width × height × scale², about a 6000 × 4000 PNG
START_TIMEOUT, RENDER_TIMEOUT, WAIT_TIMEOUT = 60, 45, 120  # seconds: browser start, one image, queue + image
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TOPOJSON_URL = (maps.ASSETS_DIR / "topojson").as_uri() + "/"  # the base map plotly.js asks for, read from disk

# charts.build_ranking's caption; in an image it ends after the counts.
RANKING_CAPTION = "The {shown} highest of {total}; every region is in the data table"

# The parts added around the figure, in pixels.
TITLE_SIZE, SUBTITLE_SIZE, SOURCE_SIZE = 18, 13, 11
MARGIN_BOTTOM = 84               # room for the x axis' labels and title, then the source line
SIDE = 24


class ImageUnavailable(RuntimeError):
    """No image can be drawn now (no Chromium, or it failed); the message says why and what to do."""


class SizeError(ValueError):
    """A width, height or scale outside the bounds; the message is meant for the user."""


@dataclass(frozen=True)
class Size:
    width: int | None = None
    height: int | None = None
    scale: float = 1.0


def parse_size(args) -> Size:
    """width, height and scale from query parameters, each optional and checked against LIMITS."""
    values = {}
    for name in ("width", "height", "scale"):
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        low, high = LIMITS[name]
        try:
            value = int(raw) if name != "scale" else float(raw)
        except ValueError:
            kind = "a whole number of pixels" if name != "scale" else "a number"
            raise SizeError(f"{name} must be {kind} between {low:g} and {high:g}, not {raw!r}") from None
        if not low <= value <= high:
            raise SizeError(f"{name} must be between {low:g} and {high:g}, not {raw}")
        values[name] = value
    size = Size(**values)
    w, h = size.width or DEFAULT_WIDTH, size.height or DEFAULT_HEIGHT
    if w * h * size.scale ** 2 > MAX_PIXELS:
        raise SizeError(f"{w} × {h} pixels at scale {size.scale:g} is too large; ask for a smaller size or scale")
    return size


# ----------------------------------------------------------------------------------------------
# The figure as it goes into a report
# ----------------------------------------------------------------------------------------------
def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _caption(fig: go.Figure, state: State) -> str:
    """The chart's caption (what is shown, what is left out: charts.py puts it in the figure's title) as one
    text, without the pointer to the page's data table, which an image does not have."""
    text = re.sub(r"\s*<br>\s*", " ", fig.layout.title.text or "").strip()
    template = i18n.translator(state.lang)(RANKING_CAPTION)
    suffix = template.split("{total}", 1)[1] if "{total}" in template else ""
    if not suffix.strip() or suffix not in text:
        return text
    return text[: -len(suffix)] if text.endswith(suffix) else text.replace(suffix, ".", 1)


def _wrap(text: str, width: int, font_size: int, em: float = 0.6) -> list[str]:
    """Escaped lines of a text that fit the image's width (`em`: a character's average width in em)."""
    chars = max(20, int((width - 2 * SIDE) / (em * font_size)))
    return [_text(line) for line in textwrap.wrap(text, chars)] or [""]


def _shows_legend(fig: go.Figure) -> bool:
    if fig.layout.showlegend is not None:
        return bool(fig.layout.showlegend)
    return sum(1 for t in fig.data if t.showlegend is not False and t.type not in ("choropleth", "heatmap")) > 1


def _coordinates(geometry, out: list) -> None:
    if isinstance(geometry, (list, tuple)):
        if len(geometry) >= 2 and all(isinstance(v, (int, float)) for v in geometry[:2]):
            out.append(geometry[:2])
        else:
            for part in geometry:
                _coordinates(part, out)


def _fit_maps(fig: go.Figure) -> None:
    """Set each choropleth's view to its regions' bounds: in a fixed-size image `fitbounds` leaves a
    third of the frame empty around a country."""
    points: list = []
    for trace in fig.data:
        if trace.type != "choropleth" or not isinstance(trace.geojson, dict):
            continue
        wanted = set(trace.locations or ())
        path = (trace.featureidkey or "id").split(".")
        for feature in trace.geojson.get("features", []):
            key = feature
            for part in path:
                key = key.get(part) if isinstance(key, dict) else None
            if key in wanted:
                _coordinates((feature.get("geometry") or {}).get("coordinates"), points)
    if not points:
        return
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    pad_lon, pad_lat = 0.02 * (max(lons) - min(lons)) + 0.05, 0.02 * (max(lats) - min(lats)) + 0.05
    fig.update_geos(fitbounds=False, lonaxis_range=[min(lons) - pad_lon, max(lons) + pad_lon],
                    lataxis_range=[min(lats) - pad_lat, max(lats) + pad_lat])


def report_figure(chart: charts.Chart, df: pd.DataFrame, state: State, size: Size) -> tuple[go.Figure, int, int]:
    """The chart's figure with its title, filter summary and source line, and the image's width and height."""
    tr = i18n.translator(state.lang)
    fig = chart.figure(df, state)  # a new figure at every call: changed in place (a copy costs ~100 ms for a map)
    width = size.width or DEFAULT_WIDTH
    lines = _wrap(provenance.filter_summary(state), width, SUBTITLE_SIZE)
    lines += _wrap(_caption(fig, state), width, SUBTITLE_SIZE)
    source = _wrap(provenance.source_line(state), width, SOURCE_SIZE)
    bottom = MARGIN_BOTTOM + (len(source) - 1) * (SOURCE_SIZE + 3)
    title = _wrap(tr(chart.title), width, TITLE_SIZE, em=0.66)  # bold
    legend = _shows_legend(fig)
    top = 16 + len(title) * (TITLE_SIZE + 4) + 6 + len(lines) * (SUBTITLE_SIZE + 5) + (34 if legend else 12)
    height = size.height or min(max(DEFAULT_HEIGHT, (fig.layout.height or chart.height) + top + bottom - 20),
                                LIMITS["height"][1])
    fig.update_layout(
        width=width, height=height, autosize=False, paper_bgcolor="white",
        plot_bgcolor="white" if fig.layout.plot_bgcolor in (None, "rgba(0,0,0,0)") else fig.layout.plot_bgcolor,
        margin=dict(l=SIDE, r=SIDE, t=top, b=bottom),
        title=dict(text="<br>".join(f"<b>{line}</b>" for line in title), x=SIDE / width, xanchor="left", xref="container",
                   y=1 - 16 / height, yanchor="top", yref="container", pad=dict(l=0, r=0, t=0, b=0),
                   automargin=False, font=dict(size=TITLE_SIZE, color="#222"),
                   subtitle=dict(text="<br>".join(lines), font=dict(size=SUBTITLE_SIZE, color="#4a5561"))),
    )
    if legend:
        fig.update_layout(legend=dict(orientation="h", x=SIDE / width, xanchor="left", xref="container",
                                      y=1 - (top - 30) / height, yanchor="top", yref="container", traceorder="normal",
                                      font=dict(size=12)))
    fig.add_annotation(text="<br>".join(source), xref="paper", yref="paper", x=1, y=0,
                       xanchor="right", yanchor="bottom", yshift=-(bottom - 8), showarrow=False,
                       align="right", font=dict(size=SOURCE_SIZE, color="#4a5561"))
    if any(t.type == "bar" and t.orientation == "h" for t in fig.data):
        fig.update_yaxes(ticklabelstandoff=6)  # names a little apart from their bars
    # numbers on the x axis upright and few enough to fit: tilted ones push the axis title onto the source line
    fig.update_xaxes(nticks=max(3, width // 160), tickangle=0,
                     selector=lambda ax: ax.dtick is None and ax.type != "category")
    _fit_maps(maps.inline_geometry(fig))  # kaleido draws without our server: the outlines go in the figure
    return fig, width, height


# ----------------------------------------------------------------------------------------------
# The browser
# ----------------------------------------------------------------------------------------------
def browser_path() -> str | None:
    """The Chromium to draw with: BROWSER_PATH when set (and only it), else /usr/bin/chromium or one on PATH."""
    configured = settings.get("BROWSER_PATH")
    if configured:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    for name in CANDIDATES:
        path = name if os.path.isabs(name) else shutil.which(name)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def missing_browser_message() -> str:
    configured = settings.get("BROWSER_PATH")
    where = f"at BROWSER_PATH={configured}" if configured else "at /usr/bin/chromium or on the PATH"
    return (f"Static images need Chromium, and none was found {where}. Install it (on Debian or Ubuntu: "
            "apt-get install chromium) or set BROWSER_PATH to a Chromium or Chrome executable; "
            "the chart data (.json, .csv, .xlsx) works without it.")


def _kaleido_class(kaleido):
    """kaleido.Kaleido that hands an image back before reloading its tab, not after.

    kaleido reloads the page (plotly.js) after every image and only then returns it, about half
    of a render's time; here the reload runs while the server builds the next figure. The tab goes
    back to kaleido's queue once reloaded, as before."""
    class Kaleido(kaleido.Kaleido):
        async def _return_kaleido_tab(self, *args, **kwargs):
            reloads = self.__dict__.setdefault("_civmon_reloads", set())
            task = asyncio.get_running_loop().create_task(super()._return_kaleido_tab(*args, **kwargs))
            reloads.add(task)
            task.add_done_callback(lambda t: reloads.discard(t) or t.cancelled() or t.exception())
    return Kaleido


class _Browser:
    """One headless Chromium (a kaleido.Kaleido) driven from its own event loop thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._loop = None
        self._thread = None
        self._kaleido = None

    def _alive(self) -> bool:
        return (self._kaleido is not None and self._pid == os.getpid() and self._thread is not None
                and self._thread.is_alive())

    def _start(self):
        path = browser_path()
        if path is None:
            raise ImageUnavailable(missing_browser_message())
        try:
            import kaleido
        except ImportError:
            raise ImageUnavailable("Static images need the Python package kaleido: pip install 'kaleido>=1.0'.") \
                from None
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="civmon-images", daemon=True)
        thread.start()

        async def open_browser():
            k = _kaleido_class(kaleido)(n=1, path=path, mathjax=False, timeout=RENDER_TIMEOUT)
            await k.open()
            return k
        try:
            k = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            log.warning("Chromium at %s did not start: %r", path, exc)
            raise ImageUnavailable(f"Chromium at {path} did not start ({exc.__class__.__name__}); check that it runs "
                                   "(chromium --headless --version), or set BROWSER_PATH to another Chromium or Chrome "
                                   "executable.") from None
        self._pid, self._loop, self._thread, self._kaleido = os.getpid(), loop, thread, k
        log.info("Chromium at %s started for static images", path)

    def render(self, fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
        with self._lock:
            if not self._alive():
                self._start()
            k, loop = self._kaleido, self._loop
        future = asyncio.run_coroutine_threadsafe(
            k.calc_fig(fig, opts=dict(format=fmt, width=width, height=height, scale=scale), topojson=TOPOJSON_URL),
            loop)
        try:
            return future.result(WAIT_TIMEOUT)
        except Exception as exc:
            if not future.done():  # queued behind other images too long (kaleido's own timeout ends a hung draw)
                future.cancel()
                raise ImageUnavailable("The server is busy drawing other images; please try again.") from None
            log.warning("image rendering failed, restarting the browser: %r", exc)
            self.close()
            raise ImageUnavailable("The image could not be drawn just now; please try again.") from exc

    def close(self):
        """Close the browser and stop its thread (at exit, after a failure, and in tests)."""
        with self._lock:
            k, loop, thread, pid = self._kaleido, self._loop, self._thread, self._pid
            self._kaleido = self._loop = self._thread = self._pid = None
        if k is None or pid != os.getpid():
            return
        try:
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(15)
        except Exception as exc:  # a browser that is already gone
            log.debug("closing Chromium: %r", exc)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


_browser = _Browser()
atexit.register(_browser.close)


# ----------------------------------------------------------------------------------------------
# Images through the dashboard's cache
# ----------------------------------------------------------------------------------------------
def _parts(chart: charts.Chart, state: State, fmt: str, size: Size) -> tuple:
    return (chart.id, state.search, fmt, size.width, size.height, size.scale)


def etag(chart: charts.Chart, state: State, fmt: str, size: Size) -> str:
    """A tag that changes with the image: its cache key, which carries the data version."""
    return cache.key("image", *_parts(chart, state, fmt, size)).split(":", 1)[1]


def render(chart: charts.Chart, state: State, fmt: str, size: Size, data: Callable[[], pd.DataFrame]) -> bytes:
    """The chart as PNG or SVG bytes, from the cache or drawn now from `data()`; raises ImageUnavailable."""
    def draw() -> bytes:
        fig, width, height = report_figure(chart, data(), state, size)
        return _browser.render(fig, fmt, width, height, size.scale)
    return cache.cached("image", _parts(chart, state, fmt, size), draw)


def close() -> None:
    """Close this process's browser (the next image starts a new one)."""
    _browser.close()
