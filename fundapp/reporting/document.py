"""The quarterly report as a PDF (reportlab platypus), in the fund's language and currency: a cover
with the key figures, a table of contents, SPEC section 6's seven sections, charts drawn once with
reportlab's graphics, and the same bytes for the same data."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import force_locale, format_decimal, ngettext
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from fundapp.applications.agreement import RELIABLE, TENTATIVE
from fundapp.reporting import figures
from fundapp.reporting.charts import PRINT_HALF
from fundapp.reporting.pdf import (
    BOLD,
    CELL_PADDING,
    FONT,
    build_with_contents,
    contents_table,
    heading,
    styles,
    table,
    text,
)
from fundapp.reporting.quarterly import (
    Contents,
    Fte,
    Money,
    Ratio,
    ReportTable,
    Share,
    without_cycle_collection,
)
from fundapp.web.formatting import amount, country_name, day, fte, money, percent, ratio, short_day

WIDTH = 174 * mm
WIDE = 261 * mm      # a landscape page's text width
# The schedule's columns: company, sector, region, first investment, instrument, cost, fair value,
# proceeds, MOIC, ownership, status. Sector names and amounts in the billions fit on one line, and no
# heading breaks inside a word, in English and in French (larger figures widen their columns: see _fitted).
SCHEDULE_SHARES = (0.14, 0.12, 0.065, 0.08, 0.09, 0.105, 0.105, 0.105, 0.04, 0.07, 0.08)
AGREEMENT_SHARES = (0.24, 0.15, 0.16, 0.16, 0.29)    # the reading in words on one line beside its figures
DIGITS = str.maketrans("123456789", "000000000")     # a text's shape, for measuring it


def cell_text(value, currency: str) -> str:
    """A typed cell as the fund's readers write it."""
    if isinstance(value, Money):
        return amount(value.minor, currency)
    if isinstance(value, Ratio):
        return ratio(value.value)
    if isinstance(value, Share):
        return percent(value.value)
    if isinstance(value, Fte):
        return fte(value.value)
    if isinstance(value, date):
        return short_day(value)
    if isinstance(value, int | Decimal):
        return format_decimal(value)
    return str(value)


def _table(report_table: ReportTable, currency: str, style, first: float = 0.3, shares=None,
           width: float = WIDTH):
    """The table with wrapped, escaped cells; the first column takes `first` of the width, or each
    column its share of it, adjusted so that figures and words fit (see _fitted). Columns of figures
    are right-aligned, their headings too."""
    columns = len(report_table.columns)
    rest = (width * (1 - first)) / max(1, columns - 1)
    widths = [width * share for share in shares] if shares else [width * first] + [rest] * (columns - 1)
    numeric = {i for values in report_table.rows for i, v in enumerate(values)
               if i and not isinstance(v, str)}
    written: dict = {}      # a table repeats dates, amounts and words: each is written once

    def text_of(i, value):
        key = (i, type(value), value)
        if key not in written:
            written[key] = cell_text(value, currency)
        return written[key]
    body = [[text_of(i, value) for i, value in enumerate(values)] for values in report_table.rows]
    total = [text_of(i, value) for i, value in enumerate(report_table.total or [])]
    widths = _fitted(widths, numeric, report_table.columns, body, total)
    fitting: dict = {}

    def column_heading(i, label):
        return text(label, style["cell_number_bold" if i in numeric else "cell_bold"])

    def cell(i, value, written_text, bold):
        # figures and words that fit on one line are plain strings, drawn as they are (figures
        # right-aligned by the table); longer words are paragraphs, so that they wrap
        if i in numeric and not isinstance(value, str):
            return written_text
        if (i, written_text, bold) not in fitting:
            fitting[i, written_text, bold] = fits(written_text, widths[i], bold)
        if fitting[i, written_text, bold]:
            return written_text
        return text(written_text, style["cell_bold" if bold else "cell"])

    def row(values, texts, bold=False):
        return [cell(i, value, written_text, bold)
                for i, (value, written_text) in enumerate(zip(values, texts, strict=True))]
    rows = [[column_heading(i, label) for i, label in enumerate(report_table.columns)],
            *(row(values, texts) for values, texts in zip(report_table.rows, body, strict=True))]
    if report_table.total:
        rows.append(row(report_table.total, total, bold=True))
    if not report_table.rows:
        nothing = report_table.empty or _("None.")
        rows.append([text(nothing, style["cell"])] + [""] * (columns - 1))
    made = table(rows, widths=widths, numeric=numeric, total=bool(report_table.total), size=8)
    if not report_table.rows:       # "None this quarter" across the whole row
        made.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    return made


