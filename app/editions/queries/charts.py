"""The layout of the dashboard's horizontal bar charts, drawn as SVG by the template."""

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    width: int
    y: int
    colour: str = "#3559a8"


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    height: int
    width: int = 360
    label_width: int = 140


def bar_chart(title: str, rows: list[tuple[str, int, str]], *, width: int = 360) -> Chart:
    """Lay out a horizontal bar chart (label, value, colour) for a server-rendered SVG."""
    label_width, bar_space, step = 140, width - 140 - 40, 26
    top = max((value for _label, value, _colour in rows), default=0) or 1
    bars = [
        Bar(label, value, round(bar_space * value / top), index * step, colour)
        for index, (label, value, colour) in enumerate(rows)
    ]
    return Chart(
        title, bars, height=max(step * len(bars), step), width=width, label_width=label_width
    )
