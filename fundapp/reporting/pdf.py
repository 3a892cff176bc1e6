"""PDF building blocks (reportlab platypus): a Unicode font, styles, tables and deterministic output."""
import io
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents
from reportlab.platypus.tables import CellStyle

# No timestamps or random ids in the files: the same data gives the same bytes.
rl_config.invariant = 1

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT_CANDIDATES = [
    (str(DEJAVU / "DejaVuSans.ttf"), str(DEJAVU / "DejaVuSans-Bold.ttf")),
    (str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"),
     str(Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf")),
]
FONT, BOLD = "FundSans", "FundSans-Bold"
CELL_PADDING = 3


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
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=BOLD, fontSize=15, leading=19,
                             textColor=colors.HexColor("#1f4e79"), spaceBefore=6, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, fontSize=13, leading=16),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9.5, leading=13),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=FONT, fontSize=8, leading=10,
                                textColor=colors.HexColor("#555555")),
    }


def text(value, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text. Every paragraph of fundapp's PDFs is made here: what users wrote (a
    partner's or a company's name, a note) is escaped, so reportlab never reads it as markup, a link
    or an image."""
    return Paragraph(unbroken(escape(str(value))), style)


def unbroken(value: str) -> str:
    """French amounts keep their narrow no-break spaces together ("1 500 000 F CFA"): reportlab breaks
    lines at a narrow no-break space, never at a no-break space."""
    return value.replace("\u202f", "\xa0")


def table(rows: list[list], widths=None, numeric=None, header: bool = True, total: bool = False,
          size: float = 8.5) -> Table:
    """A ruled table: the columns in `numeric` (all but the first by default) right-aligned, the others
    left-aligned; the header row repeats on each page and a total row is bold.

    Cells share one style per column and kind of row, made once, instead of being styled cell by cell:
    a table of thousands of rows is styled in as many steps as it has columns."""
    register_fonts()
    columns = max(len(row) for row in rows)
    numeric = range(1, columns) if numeric is None else numeric

    def styled(font):
        return [_cell_style(font, size, "RIGHT" if i in numeric else "LEFT") for i in range(columns)]
    body, bold = styled(FONT), styled(BOLD)
    kinds = [body] * len(rows)
    if header:
        kinds[0] = bold
    if total:
        kinds[-1] = bold
    result = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT",
                   cellStyles=[list(kind) for kind in kinds])
    commands = [("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.HexColor("#999999"))]
    if header:
        commands += [("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1f4e79")),
                     ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaf1f8"))]
    result.setStyle(TableStyle(commands))     # lines and backgrounds only: the cells' styles are shared
    return result


def _cell_style(font: str, size: float, alignment: str) -> CellStyle:
    style = CellStyle(f"{font} {size} {alignment}")
    style.fontname, style.fontsize, style.alignment, style.valign = font, size, alignment, "TOP"
    style.leftPadding = style.rightPadding = CELL_PADDING
    style.topPadding = style.bottomPadding = 3
    return style


MARGINS = {"leftMargin": 18 * mm, "rightMargin": 18 * mm, "topMargin": 18 * mm, "bottomMargin": 18 * mm}


def _footer(text: str, mark: str | None = None):
    """A page decoration: the footer text on the left, the page number on the right; a mark (DRAFT)
    across the page and at its head, when given."""
    def decorate(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, text)
        canvas.drawRightString(canvas._pagesize[0] - 18 * mm, 10 * mm, str(document.page))
        if mark:
            width, height = canvas._pagesize
            canvas.setFillColor(colors.HexColor("#b00020"))
            canvas.setFont(BOLD, 9)
            canvas.drawCentredString(width / 2, height - 10 * mm, mark)
            canvas.setFillColor(colors.Color(0.69, 0, 0.13, alpha=0.12))
            canvas.setFont(BOLD, 96)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(45 if width < height else 30)
            canvas.drawCentredString(0, -34, mark.split(" ")[0])
        canvas.restoreState()
    return decorate


class _Dated:
    """A PDF's own dates (its metadata's CreationDate and ModDate), in UTC, instead of the constant that
    invariant output writes: the same report always has the same bytes, and says when it was made."""

    def __init__(self, moment: datetime):
        moment = moment.astimezone(UTC) if moment.tzinfo else moment
        self.t = moment.replace(tzinfo=UTC).timestamp()
        self.YMDhms = moment.timetuple()[:6]
        self.dhh = self.dmm = 0


def build(story: list, title: str, footer: str) -> bytes:
    """Lay out the story on A4 pages with a footer and page numbers; the PDF's bytes."""
    register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="fundapp", creator="fundapp",
                                 **MARGINS)
    document.build(story, onFirstPage=_footer(footer), onLaterPages=_footer(footer))
    return buffer.getvalue()


def lines(value, style: ParagraphStyle) -> Paragraph:
    """Plain text of several lines (an address, payment instructions), escaped as text() does."""
    return Paragraph("<br/>".join(unbroken(escape(line)) for line in str(value).splitlines()), style)


class Heading(Paragraph):
    """A section heading that the table of contents lists; made by heading()."""


def heading(value, style: ParagraphStyle) -> Heading:
    """A section heading of plain text (escaped as text() does)."""
    return Heading(unbroken(escape(str(value))), style)


class _ContentsDocument(BaseDocTemplate):
    """A4 portrait pages, and landscape ones ("wide") for tables with many columns."""

    def __init__(self, buffer, footer: str, mark: str | None = None, dated: datetime | None = None,
                 **kwargs):
        super().__init__(buffer, pagesize=A4, author="fundapp", creator="fundapp", **MARGINS, **kwargs)
        self.dated = dated
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        wide = landscape(A4)
        wide_frame = Frame(self.leftMargin, self.bottomMargin, wide[0] - 36 * mm, wide[1] - 36 * mm,
                           id="wide")
        decorate = _footer(footer, mark)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate),
                               PageTemplate(id="wide", frames=[wide_frame], onPage=decorate,
                                            pagesize=wide)])

    def beforeDocument(self):
        if self.dated is not None:
            self.canv._doc._timeStamp = _Dated(self.dated)

    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading):
            # the contents are paragraphs too: the heading's plain text is escaped again for them
            self.notify("TOCEntry", (0, escape(flowable.getPlainText()), self.page))


def build_with_contents(story: list, title: str, footer: str, mark: str | None = None,
                        dated: datetime | None = None) -> bytes:
    """Like build, for a story holding a TableOfContents filled from its Heading paragraphs; a mark
    (DRAFT) on every page and the document's own date in its metadata, when given."""
    register_fonts()
    buffer = io.BytesIO()
    _ContentsDocument(buffer, footer, mark, dated, title=title).multiBuild(story)
    return buffer.getvalue()


def contents_table(style: ParagraphStyle) -> TableOfContents:
    toc = TableOfContents()
    toc.levelStyles = [ParagraphStyle("toc", parent=style, leftIndent=0, firstLineIndent=0, spaceBefore=3)]
    toc.dotsMinLevel = 0
    return toc
