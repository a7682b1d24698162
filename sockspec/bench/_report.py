"""The bench's outputs: a text table, a JSON document, an HTML section with SVG charts.

All three read one document (:func:`document`), the way the conformance
reports do: the JSON is that document, the text and the HTML render it.
The charts are plain SVG written here (no plotting dependency): one bar
group per configuration, one bar per server, for requests/s and for p99.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

__all__ = ["render_html", "render_section", "render_text"]

_PALETTE = ("#0969da", "#1a7f37", "#bf8700", "#cf222e", "#8250df", "#6e7781", "#1b7c83")


def _k(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 10_000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}"


def _num(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def config_label(mode: str, entry: dict[str, Any]) -> str:
    if mode == "echo":
        size = entry["size"]
        return f"{size // 1024 if size % 1024 == 0 else size}{'K' if size % 1024 == 0 else 'B'} x {entry['conns']}"
    return f"K={entry['outstanding']}"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _heading(mode: str, entry: dict[str, Any]) -> str:
    ceiling = entry["ceiling"]
    head = f"{mode} {config_label(mode, entry)}"
    if ceiling["rps"]:
        share = ceiling["implementation_share"]
        head += f": client ceiling {_k(ceiling['rps'])}/s (against {ceiling['by']})"
        if share is not None:
            head += f"; implementation at {share:.0%} of it"
            if entry["client_bound"]:
                head += ": CLIENT-BOUND, compare server CPU per request"
    return head


def _section_text(mode: str, entry: dict[str, Any], order: list[str], baselines: list[str]) -> str:
    head = _heading(mode, entry)
    header = ["server", "req/s"] + (["MiB/s"] if mode == "echo" else ["loss%"])
    header += ["p50µs", "p90µs", "p99µs", "maxµs", "cpuµs/req", "srv%", "cli%", "runs"]
    header += [f"x{b} (req/s|cpu|p99)" for b in baselines]
    rows = [header]
    for name in order:
        med = entry["medians"].get(name)
        if med is None:
            continue
        if not med["runs"]:
            rows.append([name, "failed", *[""] * (len(header) - 2)])
            continue
        row = [name, _k(med["rps"])]
        row += [_num(med["mib_s"], 1)] if mode == "echo" else [_num(med["loss_pct"], 2)]
        row += [_num(med[k]) for k in ("p50_us", "p90_us", "p99_us", "max_us")]
        row += [_num(med["server_cpu_us"], 1), _num(med["server_cpu_pct"]), _num(med["client_cpu_pct"])]
        row += [f"{med['runs']}" + (f"+{med['failed']}err" if med["failed"] else "")]
        for base in baselines:
            r = entry["ratios"].get(name, {}).get(base)
            row.append("" if r is None else f"{_ratio(r['rps'])}|{_ratio(r['server_cpu_us'])}|{_ratio(r['p99_us'])}")
        rows.append(row)
    return head + "\n" + _table(rows)


def render_text(doc: dict[str, Any]) -> str:
    """The tables a person reads at the end of a run."""
    parts = [
        f"sockspec bench: {doc['implementation']['name']} ({' '.join(doc['implementation']['command'])})",
        f"machine: {doc['machine']['cpus']} usable CPUs, {doc['machine']['python']}; {doc['machine']['pinning']}",
        f"method: fresh server per run, priming exchange, {doc['settings']['warmup']:g} s warm-up, "
        f"{doc['settings']['duration']:g} s measured, median of {doc['settings']['repeat']}, servers alternated; "
        f"load generator: {doc['settings']['client_procs']} process(es)",
        "columns: medians; cpuµs/req = server CPU time per request (/proc); srv%/cli% = server/client CPU use; "
        "xB = this server's req/s, CPU per request and p99 divided by baseline B's in the same repetition (median)",
    ]
    parts += [f"note: {note}" for note in doc["notes"]]
    for mode in ("echo", "sntp"):
        section = doc.get(mode)
        if not section:
            continue
        order = [s["name"] for s in section["servers"]]
        baselines = [s["name"] for s in section["servers"] if s["role"] == "baseline"]
        for entry in section["results"]:
            parts.append("")
            parts.append(_section_text(mode, entry, order, baselines))
    load = doc["load"]
    parts.append("")
    parts.append(
        f"load on the machine: loadavg {load['loadavg_min']:.2f}-{load['loadavg_max']:.2f} before runs; "
        f"other processes used at most {load['other_cores_max']:.2f} cores during a measurement "
        f"(median {load['other_cores_median']:.2f}); the hypervisor stole at most {load['steal_cores_max']:.2f} cores"
    )
    return "\n".join(parts) + "\n"


# --- HTML and SVG ------------------------------------------------------------------


def _bar_chart(
    title: str, unit: str, groups: list[str], series: list[tuple[str, list[float | None]]], log: bool
) -> str:
    """A grouped bar chart as an inline SVG element."""
    width, height, left, bottom, top = 760, 280, 64, 46, 28
    plot_w, plot_h = width - left - 12, height - top - bottom
    values = [v for _, vs in series for v in vs if v]
    high = max(values, default=1.0)
    low = min(values, default=1.0)
    if log:
        lo_exp, hi_exp = math.floor(math.log10(max(low, 1e-9))), math.ceil(math.log10(high))
        hi_exp = max(hi_exp, lo_exp + 1)
        ticks = [10.0**e for e in range(lo_exp, hi_exp + 1)]

        def y(v: float) -> float:
            return top + plot_h * (1 - (math.log10(v) - lo_exp) / (hi_exp - lo_exp))

    else:
        step = 10 ** math.floor(math.log10(high)) if high > 0 else 1
        while high / step < 4:
            step /= 2
        top_value = math.ceil(high / step) * step
        ticks = [step * i for i in range(int(top_value / step) + 1)]

        def y(v: float) -> float:
            return top + plot_h * (1 - v / top_value)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in ticks:
        ty = y(tick) if tick > 0 or not log else top + plot_h
        out.append(f'<line x1="{left}" x2="{width - 12}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#d0d7de"/>')
        out.append(f'<text x="{left - 4}" y="{ty + 4:.1f}" text-anchor="end">{escape(_k(tick))}</text>')
    out.append(
        f'<text x="12" y="{top + plot_h / 2:.0f}" transform="rotate(-90 12 {top + plot_h / 2:.0f})" '
        f'text-anchor="middle">{escape(unit)}</text>'
    )
    group_w = plot_w / max(1, len(groups))
    bar_w = group_w * 0.8 / max(1, len(series))
    base_y = top + plot_h
    for g, label in enumerate(groups):
        gx = left + g * group_w + group_w * 0.1
        for s, (name, vs) in enumerate(series):
            value = vs[g]
            if not value:
                continue
            by = y(value)
            colour = _PALETTE[s % len(_PALETTE)]
            out.append(
                f'<rect x="{gx + s * bar_w:.1f}" y="{by:.1f}" width="{bar_w * 0.92:.1f}" '
                f'height="{max(0.5, base_y - by):.1f}" fill="{colour}">'
                f"<title>{escape(name)} {escape(label)}: {_k(value)} {escape(unit)}</title></rect>"
            )
        out.append(
            f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{base_y + 14}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    lx = left
    for s, (name, _) in enumerate(series):
        out.append(f'<rect x="{lx}" y="{height - 16}" width="10" height="10" fill="{_PALETTE[s % len(_PALETTE)]}"/>')
        out.append(f'<text x="{lx + 14}" y="{height - 7}">{escape(name)}</text>')
        lx += 24 + 7 * len(name)
    out.append("</svg>")
    return "\n".join(out)


def _html_table(mode: str, entry: dict[str, Any], order: list[str], baselines: list[str]) -> str:
    head = _heading(mode, entry)
    body = ["<table class='sockspec-bench'>"]
    header = ["server", "req/s", "MiB/s" if mode == "echo" else "loss %", "p50 µs", "p90 µs", "p99 µs", "max µs"]
    header += ["CPU µs/req", "runs"] + [f"× {b}<br><small>req/s · CPU · p99</small>" for b in baselines]
    body.append("<tr>" + "".join(f"<th>{h if '<br>' in h else escape(h)}</th>" for h in header) + "</tr>")
    for name in order:
        med = entry["medians"].get(name)
        if med is None or not med["runs"]:
            continue
        cols = [escape(name), _k(med["rps"]), _num(med["mib_s"], 1) if mode == "echo" else _num(med["loss_pct"], 2)]
        cols += [_num(med[k]) for k in ("p50_us", "p90_us", "p99_us", "max_us")]
        cols += [_num(med["server_cpu_us"], 1), str(med["runs"])]
        for base in baselines:
            r = entry["ratios"].get(name, {}).get(base)
            cols.append(
                "" if r is None else f"{_ratio(r['rps'])} · {_ratio(r['server_cpu_us'])} · {_ratio(r['p99_us'])}"
            )
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cols) + "</tr>")
    body.append("</table>")
    return f"<h4>{escape(head)}</h4>\n" + "\n".join(body)


#: Scoped to the section's own classes, so that it can sit inside another report's page.
_SECTION_STYLE = (
    "table.sockspec-bench{border-collapse:collapse;margin:6px 0 18px}"
    ".sockspec-bench th,.sockspec-bench td{border:1px solid #d0d7de;padding:3px 8px;text-align:right}"
    ".sockspec-bench td:first-child{text-align:left}.sockspec-performance .note{color:#6e7781}"
)


def render_section(doc: dict[str, Any]) -> str:
    """The performance section: charts and tables, as an HTML fragment another report can embed."""
    parts = [
        f"<style>{_SECTION_STYLE}</style><section class='sockspec-performance'><h2>Performance</h2>",
        f"<p>{escape(doc['implementation']['name'])}: <code>{escape(' '.join(doc['implementation']['command']))}"
        f"</code><br>{escape(doc['machine']['pinning'])}; median of {doc['settings']['repeat']} runs of "
        f"{doc['settings']['duration']:g} s after {doc['settings']['warmup']:g} s warm-up; command: "
        f"<code>{escape(doc['command'])}</code></p>",
    ]
    parts += [f"<p class='note'>{escape(note)}</p>" for note in doc["notes"]]
    for mode, title in (("echo", "Echo server"), ("sntp", "SNTP server")):
        section = doc.get(mode)
        if not section:
            continue
        order = [s["name"] for s in section["servers"]]
        baselines = [s["name"] for s in section["servers"] if s["role"] == "baseline"]
        groups = [config_label(mode, e) for e in section["results"]]

        def series(key: str, results: list[dict[str, Any]], names: list[str]) -> list[tuple[str, list[Any]]]:
            return [(name, [e["medians"].get(name, {}).get(key) for e in results]) for name in names]

        parts.append(f"<h3>{title}</h3>")
        parts.append(
            _bar_chart(
                f"{title}: requests/s (median)", "req/s", groups, series("rps", section["results"], order), log=True
            )
        )
        parts.append(
            _bar_chart(
                f"{title}: p99 latency (median)", "µs", groups, series("p99_us", section["results"], order), log=True
            )
        )
        parts += [_html_table(mode, entry, order, baselines) for entry in section["results"]]
    parts.append("</section>")
    return "\n".join(parts)


_PAGE_STYLE = "body{font-family:sans-serif;margin:24px}code{font-size:90%}"


def render_html(doc: dict[str, Any]) -> str:
    """A standalone HTML page holding the performance section."""
    title = f"sockspec bench: {doc['implementation']['name']}"
    return (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_PAGE_STYLE}</style></head><body>\n<h1>{escape(title)}</h1>\n{render_section(doc)}\n</body></html>\n"
    )
