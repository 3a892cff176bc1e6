"""The fund's charts, from the same metrics as its pages and reports; drawn at the size of where they are
read (charts.PRINT in a report, charts.SCREEN in a page)."""
from babel.numbers import format_compact_decimal, format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _

from fundapp.money import to_decimal
from fundapp.reporting.charts import PRINT, Size, grouped_bars, lines
from fundapp.web.formatting import quarter


def _compact():
    locale = get_locale() or "en"
    return lambda value: format_compact_decimal(value, locale=locale, fraction_digits=1)


def _number(pattern: str):
    """Axis labels as the reader writes numbers ("1.00", "1,00")."""
    locale = get_locale() or "en"
    return lambda value: format_decimal(value, pattern, locale=locale)


def _unit(fund) -> str:
    return _("Amounts in %(currency)s", currency=fund.currency)


def capital_by_partner(fund, metrics, names: dict[int, str], size: Size = PRINT):
    """Committed, called and paid-in for each partner, in major units."""
    partners = metrics.partners

    def major(values):
        return [float(to_decimal(v, fund.currency)) for v in values]
    return grouped_bars(
        [names[p.partner_id] for p in partners],
        [(_("Committed"), major(p.commitment for p in partners)),
         (_("Called"), major(p.called for p in partners)),
         (_("Paid-in"), major(p.paid_in for p in partners))],
        _compact(), size, empty=_("No partners yet."), unit=_unit(fund))


def nav_history(fund, history, size: Size = PRINT):
    """NAV and paid-in at each quarter end."""
    return lines(
        [quarter(m.as_of) for m in history],
        [(_("NAV"), [float(to_decimal(m.nav, fund.currency)) for m in history]),
         (_("Paid-in"), [float(to_decimal(m.paid_in, fund.currency)) for m in history])],
        _compact(), size, empty=_("Not enough history yet."), unit=_unit(fund))


def tvpi_history(history, size: Size = PRINT):
    """TVPI and DPI at each quarter end."""
    return lines(
        [quarter(m.as_of) for m in history],
        [(_("TVPI"), [float(m.tvpi) if m.tvpi is not None else None for m in history]),
         (_("DPI"), [float(m.dpi) if m.dpi is not None else None for m in history])],
        _number("#,##0.00"), size, empty=_("Not enough history yet."),
        unit=_("Multiple of paid-in"))


def fte_history(history, size: Size = PRINT):
    """Current and baseline FTE of the portfolio at each quarter end since the first investment."""
    return lines(
        [quarter(f.as_of) for f in history],
        [(_("Current FTE"), [float(f.current_fte) for f in history]),
         (_("Baseline FTE"), [float(f.baseline_fte) for f in history])],
        _number("#,##0"), size, empty=_("Not enough history yet."),
        unit=_("Full-time equivalents"))


def counts(rows: list[list], series: str, size: Size = PRINT):
    """One bar per label: rows of [label, count] (applications by state or by sector)."""
    if not any(count for _label, count in rows):
        rows = []
    return grouped_bars([str(label) for label, _count in rows], [(series, [count for _label, count in rows])],
                        _number("#,##0"), size, empty=_("Nothing to show yet."), unit=series)
