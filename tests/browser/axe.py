"""axe-core (WCAG 2.1 A and AA rules) on the page a visitor is on."""
from axe_playwright_python.sync_playwright import Axe

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
AXE = Axe()


def assert_no_violations(visitor, name: str) -> None:
    """axe on the page the visitor is on (one reached by a form, such as a preview), with a screenshot."""
    results = AXE.run(visitor.page, options=WCAG)
    visitor.screenshot(name)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert not violations, f"{visitor.page.url}: {violations}"
