// Vega-Lite specification of the sweep's saving chart: structured / dense energy and latency at every grid point
// (one group of bars per machine of a --hw list, or per point of the --set lists).
import type * as vl from "vega-lite";

export interface SavingBar {
  /** The point's coordinates, e.g. `hw=lp28 mac.rows=16`. */
  readonly point: string;
  readonly index: number;
  readonly energyRatio: number;
  readonly latencyRatio: number;
}

const METRIC_COLORS = { domain: ["energy", "latency"], range: ["#2a9d8f", "#e9c46a"] };

export function savingSpec(bars: readonly SavingBar[]): vl.TopLevelSpec {
  const values = bars.flatMap((b) => [
    { point: b.point, index: b.index, metric: "energy", ratio: b.energyRatio },
    { point: b.point, index: b.index, metric: "latency", ratio: b.latencyRatio },
  ]);
  const step = 90; // pixels per design point: two bars and a gap
  const longest = Math.max(0, ...bars.map((b) => b.point.length));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Structured / dense at each design point (below 1: the structured network saves)",
    width: Math.max(360, Math.min(1400, step * bars.length)),
    height: 260,
    layer: [
      {
        data: { values },
        mark: { type: "bar" },
        encoding: {
          x: {
            field: "point",
            type: "nominal",
            sort: { field: "index" },
            // labels tilt when they would not fit under their bars (about 6 px per character at this size)
            axis: { labelAngle: 6 * longest > step ? -35 : 0, labelLimit: 220, title: null },
          },
          xOffset: { field: "metric" },
          y: { field: "ratio", type: "quantitative", title: "structured / dense" },
          color: { field: "metric", type: "nominal", scale: METRIC_COLORS },
          tooltip: [{ field: "point" }, { field: "metric" }, { field: "ratio", format: ".3f" }],
        },
      },
      {
        data: { values: [{ one: 1 }] },
        mark: { type: "rule", color: "#444", strokeDash: [4, 3] },
        encoding: { y: { field: "one", type: "quantitative" } },
      },
    ],
  };
}
