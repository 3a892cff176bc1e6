"""Search and possible duplicates at national scale, outside the default test run.

    python tests/benchmarks/search.py [--small 2000] [--large 200000] [--seed 1] [--repeats 21]
                                      [--data DIR] [--postgres postgresql://postgres@127.0.0.1:5432]

Builds (or reuses) a database of each size on SQLite and on PostgreSQL with generate-data, then in one
run measures, on each, the median time and query count of the queue page and the API list searched
for what a manager types, and the duplicate check of a new application. Prints each search's ratio
at the large size against the small one (the target: within 1.5, with equal query counts) and the
duplicate check's median at the large size (the target: under 100 ms). The last line printed is one
JSON object with every figure.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import arguments as harness_arguments  # noqa: E402
from harness import build_database, build_postgres, child_json  # noqa: E402


def main() -> None:
    arguments = harness_arguments(("--postgres", "postgresql://postgres@127.0.0.1:5432",
                                   "The PostgreSQL server, without a database's name.")).parse_args()
    figures = {}
    for database in ("sqlite", "postgresql"):
        urls = {}
        for size in (arguments.small, arguments.large):
            if database == "sqlite":
                urls[size] = f"sqlite:///{build_database(arguments.data, size, arguments.seed)['database']}"
            else:
                urls[size] = build_postgres(arguments.postgres, size, arguments.seed)
        small, large = (child_json("search_probe.py", urls[size], arguments.repeats)
                        for size in (arguments.small, arguments.large))
        figures[database] = {"small": small, "large": large}
        print(f"{database}")
        for name in small:
            ratio = large[name]["median_ms"] / small[name]["median_ms"]
            figures[database].setdefault("ratios", {})[name] = round(ratio, 3)
            print(f"  {name:28} {small[name]['median_ms']:8.1f} ms at {arguments.small:>7} "
                  f"{large[name]['median_ms']:8.1f} ms at {arguments.large:>7}  ratio {ratio:.2f}  "
                  f"queries {small[name]['queries']} / {large[name]['queries']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
