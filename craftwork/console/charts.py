"""Trend charts drawn on the server as SVG geometry for ``console/_chart.html``: no script runs in
the browser, so the charts work under the site's Content-Security-Policy and without JavaScript."""

from dataclasses import dataclass

WIDTH = 600
HEIGHT = 160
PAD_LEFT = 44
PAD_BOTTOM = 22
PAD_TOP = 10


@dataclass
class Chart:
    title: str
    points: str  # "x,y x,y ..." for <polyline>
    dots: list[tuple[float, float, str, str]]  # x, y, label, value (for <title> tooltips)
    max_label: str
    first_label: str
    last_label: str
    empty: bool
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PAD_LEFT
    top: int = PAD_TOP
    baseline: int = HEIGHT - PAD_BOTTOM


def line_chart(title: str, series, *, fmt=str) -> Chart:
    """``series`` is a list of (date, value); ``fmt`` turns a value into the text shown."""
    values = [value for _day, value in series]
    top = max(values, default=0) or 1
    span_x = WIDTH - PAD_LEFT - 8
    span_y = HEIGHT - PAD_BOTTOM - PAD_TOP
    count = len(series)
    dots = []
    for index, (day, value) in enumerate(series):
        x = PAD_LEFT + (span_x * index / (count - 1) if count > 1 else span_x / 2)
        y = HEIGHT - PAD_BOTTOM - span_y * value / top
        dots.append((round(x, 1), round(y, 1), day.isoformat(), fmt(value)))
    return Chart(
        title=title,
        points=" ".join(f"{x},{y}" for x, y, _label, _value in dots),
        dots=dots,
        max_label=fmt(max(values, default=0)),
        first_label=series[0][0].isoformat() if series else "",
        last_label=series[-1][0].isoformat() if series else "",
        empty=not any(values),
    )
