// The side-by-side metrics of a dense and a structured report, with structured/dense ratios.
import type { ReportLike } from "./report-types.js";

export interface ComparisonRow {
  readonly metric: string;
  readonly dense: string;
  readonly structured: string;
  /** structured / dense, null when undefined (dense is 0). */
  readonly ratio: number | null;
  readonly lowerIsBetter: boolean;
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

const ENERGY_PARTS = ["mac", "sumpool", "vector", "sram", "dram", "leakage", "control"] as const;
const UNITS = ["mac", "sumpool", "vector", "dma"] as const;

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
  ...ENERGY_PARTS.map((k): Metric => ({
    key: `energy_${k}_uj`,
    label: `  energy ${k} (µJ)`,
    get: (r) => (r.totals.energy_pj[k] ?? 0) / 1e6,
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

export function compareRows(dense: ReportLike, structured: ReportLike): ComparisonRow[] {
  return METRICS.flatMap((m) => {
    const d = m.get(dense);
    const s = m.get(structured);
    if (d === undefined || s === undefined) return [];
    return [
      {
        metric: m.label,
        dense: m.fmt(d),
        structured: m.fmt(s),
        ratio: d === 0 ? null : s / d,
        lowerIsBetter: m.lowerIsBetter,
      },
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
    out[m.key] = d === 0 ? null : s / d;
  }
  return out;
}

/** A plain-text table (the terminal view), columns padded. */
export function formatRows(
  rows: readonly ComparisonRow[],
  color?: { good: (s: string) => string; bad: (s: string) => string },
): string {
  const header = ["metric", "dense", "structured", "struct/dense"];
  const cells = rows.map((r) => [r.metric, r.dense, r.structured, r.ratio === null ? "–" : `${r.ratio.toFixed(3)}×`]);
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
