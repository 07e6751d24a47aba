// The sweep's self-contained HTML page (inline CSS and SVG, no scripts, no network): energy against latency with
// the Pareto front, and the structured saving at every design point as a chart and a table.
import type { SweepOutcome } from "../sweep/report.js";
import { savings, sweepFront } from "../sweep/report.js";
import { paretoSpec, renderSvg, type SweepPoint } from "./charts.js";
import { CSS, esc } from "./page.js";
import { savingSpec } from "./sweep-charts.js";

const figure = (svg: string, caption: string): string =>
  `<figure class="chart" data-chart="${esc(caption)}">${svg}<figcaption class="sub">${esc(caption)}</figcaption></figure>`;

function savingTable(o: SweepOutcome): string {
  const n = (x: number, digits: number) => x.toFixed(digits);
  const rows = savings(o)
    .map(
      (s) =>
        `<tr><td>${esc(s.point)}</td><td>${n(s.dense.energy_uj, 2)}</td><td>${n(s.structured.energy_uj, 2)}</td><td>${n(s.energyRatio, 3)}×</td><td>${n(s.dense.latency_ms, 3)}</td><td>${n(s.structured.latency_ms, 3)}</td><td>${n(s.latencyRatio, 3)}×</td></tr>`,
    )
    .join("\n");
  return `<table><thead><tr><th>design point</th><th>µJ dense</th><th>µJ struct.</th><th>energy struct./dense</th><th>ms dense</th><th>ms struct.</th><th>latency struct./dense</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export async function sweepPage(o: SweepOutcome): Promise<string> {
  const front = sweepFront(o);
  const pts: SweepPoint[] = o.results.map((r, i) => ({
    label: o.points[Math.floor(i / 2)]!.label,
    mode: r.mode,
    latency_ms: r.latency_ms,
    energy_uj: r.energy_uj,
    pareto: front.has(i),
  }));
  const bars = savings(o).map((s, index) => ({
    point: s.point,
    index,
    energyRatio: s.energyRatio,
    latencyRatio: s.latencyRatio,
  }));
  const title = `sumac sweep: ${o.model}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(title)}</h1>
<p class="sub">${o.points.length} design points × 2 lowerings (dense and structured), ${esc(o.dtype)}, timing-only runs.
Energy and latency are the simulator's, priced by each machine's own energy table (<code>sumac hw</code> prints it with its sources).</p>
<h2>Structured saving</h2>
${figure(await renderSvg(savingSpec(bars)), "Structured / dense energy and latency at each design point")}
${savingTable(o)}
<h2>Design space</h2>
${figure(await renderSvg(paretoSpec(pts)), "Energy vs latency, Pareto front outlined")}
</body></html>
`;
}
