"""Charts drawn once with reportlab's graphics: rendered as SVG in pages and as vectors in PDFs.

Legible wherever they are read (SPEC 11): a page draws them at the width it shows them, with 12 px text,
a PDF with 8-point text (never below 7); every series differs by more than its colour (a line by its
dashes and markers, a bar by its fill and outline), money axes name their currency, and no label is cut:
long names wrap, and a long run of quarters labels every few."""
import math
import textwrap
from dataclasses import dataclass

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

PALETTE = [colors.HexColor("#1f4e79"), colors.HexColor("#2e86c1"), colors.HexColor("#b9770e"),
           colors.HexColor("#7d3c98"), colors.HexColor("#117a65")]
DASHES = [None, (6, 3), (2, 2), (8, 3, 2, 3), (1, 3)]             # a line's own pattern
MARKERS = ["FilledCircle", "FilledSquare", "FilledTriangle", "FilledDiamond", "Cross"]
FONT = "Helvetica"


@dataclass(frozen=True)
class Size:
    """Where a chart is read: its width and height (points in a PDF, CSS pixels on a page) and its text."""
    width: float
    height: float
    text: float


PRINT = Size(500, 240, 8)         # a report's portrait page (wide pages hold two at 360)
PRINT_HALF = Size(360, 240, 8)
SCREEN = Size(350, 300, 12)       # shown at its own width (it fits a phone's 390 px)


def _bar_style(index: int):
    """Fill and outline of a series of bars: solid, hollow with a thick outline, light with a dashed
    outline… so that series differ in black and white too."""
    colour = PALETTE[index % len(PALETTE)]
    kind = index % 3
    if kind == 0:
        return colour, colour, None, 0.5
    if kind == 1:
        return colors.white, colour, None, 2
    return colors.Color(colour.red, colour.green, colour.blue, alpha=0.35), colour, (3, 2), 1.2


def _legend(drawing: Drawing, names: list[str], size: Size, kind: str) -> float:
    """Swatches and names in rows above the plot, wrapping to a new row when the width is used; the
    height the legend takes."""
    x, y, row_height = 0.0, size.height - size.text - 2, size.text + 6
    for index, name in enumerate(names):
        width = _text_width(name, size.text) + size.text * 3.8
        if x and x + width > size.width:
            x, y = 0.0, y - row_height
        group = Group()
        if kind == "bars":
            fill, stroke, dash, stroke_width = _bar_style(index)
            group.add(Rect(x, y, size.text, size.text * 0.9, fillColor=fill, strokeColor=stroke,
                           strokeWidth=stroke_width, strokeDashArray=dash))
        else:
            colour = PALETTE[index % len(PALETTE)]
            group.add(Line(x, y + size.text * 0.4, x + size.text * 1.8, y + size.text * 0.4,
                           strokeColor=colour, strokeWidth=2, strokeDashArray=DASHES[index % len(DASHES)]))
            marker = makeMarker(MARKERS[index % len(MARKERS)], size=size.text * 0.55, fillColor=colour,
                                strokeColor=colour)
            marker.x, marker.y = x + size.text * 0.9, y + size.text * 0.4
            group.add(marker)
        group.add(String(x + size.text * 2.2, y, name, fontName=FONT, fontSize=size.text))
        drawing.add(group)
        x += width
    return size.height - y + 4


def _text_width(text: str, font_size: float) -> float:
    return stringWidth(text, FONT, font_size)


def _axis_title(drawing: Drawing, title: str, x: float, y: float, size: Size) -> None:
    """The unit of the value axis (the currency), above it."""
    if title:
        drawing.add(String(x, y, title, fontName=FONT, fontSize=size.text, textAnchor="start",
                           fillColor=colors.HexColor("#333333")))


def _empty(size: Size, message: str) -> Drawing:
    drawing = Drawing(size.width, size.height)
    drawing.add(String(size.width / 2, size.height / 2, message, textAnchor="middle", fontName=FONT,
                       fontSize=size.text))
    return drawing


def _wrapped(name: str, room: float, font_size: float) -> str:
    """A category's name in lines that fit the room under its bars (never cut)."""
    characters = max(6, int(room / (font_size * 0.55)))
    return "\n".join(textwrap.wrap(name, characters, break_long_words=False)) or name


def _value_axis_room(values: list[float], value_label, size: Size) -> float:
    widest = max((_text_width(value_label(v), size.text) for v in values), default=0)
    return widest + 8