def _fitted(widths: list[float], numeric: set[int], headings: list[str], body: list[list[str]],
            total: list[str]) -> list[float]:
    """The widths, with each column at least as wide as its widest figure (its total in bold) and as
    its longest word (its heading's in bold), so that figures never overlap and no word breaks; what
    that adds is taken from the columns that have room to spare, in proportion to that room."""
    def widest(texts, font=FONT):
        # the font's digits share one width: texts that differ only in their digits are measured once
        return max((stringWidth(text, font, 8) for text in {text.translate(DIGITS) for text in texts}),
                   default=0)

    needed = []
    for i, title in enumerate(headings):
        if i in numeric:
            content = max(widest(texts[i] for texts in body), widest(total[i:i + 1], BOLD))
        else:
            content = widest(word for texts in body for word in texts[i].split())
        needed.append(max(content, widest(title.split(), BOLD)) + 2 * CELL_PADDING)
    raised = [max(width, need) for width, need in zip(widths, needed, strict=True)]
    spare = [width - need for width, need in zip(raised, needed, strict=True)]
    extra, room = sum(raised) - sum(widths), sum(spare)
    if extra <= 0 or room <= 0:
        return raised
    return [width - part * min(1, extra / room) for width, part in zip(raised, spare, strict=True)]


def fits(text: str, width: float, bold: bool = False) -> bool:
    """Whether the text fits on one line of a table cell of that width (8-point type)."""
    return "\n" not in text and stringWidth(text, BOLD if bold else FONT, 8) <= width - 2 * CELL_PADDING


def _without_codes(report_table: ReportTable) -> ReportTable:
    """The table without its first column of codes (kept in the downloads, not printed)."""
    return ReportTable(report_table.name, report_table.title, report_table.columns[1:],
                       [row[1:] for row in report_table.rows], empty=report_table.empty)


def _moved(change, written: str) -> str:
    """A figure's change from the previous quarter, in words."""
    if change is None:
        return _("not comparable with the previous quarter")
    if change == 0:
        return _("unchanged from the previous quarter")
    if change > 0:
        return _("up %(change)s from the previous quarter", change=written)
    return _("down %(change)s from the previous quarter", change=written.lstrip("-\u2212"))


def story_of(quarter: ReportTable, currency: str) -> list[str]:
    """The quarter in sentences (SPEC 11), each figure with its change from the previous quarter: read
    from the table of the quarter against the previous one, so words and table say the same."""
    rows = {row[0]: row[2:] for row in quarter.rows}

    def written(value):
        """A figure as a sentence writes it: an amount with its currency."""
        if isinstance(value, Money):
            return money(abs(value.minor), currency)
        return cell_text(value, currency)

    def said(code):
        current, earlier, change = rows[code]
        value = change.minor if isinstance(change, Money) else getattr(change, "value", change)
        return written(current), written(earlier), _moved(value, written(change))
    called, _called_before, called_moved = said("called")
    paid, _paid_before, paid_moved = said("paid_in")
    invested, _invested_before, invested_moved = said("invested")
    nav, _nav_before, nav_moved = said("nav")
    tvpi, tvpi_before, _tvpi_moved = said("tvpi")
    jobs, _jobs_before, jobs_moved = said("net_jobs")
    made, made_before = rows["new_investments"][:2]
    decided, decided_before = rows["decided"][:2]
    return [
        _("Partners have been called %(called)s to date (%(called_moved)s) and have paid in %(paid)s "
          "(%(paid_moved)s).", called=called, called_moved=called_moved, paid=paid, paid_moved=paid_moved),
        ngettext("The fund has invested %(invested)s to date (%(moved)s), with %(num)d investment made in "
                 "the quarter against %(before)d in the previous one.",
                 "The fund has invested %(invested)s to date (%(moved)s), with %(num)d investments made in "
                 "the quarter against %(before)d in the previous one.", made,
                 invested=invested, moved=invested_moved, before=made_before),
        _("Its net asset value is %(nav)s (%(moved)s) and its TVPI %(tvpi)s, against %(before)s a quarter "
          "earlier.", nav=nav, moved=nav_moved, tvpi=tvpi, before=tvpi_before),
        _("Its portfolio companies count %(jobs)s net jobs created, in full-time equivalents (%(moved)s).",
          jobs=jobs, moved=jobs_moved),
        ngettext("%(num)d application was decided in the quarter, against %(before)d in the previous one.",
                 "%(num)d applications were decided in the quarter, against %(before)d in the previous one.",
                 decided, before=decided_before),
    ]


