"""Full-text search of the queue and possible duplicates, on the real database (SQLite's FTS5 or
PostgreSQL's GIN-indexed tsvector): the same answers on both, since each test runs on either."""
import pytest
from sqlalchemy import select

from fundapp.applications import duplicates, search
from fundapp.applications.models import Application
from fundapp.applications.queue import Filters, offered_regions, queue, queue_size
from fundapp.extensions import db as database
from fundapp.funds.models import Fund
from fundapp.portfolio.models import Company
from tests.factories import FounderFactory, FundFactory

FIELDS = {"pitch": "", "problem": "", "solution": "", "market": "", "team": ""}


def apply(fund, name, state="submitted", region="", sector="fintech", number="", amount=None, **texts):
    """A company and its application to the fund, as saved through the models."""
    founder = FounderFactory()
    company = Company(name=name, country="KE", region=region, sector=sector, owner_id=founder.id,
                      registration_number=number)
    database.session.add(company)
    database.session.flush()
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id, state=state,
                              sector=sector, requested_amount=amount, **{**FIELDS, **texts})
    database.session.add(application)
    database.session.flush()
    return application


def found(fund, q, **filters) -> list[str]:
    rows = database.session.execute(queue(fund.id, Filters(q=q, sort=filters.pop("sort", "relevance"),
                                                            **filters))).all()
    total = database.session.scalar(queue_size(fund.id, Filters(q=q, **filters)))
    assert total == len(rows)
    return [company.name for _application, company in rows]


@pytest.fixture
def pipeline(db):
    fund = FundFactory()
    apply(fund, "Shamba Cold", region="Nairobi", amount=5_000,
          pitch="Cold rooms for a farmer's harvest", problem="Harvests rot before reaching the market.")
    apply(fund, "Agri Fr", region="Thiès", sector="health", amount=9_000,
          pitch="Une plateforme pour l'agriculteur", problem="Les récoltes se perdent.",
          team="Une ingénieure de l'École polytechnique")
    apply(fund, "Farmers First", region="NAIROBI", amount=1_000,
          pitch="Credit for shops", problem="Shops cannot borrow.", market="Farmers' markets of Kisumu")
    apply(fund, "Quiet Ledger", region="Mombasa", state="in_review", amount=3_000,
          pitch="Bookkeeping by SMS", problem="Accounts in notebooks get lost.", number="RC 12-345/b")
    apply(fund, "Draft Farm", state="draft", pitch="farmers farmers farmers")
    database.session.commit()
    return fund


def test_english_and_french_stems_find_each_other_form(pipeline):
    assert set(found(pipeline, "farmers")) == {"Shamba Cold", "Farmers First"}
    assert found(pipeline, "agriculteurs") == ["Agri Fr"]
    assert found(pipeline, "harvest") == ["Shamba Cold"]             # "Harvests", "harvest's"
    assert found(pipeline, "perdre") == [] and found(pipeline, "perdent") == ["Agri Fr"]


def test_case_and_accents_do_not_matter(pipeline):
    assert found(pipeline, "ECOLE") == ["Agri Fr"]
    assert found(pipeline, "récolte") == found(pipeline, "RECOLTES") == ["Agri Fr"]
    assert found(pipeline, "shamba") == ["Shamba Cold"]


def test_every_word_must_be_found_and_drafts_never_are(pipeline):
    assert found(pipeline, "farmers cold") == ["Shamba Cold"]
    assert found(pipeline, "farmers bicycle") == []
    assert "Draft Farm" not in found(pipeline, "farm")


def test_the_company_ranks_before_the_texts(pipeline):
    assert found(pipeline, "farmers") == ["Farmers First", "Shamba Cold"]     # its name, then a pitch


def test_the_registration_number_is_found_however_written(pipeline):
    for typed in ("RC 12-345/b", "rc12345b", "R.C. 12 345 B"):
        assert found(pipeline, typed) == ["Quiet Ledger"], typed
    assert found(pipeline, "12") == []          # its parts are not words: a prefix is everyone's


def test_search_combines_with_every_filter_and_sort(pipeline):
    assert found(pipeline, "farmers", region="nairobi") == ["Farmers First", "Shamba Cold"]
    assert found(pipeline, "farmers", region="Nairobi", sort="amount") == ["Shamba Cold", "Farmers First"]
    assert found(pipeline, "farmers", region="nairobi", max_amount=2_000) == ["Farmers First"]
    assert found(pipeline, "agriculteur", sector="HEALTH", region="thies") == ["Agri Fr"]
    assert found(pipeline, "agriculteur", sector="fintech") == []
    assert found(pipeline, "bookkeeping", state="in_review") == ["Quiet Ledger"]
    assert found(pipeline, "bookkeeping", state="submitted") == []
    assert found(pipeline, "", region="NAIROBI", sort="amount") == ["Shamba Cold", "Farmers First"]
    assert found(pipeline, "", region="Atlantis") == []


def test_the_region_filter_offers_the_funds_own_regions_once_each(pipeline):
    assert offered_regions(pipeline.id) == ["Mombasa", "Nairobi", "Thiès"]