def grouped_bars(categories: list[str], series: list[tuple[str, list[float]]], value_label,
                 size: Size = PRINT, empty: str = "", unit: str = "") -> Drawing:
    """Bars per category, one style per series (e.g. committed, called, paid-in by partner)."""
    if not categories:
        return _empty(size, empty)
    drawing = Drawing(size.width, size.height)
    legend = _legend(drawing, [name for name, _values in series], size, "bars") if len(series) > 1 else 0
    chart = VerticalBarChart()
    chart.data = [values for _name, values in series]
    largest = max((max(values, default=0) for _name, values in series), default=0)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = value_label
    # round numbers on the axis, up to a tick at or above the tallest bar (no bar runs past the axis)
    step = _round_step(largest)
    chart.valueAxis.valueStep, chart.valueAxis.valueMax = step, step * max(1, math.ceil(largest / step))
    left = _value_axis_room([0, largest, chart.valueAxis.valueMax or largest], value_label, size)
    plot_width = size.width - left - 6
    room = plot_width / len(categories)
    names = [_wrapped(name, room - 4, size.text) for name in categories]
    lines_needed = max(name.count("\n") + 1 for name in names)
    bottom = lines_needed * (size.text + 2) + 8
    top = legend + (size.text + 6 if unit else 4)
    chart.x, chart.y, chart.width, chart.height = left, bottom, plot_width, size.height - bottom - top
    chart.categoryAxis.categoryNames = names
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, size.text
    chart.categoryAxis.labels.leading = size.text + 2
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.barSpacing, chart.groupSpacing = 2, max(6, room * 0.2)
    for index in range(len(series)):
        fill, stroke, dash, stroke_width = _bar_style(index)
        bar = chart.bars[index]
        bar.fillColor, bar.strokeColor = fill, stroke
        bar.strokeWidth, bar.strokeDashArray = stroke_width, dash
    drawing.add(chart)
    _axis_title(drawing, unit, 0, chart.y + chart.height + 4, size)
    return drawing


def _round_step(largest: float, ticks: int = 6) -> int:
    """The smallest step of 1, 2 or 5 times a power of ten that reaches the largest value in at most
    `ticks` steps."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if factor * power * ticks >= largest:
                return factor * power
        power *= 10


def lines(labels: list[str], series: list[tuple[str, list[float | None]]], value_label,
          size: Size = PRINT, empty: str = "", unit: str = "") -> Drawing:
    """Lines over periods (e.g. NAV by quarter), each with its dashes and markers; None leaves a gap."""
    present = [v for _name, values in series for v in values if v is not None]
    if len(labels) < 2 or not present:
        return _empty(size, empty)
    drawing = Drawing(size.width, size.height)
    legend = _legend(drawing, [name for name, _values in series], size, "lines")
    chart = HorizontalLineChart()
    chart.data = [list(values) for _name, values in series]
    chart.valueAxis.labelTextFormat = value_label
    chart.valueAxis.valueMin = min([0, *present])
    left = _value_axis_room([min(present), max(present)], value_label, size) + size.text
    plot_width = size.width - left - size.text * 2
    # a label every few quarters, as many as fit turned at 45 degrees
    label_width = max(_text_width(label, size.text) for label in labels)
    fitting = max(2, int(plot_width / (size.text * 1.6)))
    every = math.ceil(len(labels) / fitting)
    chart.categoryAxis.categoryNames = [label if (len(labels) - 1 - i) % every == 0 else ""
                                        for i, label in enumerate(labels)]
    bottom = label_width * 0.75 + size.text + 6
    top = legend + (size.text + 6 if unit else 4)
    chart.x, chart.y, chart.width, chart.height = left, bottom, plot_width, size.height - bottom - top
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, size.text
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 45, "ne"
    for index in range(len(series)):
        colour = PALETTE[index % len(PALETTE)]
        line = chart.lines[index]
        line.strokeColor, line.strokeWidth = colour, 2
        line.strokeDashArray = DASHES[index % len(DASHES)]
        line.symbol = makeMarker(MARKERS[index % len(MARKERS)], size=size.text * 0.5, fillColor=colour,
                                 strokeColor=colour)
    drawing.add(chart)
    _axis_title(drawing, unit, 0, chart.y + chart.height + 4, size)
    return drawing


def to_svg(drawing: Drawing) -> str:
    """The drawing as an SVG document."""
    return renderSVG.drawToString(drawing)