def agreement_said(c: Contents) -> str:
    """What the reviewers' agreement at the quarter's end means, in words."""
    overall = c.scores_agreement.overall
    if overall.alpha is None:
        return overall.meaning
    return ngettext("On %(date)s, Krippendorff's alpha of the review scores was %(alpha)s, over %(num)d "
                    "application scored by at least two reviewers.",
                    "On %(date)s, Krippendorff's alpha of the review scores was %(alpha)s, over %(num)d "
                    "applications scored by at least two reviewers.", overall.units,
                    date=day(c.as_of), alpha=ratio(overall.alpha, 3)) + " " + overall.meaning


def _styles():
    style = styles()
    style["edition"] = ParagraphStyle("edition", parent=style["h2"], textColor=colors.HexColor("#b00020"))
    style["story"] = ParagraphStyle("story", parent=style["body"], fontSize=10.5, leading=15, spaceAfter=4)
    style["cell"] = ParagraphStyle("cell", parent=style["body"], fontSize=8, leading=10)
    style["cell_bold"] = ParagraphStyle("cell_bold", parent=style["cell"], fontName=BOLD)
    style["cell_number_bold"] = ParagraphStyle("cell_number_bold", parent=style["cell_bold"],
                                               alignment=TA_RIGHT)
    style["cover"] = ParagraphStyle("cover", parent=style["title"], fontSize=21, leading=26)
    return style


@dataclass(frozen=True)
class Edition:
    """Which report a PDF is (SPEC 11): its version, whether it is a draft, what it corrects, when it was
    made (the PDF's own dates)."""
    version: int = 1
    draft: bool = True
    note: str = ""
    dated: datetime | None = None


def render(c: Contents, edition: Edition = Edition()) -> bytes:
    """The report's PDF, in the fund's language; a draft says so on every page."""
    with force_locale(c.fund.language), without_cycle_collection():
        return _render(c, edition)


def _edition_lines(edition: Edition) -> list[tuple[str, str]]:
    """What the cover says of the version, with each line's style: a draft is never taken for the
    published file, a correction names the version it corrects and why."""
    lines = []
    if edition.draft:
        lines.append((_("DRAFT: this is not a published report, and its figures may still change."),
                      "edition"))
    if edition.version > 1:
        lines.append((_("Version %(version)d, correcting version %(previous)d: %(note)s",
                        version=edition.version, previous=edition.version - 1, note=edition.note), "h2"))
    else:
        lines.append((_("Version %(version)d", version=edition.version), "h2"))
    return lines


