"""Charts drawn once with reportlab's graphics: rendered as SVG in pages and as vectors in PDFs."""
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

PALETTE = [colors.HexColor("#1f4e79"), colors.HexColor("#2e86c1"), colors.HexColor("#85c1e9"),
           colors.HexColor("#b9770e"), colors.HexColor("#7d3c98")]
FONT = "Helvetica"


def _legend(drawing: Drawing, names: list[str], x: float, y: float) -> None:
    """A one-row legend above the plot: swatch, then name, side by side."""
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 95
    legend.dxTextSpace = 4
    legend.dx = legend.dy = 8
    legend.colorNamePairs = list(zip(PALETTE, names, strict=False))
    drawing.add(legend)


def _empty(width: float, height: float, message: str) -> Drawing:
    drawing = Drawing(width, height)
    drawing.add(String(width / 2, height / 2, message, textAnchor="middle", fontName=FONT, fontSize=10))
    return drawing


def grouped_bars(categories: list[str], series: list[tuple[str, list[float]]], value_label,
                 width: float = 520, height: float = 230, empty: str = "", counts: bool = False) -> Drawing:
    """Bars per category, one colour per series (e.g. committed, called, paid-in by partner)."""
    if not categories:
        return _empty(width, height, empty)
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70, 45, width - 90, height - 80
    chart.data = [values for _name, values in series]
    chart.categoryAxis.categoryNames = [name[:28] for name in categories]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 8
    if len(categories) > 3:     # long names side by side would overlap
        chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 25, "ne"
        chart.y, chart.height = chart.y + 25, chart.height - 25
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = value_label
    if counts:   # whole, round numbers on the axis, up to a tick above the tallest bar
        largest = max(max(values, default=0) for _name, values in series)
        step = _round_step(largest)
        chart.valueAxis.valueStep, chart.valueAxis.valueMax = step, step * max(1, -(-largest // step))
    chart.barSpacing, chart.groupSpacing = 2, 12
    for index in range(len(series)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    _legend(drawing, [name for name, _values in series], 70, height - 8)
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
          width: float = 520, height: float = 230, empty: str = "") -> Drawing:
    """Lines over periods (e.g. NAV by quarter); None leaves a gap."""
    present = [v for _name, values in series for v in values if v is not None]
    if len(labels) < 2 or not present:
        return _empty(width, height, empty)
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 70, 45, width - 90, height - 80
    chart.data = [list(values) for _name, values in series]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 8
    chart.categoryAxis.labels.angle = 30 if len(labels) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 8 else "n"
    chart.valueAxis.labelTextFormat = value_label
    chart.valueAxis.valueMin = min([0, *present])
    for index in range(len(series)):
        chart.lines[index].strokeColor = PALETTE[index % len(PALETTE)]
        chart.lines[index].strokeWidth = 2
    drawing.add(chart)
    _legend(drawing, [name for name, _values in series], 70, height - 8)
    return drawing


def to_svg(drawing: Drawing) -> str:
    """The drawing as an SVG document."""
    return renderSVG.drawToString(drawing)
