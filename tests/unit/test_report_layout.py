"""The quarterly report's layout and making: figures never overlap, no word breaks inside itself, count
axes step by round numbers, and the cycle collector is paused only while a report is made."""
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from fundapp.reporting.charts import _round_step
from fundapp.reporting.document import _fitted
from fundapp.reporting.pdf import BOLD, CELL_PADDING, register_fonts


def width_of(text: str, font: str) -> float:
    return stringWidth(text, font, 8) + 2 * CELL_PADDING


def test_a_total_in_the_billions_widens_its_column_and_words_give_way():
    register_fonts()
    body = [["Shamba Analytics", "Agriculture and food", "1,612,103.17"]]
    widths = _fitted([150, 150, 40], {2}, ["Company", "Sector", "Cost"], body,
                     ["Total", "", "4,110,476,182.08"])
    assert sum(widths) == pytest.approx(340)                   # the page's width is kept
    assert widths[2] >= width_of("4,110,476,182.08", BOLD)      # the bold total fits
    assert widths[0] < 150 and widths[1] < 150                   # the columns of words gave the room


def test_no_heading_breaks_inside_a_word():
    register_fonts()
    widths = _fitted([200, 30, 30], {1}, ["Entreprise", "Participation", "Statut"],
                     [["Teranga Pay", "15,0 %", "Cédée"]], [])
    assert widths[1] >= width_of("Participation", BOLD) and widths[2] >= width_of("Statut", BOLD)
    assert sum(widths) == pytest.approx(260)


def test_columns_with_room_are_left_as_they_are():
    register_fonts()
    assert _fitted([200, 100], {1}, ["Company", "Cost"], [["Afya", "5.00"]], ["Total", "5.00"]) == [200, 100]


@pytest.mark.parametrize(("largest", "step"), [(0, 1), (6, 1), (7, 2), (13, 5), (200, 50), (999, 200),
                                               (30_127, 10_000), (52_165, 10_000)])
def test_count_charts_step_by_round_numbers(largest, step):
    assert _round_step(largest) == step


def test_the_cycle_collector_is_paused_only_while_a_report_is_made():
    import gc

    from fundapp.reporting.quarterly import without_cycle_collection
    assert gc.isenabled()
    with without_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()                   # a caller that had paused it keeps it paused
    try:
        with without_cycle_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
