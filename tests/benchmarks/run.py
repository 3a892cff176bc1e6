"""Benchmarks of fundapp at national scale, outside the default test run.

    python tests/benchmarks/run.py [--small 2000] [--large 200000] [--seed 1] [--data DIR]

Builds (or reuses, under --data) two SQLite databases with `flask --app wsgi generate-data`, then in
one run measures each page's median latency and SQL query count at both sizes, the quarterly report's
own overhead over reportlab's rendering (the median of three fresh processes) and its peak memory, the queue's throughput under gunicorn
against a bare page, and 50 founders submitting at once on SQLite and PostgreSQL. The last line
printed is one JSON object with every figure.
"""
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    arguments as harness_arguments,
)
from harness import (  # noqa: E402
    build_database,
    child_json,
    concurrent_submissions,
    report_figures,
    soak,
    throughput,
)

PAGES = ("queue", "api_list", "application", "dashboard", "jobs", "statement")


def measure_pages(database: Path, repeats: int) -> dict:
    """Median latency (ms) and query count of each page, in a child process for a clean memory."""
    return child_json("pages.py", database, repeats)


def main() -> None:
    arguments = harness_arguments().parse_args()
    started = time.monotonic()
    small = build_database(arguments.data, arguments.small, arguments.seed)
    large = build_database(arguments.data, arguments.large, arguments.seed)
    at_small = measure_pages(small["database"], arguments.repeats)
    at_large = measure_pages(large["database"], arguments.repeats)
    ratios = {page: round(at_large[page]["median_ms"] / at_small[page]["median_ms"], 3) for page in PAGES}
    for page in PAGES:
        print(f"{page:12} {at_small[page]['median_ms']:8.1f} ms at {arguments.small:>7} "
              f"{at_large[page]['median_ms']:8.1f} ms at {arguments.large:>7}  ratio {ratios[page]:.2f}  "
              f"queries {at_small[page]['queries']} / {at_large[page]['queries']}")
    report = report_figures(large["database"])
    print(f"report: {report}")
    load = throughput(large["database"])
    print(f"throughput: {load}")
    submissions = concurrent_submissions()
    print(f"submissions: {submissions}")
    endurance = soak(small["database"])
    print(f"soak: {endurance}")
    result = {
        "page_latency_ratio": ratios,
        "page_latency_ratio_max": max(ratios.values()),
        "query_counts_equal": {page: at_small[page]["queries"] == at_large[page]["queries"] for page in PAGES},
        "query_counts": {page: [at_small[page]["queries"], at_large[page]["queries"]] for page in PAGES},
        "median_ms": {page: [at_small[page]["median_ms"], at_large[page]["median_ms"]] for page in PAGES},
        "generate_seconds": {arguments.small: small["seconds"], arguments.large: large["seconds"]},
        **report, **load, **submissions, **endurance,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
