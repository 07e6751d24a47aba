// The side-by-side metrics of a dense and a structured report, with structured/dense ratios, and (compare
// --iso-area) dense on the same-area machine beside them. A figure that is not a number (energy of an fp32 run)
// shows as "–" and has no ratio.
import { ENERGY_COMPONENTS } from "../isa/counters.js";
import type { ReportLike } from "./report-types.js";

export interface ComparisonRow {
  readonly metric: string;
  readonly dense: string;
  readonly structured: string;
  /** structured / dense, null when undefined (dense is 0 or a figure is missing). */
  readonly ratio: number | null;
  readonly lowerIsBetter: boolean;
  /** Dense on the same-area machine (compare --iso-area), and structured / that. */
  readonly isoDense?: string;
  readonly isoRatio?: number | null;
}

const int = (x: number): string => Math.round(x).toLocaleString("en-US");
const fixed =
  (d: number) =>
  (x: number): string =>
    x.toFixed(d);
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

interface Metric {
  readonly key: string;
  readonly label: string;
  readonly get: (r: ReportLike) => number | undefined;
  readonly fmt: (x: number) => string;
  readonly lowerIsBetter: boolean;
}

const UNITS = ["mac", "sumpool", "vector", "dma"] as const;
const STAGE_LABELS: Readonly<Record<string, string>> = {
  mac: "MAC array",
  sumpool: "sum-pool unit",
  vector: "vector unit",
  dma: "DMA + DRAM",
};

export const METRICS: readonly Metric[] = [
  { key: "cycles", label: "cycles", get: (r) => r.totals.cycles, fmt: int, lowerIsBetter: true },
  { key: "latency_ms", label: "latency (ms)", get: (r) => r.totals.seconds * 1e3, fmt: fixed(3), lowerIsBetter: true },
  {
    key: "bound_cycles",
    label: "lower-bound cycles",
    get: (r) => r.totals.bound_cycles,
    fmt: int,
    lowerIsBetter: true,
  },
  { key: "macs", label: "MACs", get: (r) => r.totals.macs, fmt: int, lowerIsBetter: true },
  { key: "mults", label: "multiplications", get: (r) => r.totals.mults, fmt: int, lowerIsBetter: true },
  { key: "adds", label: "additions", get: (r) => r.totals.adds, fmt: int, lowerIsBetter: true },
  { key: "params", label: "parameters", get: (r) => r.totals.params, fmt: int, lowerIsBetter: true },
  { key: "dram_bytes", label: "DRAM bytes", get: (r) => r.totals.dram_bytes, fmt: int, lowerIsBetter: true },
  {
    key: "energy_uj",
    label: "energy total (µJ)",
    get: (r) => r.totals.energy_pj.total / 1e6,
    fmt: fixed(3),
    lowerIsBetter: true,
  },
  ...ENERGY_COMPONENTS.map((k): Metric => ({
    key: `energy_${k}_uj`,
    label: `  energy ${k} (µJ)`,
    get: (r) => (r.totals.energy_pj[k] ?? 0) / 1e6,
    fmt: fixed(3),
    lowerIsBetter: true,
  })),
  ...Object.entries(STAGE_LABELS).map(([k, label]): Metric => ({
    key: `stage_${k}_uj`,
    label: `  charged to ${label} (µJ)`,
    get: (r) => (r.totals.energy_by_unit_pj ? (r.totals.energy_by_unit_pj[k] ?? 0) / 1e6 : undefined),
    fmt: fixed(3),
    lowerIsBetter: true,
  })),
  {
    key: "area_mm2",
    label: "area total (mm²)",
    get: (r) => r.totals.area_mm2?.["total"],
    fmt: fixed(4),
    lowerIsBetter: true,
  },
  {
    key: "area_mac_mm2",
    label: "  area MAC array (mm²)",
    get: (r) => r.totals.area_mm2?.["mac"],
    fmt: fixed(4),
    lowerIsBetter: true,
  },
  {
    key: "area_pool_mm2",
    label: "  area sum-pool adders (mm²)",
    get: (r) => r.totals.area_mm2?.["pool"],
    fmt: fixed(4),
    lowerIsBetter: true,
  },
  ...UNITS.map((u): Metric => ({
    key: `util_${u}`,
    label: `utilisation ${u}`,
    get: (r) => r.totals.utilization[u],
    fmt: pct,
    lowerIsBetter: false,
  })),
];

const ratioOf = (s: number, d: number): number | null =>
  Number.isFinite(s) && Number.isFinite(d) && d !== 0 ? s / d : null;
const shown = (m: Metric, x: number): string => (Number.isFinite(x) ? m.fmt(x) : "–");

export function compareRows(dense: ReportLike, structured: ReportLike, isoDense?: ReportLike): ComparisonRow[] {
  return METRICS.flatMap((m) => {
    const d = m.get(dense);
    const s = m.get(structured);
    if (d === undefined || s === undefined) return [];
    const row: ComparisonRow = {
      metric: m.label,
      dense: shown(m, d),
      structured: shown(m, s),
      ratio: ratioOf(s, d),
      lowerIsBetter: m.lowerIsBetter,
    };
    if (!isoDense) return [row];
    const i = m.get(isoDense);
    return [
      { ...row, isoDense: i === undefined ? "–" : shown(m, i), isoRatio: i === undefined ? null : ratioOf(s, i) },
    ];
  });
}

/** Ratios structured/dense keyed by metric, for compare --json. */
export function compareRatios(dense: ReportLike, structured: ReportLike): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const m of METRICS) {
    const d = m.get(dense);
    const s = m.get(structured);
    if (d === undefined || s === undefined) continue;
    out[m.key] = ratioOf(s, d);
  }
  return out;
}

/** A plain-text table (the terminal view), columns padded. */
export function formatRows(
  rows: readonly ComparisonRow[],
  color?: { good: (s: string) => string; bad: (s: string) => string },
): string {
  const iso = rows.some((r) => r.isoDense !== undefined);
  const header = ["metric", "dense", "structured", "struct/dense", ...(iso ? ["dense same area", "struct/dense"] : [])];
  const ratio = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${x.toFixed(3)}×`);
  const cells = rows.map((r) => [
    r.metric,
    r.dense,
    r.structured,
    ratio(r.ratio),
    ...(iso ? [r.isoDense ?? "–", ratio(r.isoRatio)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join("  ");
  const out = [line(header), widths.map((w) => "─".repeat(w)).join("  ")];
  rows.forEach((r, i) => {
    let text = line(cells[i]!);
    if (color && r.ratio !== null && r.ratio !== 1) {
      const good = r.lowerIsBetter ? r.ratio < 1 : r.ratio > 1;
      text = good ? color.good(text) : color.bad(text);
    }
    out.push(text);
  });
  return out.join("\n") + "\n";
}
