// Vega-Lite specifications of the comparison charts, and their rendering to inline SVG (no browser, no network).
// vega and vega-lite (~2,500 modules with lodash-es) load only when a chart is rendered: every other command,
// and compare without --html, never pays for them.
import type { TopLevelSpec } from "vega-lite";
import type { ReportLike } from "../report-types.js";

type Spec = TopLevelSpec;
const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const MODE_COLORS = { domain: ["dense", "structured"], range: ["#7f7f7f", "#2a9d8f"] };

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: Spec): Promise<string> {
  const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Cycles per layer, dense beside structured. */
export function layerCyclesSpec(reports: readonly ReportLike[]): Spec {
  const values = reports.flatMap((r) =>
    r.layers.map((l, index) => ({ layer: l.name, index, mode: r.mode, cycles: l.cycles })),
  );
  return {
    $schema: SCHEMA,
    title: "Cycles per layer",
    width: Math.max(500, Math.min(1400, 14 * (reports[0]?.layers.length ?? 10))),
    height: 260,
    data: { values },
    mark: { type: "bar" },
    encoding: {
      x: {
        field: "layer",
        type: "nominal",
        sort: { field: "index" },
        axis: { labelAngle: -60, labelFontSize: 8, title: null },
      },
      xOffset: { field: "mode" },
      y: { field: "cycles", type: "quantitative", title: "cycles" },
      color: { field: "mode", type: "nominal", scale: MODE_COLORS },
      tooltip: [{ field: "layer" }, { field: "mode" }, { field: "cycles", format: "," }],
    },
  };
}

/** Energy by component, one stacked bar per schedule. */
export function energySpec(reports: readonly ReportLike[]): Spec {
  const values = reports.flatMap((r) =>
    Object.entries(r.totals.energy_pj)
      .filter(([k]) => k !== "total")
      .map(([component, pj]) => ({ mode: r.mode, component, uj: pj / 1e6 })),
  );
  return {
    $schema: SCHEMA,
    title: "Energy by component (µJ)",
    width: 520,
    height: 120,
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "mode", type: "nominal", title: null },
      x: { field: "uj", type: "quantitative", title: "energy (µJ)", stack: "zero" },
      color: { field: "component", type: "nominal", scale: { scheme: "tableau10" } },
      tooltip: [{ field: "mode" }, { field: "component" }, { field: "uj", format: ".3f" }],
    },
  };
}

/** Busy fraction of each unit. */
export function utilizationSpec(reports: readonly ReportLike[]): Spec {
  const values = reports.flatMap((r) =>
    Object.entries(r.totals.utilization).map(([unit, u]) => ({ mode: r.mode, unit, percent: 100 * u })),
  );
  return {
    $schema: SCHEMA,
    title: "Unit utilisation (% of cycles busy)",
    width: 360,
    height: 220,
    data: { values },
    mark: "bar",
    encoding: {
      x: { field: "unit", type: "nominal", title: null },
      xOffset: { field: "mode" },
      y: { field: "percent", type: "quantitative", title: "% busy", scale: { domain: [0, 100] } },
      color: { field: "mode", type: "nominal", scale: MODE_COLORS },
    },
  };
}

export interface Roofs {
  /** Peak operations per cycle (2 per MAC plus one per sum-pool add). */
  readonly opsPerCycle: number;
  /** DRAM bytes per cycle. */
  readonly bytesPerCycle: number;
}

/** Each layer's achieved operations per cycle against its operational intensity, under the machine's two roofs. */
export function rooflineSpec(reports: readonly ReportLike[], roofs: Roofs): Spec {
  const points = reports.flatMap((r) =>
    r.layers
      .filter((l) => (l.dram_bytes ?? 0) > 0 && l.cycles > 0 && l.macs + l.adds > 0)
      .map((l) => {
        const ops = 2 * l.macs + l.adds;
        return { layer: l.name, mode: r.mode, intensity: ops / (l.dram_bytes ?? 1), perf: ops / l.cycles };
      }),
  );
  const lo = Math.max(1e-2, Math.min(...points.map((p) => p.intensity), 1) / 2);
  const hi =
    Math.max(...points.map((p) => p.intensity), (10 * roofs.opsPerCycle) / Math.max(roofs.bytesPerCycle, 1e-9)) * 2;
  const roof: { intensity: number; perf: number }[] = [];
  for (let i = 0; i <= 60; i++) {
    const x = lo * Math.pow(hi / lo, i / 60);
    roof.push({
      intensity: x,
      perf: Math.min(roofs.opsPerCycle, Number.isFinite(roofs.bytesPerCycle) ? x * roofs.bytesPerCycle : Infinity),
    });
  }
  return {
    $schema: SCHEMA,
    title: "Roofline: each layer against compute and DRAM bandwidth limits",
    width: 520,
    height: 320,
    layer: [
      {
        data: { values: roof },
        mark: { type: "line", color: "#444", strokeDash: [4, 3] },
        encoding: {
          x: { field: "intensity", type: "quantitative", scale: { type: "log" }, title: "operations per DRAM byte" },
          y: { field: "perf", type: "quantitative", scale: { type: "log" }, title: "operations per cycle" },
        },
      },
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 40, opacity: 0.8 },
        encoding: {
          x: { field: "intensity", type: "quantitative", scale: { type: "log" } },
          y: { field: "perf", type: "quantitative", scale: { type: "log" } },
          color: { field: "mode", type: "nominal", scale: MODE_COLORS },
          tooltip: [
            { field: "layer" },
            { field: "mode" },
            { field: "intensity", format: ".2f" },
            { field: "perf", format: ".1f" },
          ],
        },
      },
    ],
  };
}

export interface SweepPoint {
  readonly label: string;
  readonly mode: string;
  readonly latency_ms: number;
  readonly energy_uj: number;
  readonly pareto: boolean;
}

/** Energy against latency for every design point, Pareto-optimal ones outlined. */
export function paretoSpec(points: readonly SweepPoint[]): Spec {
  return {
    $schema: SCHEMA,
    title: "Design space: energy vs latency (Pareto front outlined)",
    width: 520,
    height: 320,
    data: { values: points.map((p) => ({ ...p, front: p.pareto ? "Pareto" : "dominated" })) },
    mark: { type: "point", filled: true, size: 70 },
    encoding: {
      x: { field: "latency_ms", type: "quantitative", title: "latency (ms)", scale: { zero: false } },
      y: { field: "energy_uj", type: "quantitative", title: "energy (µJ)", scale: { zero: false } },
      color: { field: "mode", type: "nominal", scale: MODE_COLORS },
      shape: { field: "front", type: "nominal" },
      tooltip: [
        { field: "label" },
        { field: "mode" },
        { field: "latency_ms", format: ".3f" },
        { field: "energy_uj", format: ".2f" },
      ],
    },
  };
}