def _render(c: Contents, edition: Edition) -> bytes:
    s = _styles()
    fund, currency, t = c.fund, c.fund.currency, c.tables
    quarter = _("%(year)d Q%(quarter)d", year=c.year, quarter=c.quarter)

    def section(title):
        return heading(title, s["h1"])

    def sub(title):
        """A sub-heading, never left alone at the foot of a page."""
        return CondPageBreak(35 * mm), text(title, s["h2"])

    def para(words, style="body"):
        return text(words, s[style])

    def tab(name, first=0.3, shares=None, width=WIDTH):
        return _table(t[name], currency, s, first, shares, width)

    def chart(drawing, caption):
        return KeepTogether([drawing, para(caption, "small"), Spacer(1, 6)])

    partners = {p.partner_id: c.partner_names[p.partner_id] for p in c.metrics.partners}
    m, j = c.metrics, c.jobs
    story = [
        Spacer(1, 6 * mm), para(fund.name, "h2"),
        para(_("Quarterly report to partners"), "cover"),
        para(_("%(quarter)s · %(start)s to %(end)s", quarter=quarter, start=day(c.start),
               end=day(c.as_of))),
        para(_("%(country)s · amounts in %(currency)s as of %(date)s", country=country_name(c.country),
               currency=currency, date=day(c.as_of))),
        *(para(line, style) for line, style in _edition_lines(edition)),
        Spacer(1, 4 * mm), para(_("The quarter in brief"), "h2"),
        *(para(sentence, "story") for sentence in story_of(t["quarter"], currency)),
        Spacer(1, 2 * mm), para(_("Contents"), "h2"), contents_table(s["body"]), Spacer(1, 4 * mm),
        para(_("This report is generated by fundapp from the fund's ledger, portfolio, headcount reports and "
               "applications; every figure is the one its dashboard shows for the same date. Section 7 "
               "defines each figure.") , "small"),
        para(_("Ledger checkpoint: %(checkpoint)s. It identifies the fund's ledger as this report was made, "
               "not this file; section 7 says how to check it.", checkpoint=c.checkpoint), "small"),
        CondPageBreak(150 * mm),       # a new page, unless the cover ran over onto one already

        section(_("1. Summary")), tab("summary", 0.6), Spacer(1, 8),
        *sub(_("The quarter against the previous one")),
        _table(_without_codes(t["quarter"]), currency, s, 0.4),

        CondPageBreak(60 * mm), section(_("2. Capital accounts")),
        para(_("Each partner's account side by side with the fund's totals, as of %(date)s.",
               date=day(c.as_of))),
        tab("capital_accounts", 0.22), Spacer(1, 8),
        chart(figures.capital_by_partner(fund, m, partners),
              _("Committed, called and paid-in capital of each partner")),
        *sub(_("Capital calls this quarter")), tab("calls", 0.16), Spacer(1, 6),
        *sub(_("Distributions this quarter")), tab("distributions", 0.2), Spacer(1, 6),
        *sub(_("Expenses by category")), tab("expenses", 0.4),

        KeepTogether([
            section(_("3. Co-investment")),
            para(_("The co-investors have paid in %(ratio)s for each unit the government paid in; the "
                   "fund's target is %(target)s.", ratio=ratio(m.private_to_public),
                   target=ratio(fund.match_target))),
            tab("co_investment", 0.5)]),

        NextPageTemplate("wide"), PageBreak(), section(_("4. Schedule of investments")),
        tab("schedule", shares=SCHEDULE_SHARES, width=WIDE),
        Spacer(1, 8),
        Table([[figures.nav_history(fund, c.history, PRINT_HALF),
                figures.tvpi_history(c.history, PRINT_HALF)],
               [para(_("NAV and paid-in capital at each quarter end"), "small"),
                para(_("TVPI and DPI at each quarter end"), "small")]], hAlign="LEFT"),

        NextPageTemplate("page"), PageBreak(), section(_("5. Jobs")), tab("jobs", 0.6), Spacer(1, 6),
        para(ngettext("Data quality: %(share)s of current FTE comes from reports the fund has verified; "
                      "%(num)d quarterly report is missing.",
                      "Data quality: %(share)s of current FTE comes from reports the fund has verified; "
                      "%(num)d quarterly reports are missing.", c.missing_reports,
                      share=percent(j.verified_share))), Spacer(1, 6),
        chart(figures.fte_history(c.jobs_history), _("Current FTE against the baseline at investment, for "
                                                     "the companies held at each quarter end")),
        tab("jobs_by_company", 0.25),

        CondPageBreak(110 * mm), section(_("6. Pipeline")), tab("pipeline", 0.6), Spacer(1, 8),
        *sub(_("Applications by state")), tab("pipeline_states", 0.6), Spacer(1, 6),
        chart(figures.counts(t["pipeline_states"].rows, _("Applications")), _("Applications by state")),
        *sub(_("Score distribution")), tab("scores", 0.6), Spacer(1, 6),
        *sub(_("Agreement between reviewers")), para(agreement_said(c)),
        tab("agreement", shares=AGREEMENT_SHARES), Spacer(1, 6),
        *sub(_("Sector mix")), tab("sectors", 0.4), Spacer(1, 6),
        chart(figures.counts([[row[0], row[1]] for row in t["sectors"].rows], _("Applications")),
              _("Applications by sector")),

        CondPageBreak(70 * mm), section(_("7. Methodology")),
        *(KeepTogether([text(term, s["h2"]), para(definition)]) for term, definition in methodology()),
    ]
    title = _("%(fund)s — quarterly report %(quarter)s", fund=fund.name, quarter=quarter)
    version = _("DRAFT") if edition.draft else _("version %(version)d", version=edition.version)
    footer = _("%(title)s · %(version)s · amounts in %(currency)s", title=title, version=version,
               currency=currency)
    mark = _("DRAFT — not the published report") if edition.draft else None
    return build_with_contents(story, title, footer, mark, edition.dated)