@pytest.mark.parametrize("typed", [
    '"', "'", '"farmers', "farmers OR", "AND", "NOT farmers", "farmers NEAR(cold)", "*", "farm*", "-farmers",
    "title:farmers", "pitch : x", "(farmers", "farmers)", "a & b | !c", "<->", "farmers:*", "^", "{x}", "\\",
    "'; DROP TABLE applications; --", "\u202e\u200bfarmers", "🌾 farmers 🌾", "x" * 5000, "a " * 400,
    "ﬁ ½ Ⅻ", "%_%", "NULL", "0x1F 1e400000",
])
def test_search_syntax_typed_by_a_user_is_never_an_error(pipeline, typed):
    names = found(pipeline, typed)
    if search.parse(typed) and "farmers" in search.parse(typed).stems and len(search.parse(typed).terms) == 1:
        assert set(names) == {"Shamba Cold", "Farmers First"}


def test_a_query_reads_at_most_its_first_words():
    assert len(search.parse(" ".join(f"w{i}" for i in range(50))).terms) == search.MAX_WORDS
    assert search.parse("  --  ** ") is None


def test_the_index_follows_renames_and_new_texts(pipeline):
    application = database.session.scalar(select(Application).where(Application.pitch == "Credit for shops"))
    company = database.session.get(Company, application.company_id)
    company.name = "Duka Credit"
    application.problem = "Traders wait for irrigation pumps."
    database.session.commit()
    assert found(pipeline, "duka") == ["Duka Credit"] and found(pipeline, "First") == []
    assert found(pipeline, "irrigation pump") == ["Duka Credit"]
    assert found(pipeline, "borrow") == []


def test_the_matched_words_are_shown_escaped(db):
    fund = FundFactory()
    application = apply(fund, "Tag Co", pitch="<b>Farmers</b> & the farmer's <script>x</script>",
                        problem="Nothing here matches.")
    query = search.parse("farmer")
    shown = str(search.excerpt(query, search.texts(application)))
    assert shown == ("&lt;b&gt;<mark>Farmers</mark>&lt;/b&gt; &amp; the <mark>farmer</mark>&#39;s "
                     "&lt;script&gt;x&lt;/script&gt;")
    assert search.matched_words(query, {"pitch": application.pitch}) == ["Farmers", "farmer"]
    long = apply(fund, "Long Co", pitch="x", problem=" ".join(["word"] * 40 + ["farmer"] + ["word"] * 40))
    shown = str(search.excerpt(query, search.texts(long)))
    assert shown.startswith("… word") and shown.endswith("word …") and "<mark>farmer</mark>" in shown


# --- possible duplicates -----------------------------------------------------------------------------

TEXT = ("A solar cold room rented by the crate for farmers who lose a third of their harvest before it "
        "reaches a buyer in the markets of Nairobi and Kisumu.")


@pytest.fixture
def twins(db):
    first, second, hidden = FundFactory(), FundFactory(), FundFactory()
    original = apply(first, "Maji Sensor", number="KE/2024 001-A", pitch="Cold rooms", problem=TEXT)
    respelled = apply(second, "MAJI SENSORS LTD", number="ke 2024001a", pitch="Water", problem="Other words.")
    copied = apply(second, "Baridi", number="X-9", pitch="Cold rooms", problem=TEXT + " Now.")
    elsewhere = apply(hidden, "Maji Again", number="KE-2024-001-A", pitch="Cold rooms", problem=TEXT)
    draft = apply(second, "Draft Copy", state="draft", pitch="Cold rooms", problem=TEXT)
    unrelated = apply(first, "Other", number="Z-1", pitch="Cold rooms",
                      problem="A marketplace that matches harvests with buyers across the whole country.")
    database.session.commit()
    return (first, second, hidden), (original, respelled, copied, elsewhere, draft, unrelated)


def test_the_same_number_however_written_or_a_near_identical_text_is_a_possible_duplicate(twins):
    (first, second, _hidden), (original, respelled, copied, elsewhere, draft, unrelated) = twins
    seen = [first.id, second.id]
    flagged = duplicates.find([original.id], seen)[original.id]
    assert [(d.application_id, d.same_registration, d.similarity is not None) for d in flagged] == [
        (respelled.id, True, False), (copied.id, False, True)]
    assert flagged[0].fund_name == second.name and flagged[0].company_name == "MAJI SENSORS LTD"
    assert flagged[1].similarity >= duplicates.SIMILAR
    # both ways, never a draft, never a fund the manager does not see, never a different text
    assert [d.application_id for d in duplicates.find([copied.id], seen)[copied.id]] == [original.id]
    assert unrelated.id not in duplicates.find([unrelated.id], seen)
    every = duplicates.find([original.id], select(Fund.id))[original.id]
    assert {d.application_id for d in every} == {respelled.id, copied.id, elsewhere.id}
    assert draft.id not in {d.application_id for d in every}


def test_short_texts_and_empty_numbers_are_not_duplicates(db):
    fund = FundFactory()
    one = apply(fund, "A", pitch="Credit", problem="Shops cannot borrow.")
    apply(fund, "B", pitch="Credit", problem="Shops cannot borrow.")
    database.session.commit()
    assert duplicates.bands("Credit", "Shops cannot borrow.") == []
    assert duplicates.find([one.id], [fund.id]) == {}


def test_fingerprints_follow_an_edited_text(twins):
    (first, second, _hidden), (original, _respelled, copied, *_rest) = twins
    copied.problem = "A completely different story about bus tickets sold by text message in every town."
    database.session.commit()
    assert [d.application_id for d in duplicates.find([original.id], [first.id, second.id])[original.id]] \
        != [copied.id] and copied.id not in {
            d.application_id for d in duplicates.find([original.id], [first.id, second.id])[original.id]}
