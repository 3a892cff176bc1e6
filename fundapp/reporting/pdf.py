"""PDF building blocks (reportlab platypus): a Unicode font, styles, tables and deterministic output."""
import io
from pathlib import Path

import reportlab
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

# No timestamps or random ids in the files: the same data gives the same bytes.
rl_config.invariant = 1

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT_CANDIDATES = [
    (str(DEJAVU / "DejaVuSans.ttf"), str(DEJAVU / "DejaVuSans-Bold.ttf")),
    (str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"),
     str(Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf")),
]
FONT, BOLD = "FundSans", "FundSans-Bold"


def register_fonts() -> None:
    """Embed a Unicode TrueType font (DejaVu Sans where installed, else reportlab's Vera)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    regular, bold = next(pair for pair in FONT_CANDIDATES if Path(pair[0]).exists())
    pdfmetrics.registerFont(TTFont(FONT, regular))
    pdfmetrics.registerFont(TTFont(BOLD, bold))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=BOLD, fontSize=18, leading=22),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, fontSize=13, leading=16),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9.5, leading=13),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=FONT, fontSize=8, leading=10,
                                textColor=colors.HexColor("#555555")),
    }


def table(rows: list[list], widths=None, numeric_from: int = 1, header: bool = True) -> Table:
    """A ruled table; columns from numeric_from on are right-aligned; the header row repeats."""
    register_fonts()
    result = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [("FONTNAME", (0, 0), (-1, 0), BOLD),
                     ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1f4e79")),
                     ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaf1f8"))]
    result.setStyle(TableStyle(commands))
    return result


def build(story: list, title: str, footer: str) -> bytes:
    """Lay out the story on A4 pages with a footer and page numbers; the PDF's bytes."""
    register_fonts()
    buffer = io.BytesIO()

    def decorate(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(document.page))
        canvas.restoreState()

    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="fundapp", creator="fundapp",
                                 leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                                 bottomMargin=18 * mm)
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
