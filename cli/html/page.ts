// One self-contained HTML page (inline CSS and SVG, no scripts, no network) for a dense-vs-structured comparison.
import type { HwConfig, Sourced } from "../../isa/hw/types.js";
import type { ReportLike } from "../report-types.js";
import type { ComparisonRow } from "../compare-table.js";
import type { EPolicyReport } from "../compare-e.js";
import type { IsoAreaMachine } from "../iso-area.js";
import {
  energySpec,
  layerCyclesSpec,
  paretoSpec,
  renderSvg,
  rooflineSpec,
  utilizationSpec,
  type SweepPoint,
} from "./charts.js";

export const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.sub { color: #666; } table { border-collapse: collapse; margin: 0.5em 0; } td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; }
th { background: #f6f6f6; } td:first-child, th:first-child { text-align: left; }
.better { color: #1b7f4b; font-weight: 600; } .worse { color: #b23a3a; font-weight: 600; }
figure { margin: 1em 0; } figure.chart svg { max-width: 100%; height: auto; }
.grid { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; } table.layers td, table.layers th { font-size: 0.85em; padding: 2px 8px; } .src { color: #666; font-size: 0.85em; text-align: left; }
`;

function ratioCell(ratio: number | null | undefined, lowerIsBetter: boolean): string {
  if (ratio === null || ratio === undefined) return "<td>–</td>";
  const cls = ratio === 1 ? "" : ratio < 1 === lowerIsBetter ? "better" : "worse";
  return `<td class="${cls}">${ratio.toFixed(3)}×</td>`;
}

function comparisonTable(rows: readonly ComparisonRow[]): string {
  const iso = rows.some((r) => r.isoDense !== undefined);
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.metric)}</td><td>${esc(r.dense)}</td><td>${esc(r.structured)}</td>${ratioCell(r.ratio, r.lowerIsBetter)}` +
        (iso ? `<td>${esc(r.isoDense ?? "–")}</td>${ratioCell(r.isoRatio, r.lowerIsBetter)}` : "") +
        "</tr>",
    )
    .join("\n");
  const isoHead = iso ? "<th>dense, same area</th><th>structured / dense (same area)</th>" : "";
  return `<table><thead><tr><th>metric</th><th>dense</th><th>structured</th><th>structured / dense (same machine)</th>${isoHead}</tr></thead><tbody>${body}</tbody></table>`;
}

function ePolicySection(e: EPolicyReport): string {
  const widths = Object.entries(e.layers_by_bits)
    .map(([b, n]) => `${n} layer(s) at ${b} bits`)
    .join(", ");
  const err = (label: string, x: EPolicyReport["error_vs_fp32"]) =>
    x
      ? `<tr><td>${esc(label)}</td><td>${x.cosine.toFixed(6)}</td><td>${x.max_abs_error.toPrecision(3)}</td><td>${(100 * x.max_rel_error).toFixed(2)} %</td></tr>`
      : "";
  const rows =
    err("structured int8 output (this policy)", e.error_vs_fp32) + err("with exact E", e.exact_error_vs_fp32);
  const shifts =
    e.shifted_layers > 0 && e.shift_range
      ? ` ${e.shifted_layers} layer(s) shift E right by ${e.shift_range[0]}–${e.shift_range[1]} bit(s).`
      : "";
  return `<p>E, the sum-pool output that feeds the MAC array: <b>${esc(e.description)}</b>; ${esc(widths || "no structured layers")}.${esc(shifts)}</p>
${rows ? `<table><thead><tr><th>against the fp32 structured network on this input</th><th>cosine</th><th>max |error|</th><th>of max |output|</th></tr></thead><tbody>${rows}</tbody></table>` : `<p class="sub">Output error not measured (timing-only run).</p>`}`;
}

function isoSection(iso: IsoAreaMachine, hw: HwConfig, rows: readonly ComparisonRow[]): string {
  const pick = ["cycles", "energy total (µJ)", "area total (mm²)", "MACs", "DRAM bytes"];
  const body = rows
    .filter((r) => pick.includes(r.metric))
    .map(
      (r) =>
        `<tr><td>${esc(r.metric)}</td>${ratioCell(r.ratio, r.lowerIsBetter)}${ratioCell(r.isoRatio, r.lowerIsBetter)}</tr>`,
    )
    .join("\n");
  return `<p>Same machine: dense and structured both run on <code>${esc(hw.id)}</code> (${iso.targetMm2.toFixed(4)} mm²), which carries the sum-pool unit and its buffer${hw.mac.actBits > 8 ? " and 16×8 multipliers" : ""} for the structured lowering.
Same area: dense also runs on <code>${esc(iso.hw.id)}</code> (${iso.areaMm2.toFixed(4)} mm²): ${esc(iso.what)}.</p>
<table><thead><tr><th>structured / dense</th><th>same machine</th><th>same area</th></tr></thead><tbody>${body}</tbody></table>`;
}

function sourcedTable(title: string, entries: Readonly<Record<string, Sourced>>): string {
  const rows = Object.entries(entries)
    .map(
      ([k, v]) =>
        `<tr><td>${esc(k)}</td><td>${v.value}</td><td>${esc(v.unit)}</td><td class="src">${esc(v.source)}</td></tr>`,
    )
    .join("\n");
  return `<h3>${esc(title)}</h3><table><thead><tr><th>key</th><th>value</th><th>unit</th><th class="src">source</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function hwTable(hw: HwConfig): string {
  const rows: [string, string][] = [
    ["id", hw.id],
    ["hash", hw.hash],
    [
      "technology",
      `${hw.techNm} nm ${hw.tech.kind}, logic ${hw.vdd} V, SRAM ${hw.vddSram} V (dynamic energy x ${hw.tech.dynamic.value.toPrecision(3)} of 45 nm 0.9 V: ${hw.tech.dynamic.why})`,
    ],
    ["clock", `${hw.clock_mhz} MHz`],
    [
      "MAC array",
      `${hw.mac.rows} × ${hw.mac.cols}, ${hw.mac.dataflow}, ${hw.mac.actBits}×8-bit multipliers, input reuse ${hw.mac.inputReuse}`,
    ],
    ["sum-pool unit", `${hw.pool.lanes} adders, ${hw.pool.mode}, ${hw.pool.outBits}-bit output`],
    ["vector unit", `${hw.vector.lanes} lanes`],
    [
      "DRAM",
      hw.dram.ideal
        ? "ideal (infinite bandwidth, zero latency)"
        : `${hw.dram.gbps} GB/s, ${hw.dram.latency} cycles latency`,
    ],
    ...Object.entries(hw.sram).map(([b, s]): [string, string] => [
      `SRAM ${b}`,
      `${s.kib} KiB, ${s.banks} banks, ${s.rowBits}-bit rows`,
    ]),
    ["weight store", hw.wstore.kib > 0 ? `${hw.wstore.kib} KiB on chip` : "none (parameters from DRAM)"],
  ];
  return `<table><tbody>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td style="text-align:left">${esc(v)}</td></tr>`).join("")}</tbody></table>`;
}

/** Per-layer rows, dense beside structured, matched by layer name. */
function layerTable(dense: ReportLike, structured: ReportLike): string {
  const byName = new Map(structured.layers.map((l) => [l.name, l]));
  const n = (x: number): string => Math.round(x).toLocaleString("en-US");
  const rows = dense.layers
    .map((d) => {
      const s = byName.get(d.name);
      const st = s && s.c !== null && s.c !== undefined ? `c=${s.c} n=${s.n}` : "dense";
      const ratio = s && d.cycles > 0 ? (s.cycles / d.cycles).toFixed(2) + "×" : "–";
      return `<tr><td>${esc(d.name)}</td><td>${esc(d.kind)}</td><td>${esc(st)}</td><td>${n(d.cycles)}</td><td>${s ? n(s.cycles) : "–"}</td><td>${ratio}</td><td>${n(d.macs)}</td><td>${s ? n(s.macs) : "–"}</td><td>${s ? n(s.adds) : "–"}</td><td>${(d.energy_pj / 1e6).toFixed(3)}</td><td>${s ? (s.energy_pj / 1e6).toFixed(3) : "–"}</td></tr>`;
    })
    .join("\n");
  return `<table class="layers"><thead><tr><th>layer</th><th>kind</th><th>structure</th><th>cycles dense</th><th>cycles struct.</th><th>ratio</th><th>MACs dense</th><th>MACs struct.</th><th>adds struct.</th><th>µJ dense</th><th>µJ struct.</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const figure = (svg: string, caption: string): string =>
  `<figure class="chart" data-chart="${esc(caption)}">${svg}<figcaption class="sub">${esc(caption)}</figcaption></figure>`;

export interface ComparePage {
  readonly title: string;
  readonly dense: ReportLike;
  readonly structured: ReportLike;
  readonly rows: readonly ComparisonRow[];
  readonly hw: HwConfig;
  readonly sweep?: readonly SweepPoint[];
  readonly ePolicy?: EPolicyReport;
  /** compare --iso-area: the same-area machine and dense's report on it. */
  readonly iso?: { readonly machine: IsoAreaMachine; readonly dense: ReportLike };
}

/** The comparison page as one HTML string. */
export async function comparePage(p: ComparePage): Promise<string> {
  const reports = [p.dense, p.structured];
  const roofs = {
    opsPerCycle: 2 * p.hw.peak.macsPerCycle + p.hw.peak.addsPerCycle,
    bytesPerCycle: p.hw.dram.bytesPerCycle,
  };
  const charts = [
    figure(await renderSvg(layerCyclesSpec(reports)), "Cycles per layer, dense vs structured"),
    figure(await renderSvg(energySpec(reports)), "Energy by component"),
    figure(await renderSvg(utilizationSpec(reports)), "Unit utilisation"),
    figure(await renderSvg(rooflineSpec(reports, roofs)), "Roofline per layer"),
  ];
  if (p.sweep && p.sweep.length > 0)
    charts.push(figure(await renderSvg(paretoSpec(p.sweep)), "Sweep: energy vs latency"));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(p.title)}</h1>
<p class="sub">sumac: dense vs structured lowering of <b>${esc(p.dense.model)}</b> on <b>${esc(p.hw.id)}</b> (${p.dense.dtype}).
Structured convolutions (Bhalgat et al., NeurIPS 2020) run as a sum-pool on the adder array followed by a small convolution on the MAC array.</p>
<h2>Side by side</h2>
${comparisonTable(p.rows)}
${p.ePolicy ? `<h2>Sum-pool output E</h2>\n${ePolicySection(p.ePolicy)}` : ""}
${p.iso ? `<h2>Same machine and same area</h2>\n${isoSection(p.iso.machine, p.hw, p.rows)}` : ""}
<h2>Charts</h2>
<div class="grid">${charts.join("\n")}</div>
<h2>Layers</h2>
${layerTable(p.dense, p.structured)}
<h2>Hardware configuration</h2>
${hwTable(p.hw)}
${sourcedTable("Energy per action (prices used for every number above)", p.hw.energy)}
${sourcedTable("Leakage per unit", p.hw.leakage)}
${sourcedTable("Area per instance", p.hw.area)}
</body></html>
`;
}
