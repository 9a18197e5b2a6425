"""Print the load test's table from Locust's CSV files: the mix, the trivial view, their ratio,
and the failures by kind.

Usage: report.py MIX_PREFIX PING_PREFIX. Exits 1 when any request failed.
"""

import csv
import sys


def rows(prefix: str) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def figures(row: dict) -> tuple:
    return (
        int(row["Request Count"]),
        int(row["Failure Count"]),
        float(row["Requests/s"]),
        float(row["50%"]),
        float(row["95%"]),
        float(row["99%"]),
    )


def line(name: str, f: tuple) -> str:
    return f"| {name} | {f[0]} | {f[1]} | {f[2]:.1f} | {f[3]:.0f} | {f[4]:.0f} | {f[5]:.0f} |"


def main(mix_prefix: str, ping_prefix: str) -> int:
    mix = rows(mix_prefix)
    ping = rows(ping_prefix)
    print("| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in mix:
        if row["Name"] != "Aggregated":
            print(line(f"{row['Type']} {row['Name']}", figures(row)))
    total = figures(next(r for r in mix if r["Name"] == "Aggregated"))
    base = figures(next(r for r in ping if r["Name"] == "Aggregated"))
    print(line("**the mix, all requests**", total))
    print(line("**trivial view /loadtest/ping/**", base))

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}x" if b else "n/a"

    print(
        f"| **ratio mix / trivial view** | | | {ratio(total[2], base[2])} | "
        f"{ratio(total[3], base[3])} | {ratio(total[4], base[4])} | {ratio(total[5], base[5])} |"
    )
    failures = total[1] + base[1]
    print(f"\nfailures: {failures}")
    for prefix in (mix_prefix, ping_prefix):
        try:
            with open(f"{prefix}_failures.csv", newline="") as f:
                kinds = list(csv.DictReader(f))
        except FileNotFoundError:
            continue
        for kind in kinds:
            print(f"- {kind['Occurrences']} x {kind['Method']} {kind['Name']}: {kind['Error']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