def methodology() -> list[tuple[str, str]]:
    """SPEC sections 3 to 5 in words, for the report's last section."""
    return [
        (_("Money"), _("Amounts are kept in whole units of the currency's smallest unit and are never "
                       "rounded in calculations. Calls are shared among partners in proportion to their "
                       "commitments and distributions in proportion to their paid-in capital; an odd unit "
                       "goes to the largest remainder.")),
        (_("Capital"), _("Called is the sum of the calls; paid-in the sum of the partners' payments; "
                         "unfunded is commitment less called. Cash is paid-in plus exit proceeds less "
                         "investments, expenses and distributions.")),
        (_("Net asset value"), _("NAV is cash plus the fair value of the investments still held: the latest "
                                 "valuation of each, else its cost. A partner's NAV share follows its "
                                 "share of paid-in capital.")),
        (_("Multiples"), _("DPI is distributions divided by paid-in, RVPI NAV divided by paid-in, TVPI their "
                           "sum. MOIC is a company's fair value plus proceeds divided by its cost.")),
        (_("Rates of return"), _("IRRs are annual rates that bring the dated cash flows to zero (Excel's "
                                 "XIRR convention, actual days over 365), with the NAV as the last inflow; "
                                 "shown only when such a rate exists.")),
        (_("Co-investment"), _("The private-to-public ratio is the co-investors' paid-in capital divided by "
                               "the government's, compared with the fund's target.")),
        (_("Full-time equivalents"), _("FTE is full-time employees plus half the part-time employees, as "
                                       "companies report them for each quarter's last day.")),
        (_("Baseline and current jobs"), _(
            "A company's baseline is the FTE of its latest report on or before the fund's first investment "
            "in it, else the FTE declared in its application. Its current FTE is that of its latest report; "
            "a written-off company counts zero, and a company sold keeps its last report before the sale.")),
        (_("Jobs created"), _("Net jobs created is the sum of current less baseline FTE; gross counts only "
                              "increases, lost only decreases, maintained the smaller of the two. Attributed "
                              "jobs weigh each company's change by the fund's ownership, capped at 100 %.")),
        (_("Cost per job"), _("Cost per job is the amount invested divided by net jobs created (shown only "
                              "when jobs were created); the public cost per job multiplies it by the "
                              "government's share of paid-in capital.")),
        (_("Shares and data quality"), _("The shares of women, under-35s and nationals are their headcount "
                                         "over the total headcount of the reports giving current FTE. Data "
                                         "quality is the share of current FTE from verified reports.")),
        (_("Pipeline"), _("Applications are counted from their submission; their state is the one they had "
                          "at the quarter's end. The approval rate is approvals over decisions; days to "
                          "decision run from submission to the first approval or decline.")),
        (_("Agreement between reviewers"), _(
            "Krippendorff's alpha for interval data tells how far the reviewers' scores of the same "
            "applications agree: 1 when they agree perfectly, 0 when they agree no more than chance would. "
            "It compares the applications scored by at least two reviewers, a criterion marked n/a counting "
            "as no score, and is given for the review scores and for each criterion's. Following "
            "Krippendorff, %(reliable)s or more is reliable, %(tentative)s to %(reliable)s allows tentative "
            "conclusions only, and less means the scores disagree too much to rank on.",
            reliable=ratio(RELIABLE, 3), tentative=ratio(TENTATIVE, 3))),
        (_("Ledger checkpoint"), _(
            "Every entry of the fund's ledger is sealed as it is written, with a key kept outside the "
            "database, and linked to the entry written before it; the checkpoint on the first page sums "
            "up the fund's latest entries when this report was made. Whoever holds this report can give "
            "the checkpoint to fundapp's page for checking reports, which says whether the fund's ledger "
            "still matches it: an entry changed, removed or added since then shows as a break.")),
    ]
