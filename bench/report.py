# SPDX-License-Identifier: MIT
"""Turns the runs of scripts/bench.sh into bench/results/: results.json
(every run, the costs, the machine), results.md (the table) and ratios.dat
(the chart's data, drawn by ratios.gp).

usage: report.py RUNS.jsonl COSTS.jsonl MACHINE.json OUTDIR

The ratio of an implementation is its median rate over the raw loop's
median rate in the same scenario; the spread is the lowest and highest
ratio of one round's run to the same round's raw run (rounds alternate, so
a round's two runs were neighbours in time)."""
import json
import statistics
import sys
from collections import defaultdict

runs_path, costs_path, machine_path, outdir = sys.argv[1:5]
runs = [json.loads(l) for l in open(runs_path) if l.strip()]
costs = [json.loads(l) for l in open(costs_path) if l.strip()]
machine = json.load(open(machine_path))

TITLES = {
    "connect": "(a) timed connect + close, 64 ports",
    "socks5_dante": "(b) SOCKS5 no-auth dial via dante",
    "socks5_microsocks": "(b) SOCKS5 no-auth dial via microsocks",
    "echo_64": "(c) 64 B round trip",
    "echo_65536": "(c) 64 KiB round trip",
    "accept": "(d) accept + close (client pool)",
    "live": "(e) connect + close at {param} live",
    "wine_connect": "(f) Wine: timed connect + close",
    "wine_echo_64": "(f) Wine: 64 B round trip",
    "wine_echo_65536": "(f) Wine: 64 KiB round trip",
}
ORDER = list(TITLES)

groups = defaultdict(list)  # (scenario, param) -> runs in order
for r in runs:
    groups[(r["scenario"], r["param"] if r["scenario"] == "live" else 0)].append(r)
cost_of = {(c["scenario"], c.get("param", 0), c["impl"]): c for c in costs}

rows = []
for key in sorted(groups, key=lambda k: (ORDER.index(k[0]) if k[0] in ORDER else 99, k[1])):
    scenario, param = key
    by_impl = defaultdict(list)
    for r in groups[key]:
        by_impl[r["impl"]].append(r)
    raw = by_impl.get("raw", [])
    raw_median = statistics.median(r["ops_per_s"] for r in raw) if raw else None
    for impl, rs in by_impl.items():
        rates = [r["ops_per_s"] for r in rs]
        med = statistics.median(rates)
        paired = [a["ops_per_s"] / b["ops_per_s"] for a, b in zip(rs, raw) if b["ops_per_s"] > 0]
        c = cost_of.get((scenario, param, impl), {})
        rows.append({
            "scenario": scenario,
            "param": param,
            "title": TITLES.get(scenario, scenario).format(param=param),
            "impl": impl,
            "runs": len(rs),
            "disturbed": sum(1 for r in rs if r.get("disturbed")),
            "n": rs[0]["n"],
            "ops_per_s_median": round(med, 1),
            "ops_per_s_min": round(min(rates), 1),
            "ops_per_s_max": round(max(rates), 1),
            "us_per_op_median": round(1e6 / med, 2) if med else None,
            "ratio": round(med / raw_median, 3) if raw_median else None,
            "ratio_min": round(min(paired), 3) if paired else None,
            "ratio_max": round(max(paired), 3) if paired else None,
            "os_calls_per_op": statistics.median(r["os_calls_per_op"] for r in rs),
            "strace_calls_per_op": c.get("strace_calls_per_op"),
            "winsock_calls_per_op": c.get("winsock_calls_per_op"),
            "instructions_per_op": c.get("instructions_per_op"),
            "peak_rss_kib": max(r["peak_rss_kib"] for r in rs),
            "heap_per_socket": max(r["heap_per_socket"] for r in rs),
        })

json.dump({"machine": machine, "rows": rows, "runs": runs, "costs": costs},
          open(f"{outdir}/results.json", "w"), indent=1)


def fmt(v, spec):
    return "—" if v is None else format(v, spec)


m = machine
lines = [
    f"Machine: {m['cpu']}, {m['cores']} cores, {m['kernel']}; gcc {m['gcc']}, libuv {m['libuv']}, "
    f"APR {m['apr']}, libcurl {m['libcurl']}, {m['wine']}, dante {m['dante']}, microsocks {m['microsocks']}. "
    f"Commit {m['commit']}, {m['date']}; {m['rounds']} rounds, iterations x{m['scale']}, "
    f"the suite took {m['seconds']} s"
    + (f" ({m['cost_seconds']} s of it the counted runs)." if "cost_seconds" in m else "."),
    "",
    "| scenario | client | ops/s median [min–max] | µs/op | ratio to raw [spread] "
    "| OS calls/op (own count; strace -f, (d) acceptor thread; (f) ws2_32 calls) "
    "| user instr./op (callgrind) | peak RSS KiB | heap/live socket B |",
    "|---|---|---|---|---|---|---|---|---|",
]
for r in rows:
    calls = fmt(r["os_calls_per_op"], ".2f") if r["impl"] in ("raw", "xsock") else "—"
    if r["strace_calls_per_op"] is not None:
        calls += f"; {r['strace_calls_per_op']:.2f}"
    if r["winsock_calls_per_op"] is not None:
        calls += f"; {r['winsock_calls_per_op']:.2f}"
    dist = f" ({r['disturbed']} disturbed)" if r["disturbed"] else ""
    heap = fmt(r["heap_per_socket"], ".0f") if r["heap_per_socket"] else "—"
    name = f"**{r['impl']}**" if r["impl"] == "xsock" else r["impl"]
    lines.append(
        f"| {r['title']} | {name} | {r['ops_per_s_median']:.0f} [{r['ops_per_s_min']:.0f}–{r['ops_per_s_max']:.0f}]{dist} "
        f"| {fmt(r['us_per_op_median'], '.2f')} | {fmt(r['ratio'], '.3f')} [{fmt(r['ratio_min'], '.3f')}–{fmt(r['ratio_max'], '.3f')}] "
        f"| {calls} | {fmt(r['instructions_per_op'], '.0f')} | {r['peak_rss_kib']} | {heap} |")
open(f"{outdir}/results.md", "w").write("\n".join(lines) + "\n")

# the chart: every non-raw client's ratio with its spread
with open(f"{outdir}/ratios.dat", "w") as f:
    f.write("# label ratio min max\n")
    for r in rows:
        if r["impl"] == "raw" or r["ratio"] is None:
            continue
        label = f"{r['scenario']}{'_' + str(r['param']) if r['scenario'] == 'live' else ''}:{r['impl']}"
        f.write(f"\"{label}\" {r['ratio']} {r['ratio_min']} {r['ratio_max']}\n")
print("\n".join(lines))
