"""What users write is text in every document: reportlab markup in a partner's or a company's name is
printed as written in notices and reports (no image, no link, no failure), and spreadsheet cells,
headings and sheet names never hold a live formula. PDFs are parsed back with pypdf, workbooks read back
with openpyxl."""
import io
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader

from fundapp.funds.services import partners_of
from fundapp.ledger import capital
from fundapp.portfolio import services as portfolio
from fundapp.web.exports import sheet_name
from tests.background import run_started
from tests.conftest import sign_in
from tests.factories import FundFactory, PartnerFactory, staff_with_role

MARKUP = [
    '<img src="/etc/passwd" width="100" height="100"/>',
    '<a href="javascript:alert(1)">pay here</a>',
    '<font name="Nowhere-Bold">Ministry</font>',
    "<b>unclosed & <i>",
    "<para>&amp; Café — Zoë</para>",
]


def pdf_objects(data: bytes) -> tuple[str, int, int]:
    """(the text of every page, link annotations, images) of a PDF."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    links = sum(1 for page in reader.pages for annotation in (page.get("/Annots") or [])
                if annotation.get_object().get("/Subtype") == "/Link")
    images = sum(len(page.images) for page in reader.pages)
    return text, links, images


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def hostile(db):
    """A fund whose partners and companies are named with reportlab markup."""
    fund = FundFactory(currency="KES", vintage_year=2023, name="Fund <b>&amp;</b>")
    partners = [PartnerFactory(fund=fund, name=name, kind="government" if i == 0 else "co_investor",
                               commitment=100_000) for i, name in enumerate(MARKUP)]
    manager = staff_with_role("manager", fund)
    call = capital.record_call(manager, fund, date(2024, 1, 2), date(2024, 1, 31), "5000", "investment")
    for partner in partners_of(fund):
        capital.record_payment(manager, fund, call, partner.id, date(2024, 1, 10), "1000")
    company = portfolio.register_company(manager, fund, {"name": MARKUP[0] + " Agritech", "country": "KE",
                                                         "sector": "ai", "region": MARKUP[1]})
    portfolio.record_investment(manager, fund, company.id, date(2024, 2, 1), "1000", "equity", "0.1")
    distribution = capital.record_distribution(manager, fund, date(2024, 3, 1), "500")
    db.session.commit()
    return fund, partners, manager, call, distribution


def test_notices_print_markup_as_written(client, db, hostile):
    fund, partners, manager, call, distribution = hostile
    sign_in(client, manager)
    for partner in partners:
        for kind, event in (("calls", call.id), ("distributions", distribution.id)):
            response = client.get(f"/funds/{fund.id}/partners/{partner.id}/{kind}/{event}/notice.pdf")
            assert response.status_code == 200, (partner.name, kind)
            text, links, images = pdf_objects(response.data)
            assert flat(partner.name) in flat(text), (partner.name, text[:300])
            assert links == 0 and images == 0


def test_the_quarterly_report_prints_markup_as_written(client, db, hostile):
    fund, partners, manager, _call, _distribution = hostile
    sign_in(client, manager)
    made = run_started(client, client.post(f"/funds/{fund.id}/reports/", data={"period": "2024Q1"}))
    assert b"Draft ready" in made.data
    from fundapp.reporting.models import QuarterlyReport
    report = db.session.query(QuarterlyReport).one()
    pdf = client.get(f"/funds/{fund.id}/reports/{report.id}.pdf")
    assert pdf.status_code == 200
    text, links, images = pdf_objects(pdf.data)
    flat_text = flat(text)
    for name in MARKUP:
        assert flat(name) in flat_text, name
    assert flat("Fund <b>&amp;</b>") in flat_text
    assert links == 0 and images == 0


def test_report_tables_as_xlsx_hold_text_not_formulas(client, db):
    fund = FundFactory(currency="KES", vintage_year=2023)
    formulas = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3+4", "@SUM(A1)", "=cmd|' /C calc'!A0"]
    for index, name in enumerate(formulas):
        PartnerFactory(fund=fund, name=name, kind="government" if index == 0 else "co_investor",
                       commitment=100_000)
    manager = staff_with_role("manager", fund)
    capital.record_call(manager, fund, date(2024, 1, 2), date(2024, 1, 31), "1000", "investment")
    db.session.commit()
    sign_in(client, manager)
    run_started(client, client.post(f"/funds/{fund.id}/reports/", data={"period": "2024Q1"}))
    from fundapp.reporting.models import QuarterlyReport
    report = db.session.query(QuarterlyReport).one()
    response = client.get(f"/funds/{fund.id}/reports/{report.id}/tables/capital_accounts.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = workbook.active
    headings = [cell for cell in sheet[1]]
    for name in formulas:
        cell = next(cell for cell in headings if cell.value == name)
        assert cell.data_type == "s", name               # text as written, never a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    csv = client.get(f"/funds/{fund.id}/reports/{report.id}/tables/capital_accounts.csv").data.decode("utf-8-sig")
    heading_line = csv.splitlines()[0]
    for name in formulas:
        assert "'" + name.replace('"', '""') in heading_line, name


@pytest.mark.parametrize(("title", "name"), [
    ("=HYPERLINK(\"x\")", 'HYPERLINK("x")'), ("Capital: calls [2024/Q1]?", "Capital  calls  2024 Q1"),
    ("'quoted'", "quoted"), ("", "Table"), ("x" * 40, "x" * 31), ("@@@", "Table")])
def test_sheet_names_are_cleaned(title, name):
    assert sheet_name(title) == name
