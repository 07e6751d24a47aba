// `sumac sweep <model> --set key=v1,v2,…`: a design-space sweep over the cross product of the values, both
// lowerings per point, evaluated in parallel on worker threads; CSV, Pareto front of energy vs latency, HTML.
import chalk from "chalk";
import cliProgress from "cli-progress";
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";
import { PRESET_NAMES, resolveHw } from "../../isa/hw/config.js";
import { crossProduct, parseAxes } from "../sweep/grid.js";
import { paretoFront } from "../sweep/pareto.js";
import { runPool } from "../sweep/pool.js";
import type { PointRequest, PointResult } from "../sweep/evaluate.js";
import { paretoSpec, renderSvg, type SweepPoint } from "../html/charts.js";

const CSV_COLUMNS: readonly [string, (p: PointResult) => string | number][] = [
  ["settings", (p) => p.sets.join(" ")],
  ["mode", (p) => p.mode],
  ["hw_id", (p) => p.hw_id],
  ["cycles", (p) => p.cycles],
  ["latency_ms", (p) => p.latency_ms],
  ["energy_uj", (p) => p.energy_uj],
  ["macs", (p) => p.macs],
  ["mults", (p) => p.mults],
  ["adds", (p) => p.adds],
  ["dram_bytes", (p) => p.dram_bytes],
  ["util_mac", (p) => p.utilization["mac"] ?? 0],
  ["util_sumpool", (p) => p.utilization["sumpool"] ?? 0],
  ["area_mm2", (p) => p.area_mm2],
];

const csvCell = (v: string | number): string =>
  typeof v === "number" ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;

export const sweepCommand: SumacCommand = {
  builder: (y) =>
    y
      .positional("model", { type: "string", describe: "zoo name, .net file or .onnx file" })
      .option("hw", { type: "string", describe: `base hardware: a preset (${PRESET_NAMES.join(", ")}) or a JSON file` })
      .option("set", { type: "string", describe: "key=v1,v2,… (repeatable); every combination is one design point" })
      .option("dtype", { choices: ["int8", "fp32"] as const, default: "int8" })
      .option("weights", { choices: ["random", "file"] as const })
      .option("workers", { type: "number", describe: "worker threads (default: one per core)" })
      .option("csv", { type: "string", describe: 'write one row per point and mode ("-" for stdout)' })
      .option("html", { type: "string", describe: "write the energy-vs-latency chart as a self-contained HTML page" }),
  examples: [
    [
      "sumac sweep resnet20:struct-a --set mac.rows=8,16,32 --set pool.lanes=32,64,128 --csv sweep.csv",
      "9 machines × 2 lowerings",
    ],
  ],
  handler: async (args, ctx) => {
    const { io } = ctx;
    const sets = args["set"] === undefined ? [] : ([] as unknown[]).concat(args["set"]).map(String);
    if (sets.length === 0) throw new InputError("sweep: give at least one --set key=v1,v2,…");
    const points = crossProduct(parseAxes(sets));
    const hwArg = typeof args["hw"] === "string" ? args["hw"] : undefined;
    const base: Pick<PointRequest, "preset" | "hwFile"> =
      hwArg === undefined || PRESET_NAMES.includes(hwArg)
        ? { preset: hwArg ?? "edge" }
        : { hwFile: { path: hwArg, text: new TextDecoder().decode(io.readFile(hwArg)) } };
    // Validate every point in this thread first: a bad key or value is one clear error before any work starts.
    for (const p of points) resolveHw({ ...base, sets: p });
    const jobs: PointRequest[] = points.flatMap((p) =>
      (["dense", "structured"] as const).map((mode) => ({
        model: String(args["model"]),
        ...base,
        sets: p,
        mode,
        dtype: (args["dtype"] as "int8" | "fp32") ?? "int8",
        ...(args["weights"] ? { weights: args["weights"] as "random" | "file" } : {}),
      })),
    );
    const bar = io.isTTY
      ? new cliProgress.SingleBar(
          { format: "sweep [{bar}] {value}/{total} points", hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(jobs.length, 0);
    let run;
    try {
      run = await runPool(jobs, {
        ...(args["workers"] ? { workers: Number(args["workers"]) } : {}),
        onDone: (d) => bar?.update(d),
      });
    } catch (e) {
      const err = e as Error & { input?: boolean };
      if (err.input) throw new InputError(err.message);
      throw err;
    } finally {
      bar?.stop();
    }
    const results = run.results;
    const front = paretoFront(results.map((r) => ({ x: r.latency_ms, y: r.energy_uj })));
    const csv =
      [
        CSV_COLUMNS.map(([h]) => h).join(","),
        ...results.map((r) => CSV_COLUMNS.map(([, get]) => csvCell(get(r))).join(",")),
      ].join("\n") + "\n";
    if (args["csv"] === "-") io.stdout(csv);
    else {
      if (typeof args["csv"] === "string") io.writeFile(args["csv"], csv);
      const star = (s: string) => (io.isTTY ? chalk.green(s) : s);
      io.stdout(
        `${results.length} runs (${points.length} points × 2 lowerings) on ${run.threadsUsed} worker thread(s)\n`,
      );
      io.stdout("Pareto front (energy vs latency):\n");
      [...front]
        .sort((a, b) => results[a]!.latency_ms - results[b]!.latency_ms)
        .forEach((i) => {
          const r = results[i]!;
          io.stdout(
            star(
              `  ${r.latency_ms.toFixed(3).padStart(10)} ms  ${r.energy_uj.toFixed(2).padStart(10)} µJ  ${r.mode.padEnd(10)} ${r.sets.join(" ")}\n`,
            ),
          );
        });
      if (typeof args["csv"] === "string") io.stdout(`wrote ${args["csv"]}\n`);
    }
    if (typeof args["html"] === "string") {
      const pts: SweepPoint[] = results.map((r, i) => ({
        label: r.sets.join(" "),
        mode: r.mode,
        latency_ms: r.latency_ms,
        energy_uj: r.energy_uj,
        pareto: front.has(i),
      }));
      const svg = await renderSvg(paretoSpec(pts));
      io.writeFile(
        args["html"],
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sumac sweep: ${String(args["model"])}</title></head><body style="font-family:system-ui,sans-serif"><h1>sumac sweep: ${String(args["model"])}</h1><figure class="chart">${svg}</figure></body></html>\n`,
      );
    }
    return 0;
  },
};
