// What a sweep prints and writes, as pure functions of its grid points and results, so that an unsharded sweep
// and the merge of its shards render through the same code from the same numbers.
import type { PointResult } from "./evaluate.js";
import type { GridPoint } from "./grid.js";
import { paretoFront } from "./pareto.js";

export interface SweepOutcome {
  readonly model: string;
  readonly dtype: string;
  readonly points: readonly GridPoint<{ readonly label: string }>[];
  /** Two per point in grid order: dense, then structured. */
  readonly results: readonly PointResult[];
}

/** The structured lowering against the dense one at one grid point. */
export interface Saving {
  readonly point: string;
  readonly machine: string;
  readonly dense: PointResult;
  readonly structured: PointResult;
  /** structured / dense; below 1 means the structured network saves. */
  readonly energyRatio: number;
  readonly latencyRatio: number;
}

const CSV_COLUMNS: readonly [string, (r: PointResult, settings: string) => string | number][] = [
  ["settings", (_, settings) => settings],
  ["mode", (r) => r.mode],
  ["hw_id", (r) => r.hw_id],
  ["cycles", (r) => r.cycles],
  ["latency_ms", (r) => r.latency_ms],
  ["energy_uj", (r) => r.energy_uj],
  ["macs", (r) => r.macs],
  ["mults", (r) => r.mults],
  ["adds", (r) => r.adds],
  ["dram_bytes", (r) => r.dram_bytes],
  ["util_mac", (r) => r.utilization["mac"] ?? 0],
  ["util_sumpool", (r) => r.utilization["sumpool"] ?? 0],
  ["area_mm2", (r) => r.area_mm2],
];

const csvCell = (v: string | number): string =>
  typeof v === "number" ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;

const pointOf = (o: SweepOutcome, resultIndex: number) => o.points[Math.floor(resultIndex / 2)]!;

/** One row per point and lowering, in grid order. */
export function sweepCsv(o: SweepOutcome): string {
  const rows = o.results.map((r, i) => CSV_COLUMNS.map(([, get]) => csvCell(get(r, pointOf(o, i).label))).join(","));
  return [CSV_COLUMNS.map(([h]) => h).join(","), ...rows].join("\n") + "\n";
}

/** Indices (into results) of the runs no other run beats in both energy and latency. */
export function sweepFront(o: SweepOutcome): Set<number> {
  return paretoFront(o.results.map((r) => ({ x: r.latency_ms, y: r.energy_uj })));
}

export function savings(o: SweepOutcome): Saving[] {
  return o.points.map((p) => {
    const dense = o.results[2 * p.index]!;
    const structured = o.results[2 * p.index + 1]!;
    return {
      point: p.label,
      machine: p.target.label,
      dense,
      structured,
      energyRatio: structured.energy_uj / dense.energy_uj,
      latencyRatio: structured.latency_ms / dense.latency_ms,
    };
  });
}

/** The terminal summary after the first line: the Pareto front and, when the machine varies, the saving per machine. */
export function sweepSummary(o: SweepOutcome, highlight: (s: string) => string): string {
  const front = sweepFront(o);
  const out = ["Pareto front (energy vs latency):"];
  for (const i of [...front].sort((a, b) => o.results[a]!.latency_ms - o.results[b]!.latency_ms)) {
    const r = o.results[i]!;
    out.push(
      highlight(
        `  ${r.latency_ms.toFixed(3).padStart(10)} ms  ${r.energy_uj.toFixed(2).padStart(10)} µJ  ${r.mode.padEnd(10)} ${pointOf(o, i).label}`,
      ),
    );
  }
  if (new Set(o.points.map((p) => p.target.label)).size > 1) {
    out.push("Structured / dense per machine (below 1: the structured network saves):");
    out.push(`  ${"energy".padStart(8)} ${"latency".padStart(8)}  point`);
    for (const s of savings(o))
      out.push(`  ${s.energyRatio.toFixed(3).padStart(8)} ${s.latencyRatio.toFixed(3).padStart(8)}  ${s.point}`);
  }
  return out.join("\n") + "\n";
}
