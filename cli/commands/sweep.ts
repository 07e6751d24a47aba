// `sumac sweep <model> --set key=v1,v2,… [--hw A,B,…]`: a design-space sweep over the cross product of the
// machines and the value lists, both lowerings per point, evaluated in parallel on worker threads; CSV, Pareto
// front of energy vs latency, structured saving per point, HTML. `--shard I/N --part F` evaluates one slice of
// the grid for a cluster job; `sumac sweep merge PART…` (cli/commands/sweep-merge.ts) joins the slices.
import cliProgress from "cli-progress";
import type { Context, SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";
import { PRESET_NAMES, resolveHw } from "../../isa/hw/config.js";
import { sumacVersion } from "../version.js";
import { gridPoints, parseAxes, type GridPoint, type SweepGrid } from "../sweep/grid.js";
import { parseTargets } from "../sweep/targets.js";
import { parseShard, shardFromEnv, shardIndices, WHOLE_GRID, type Shard } from "../sweep/shard.js";
import { gridId, gridIdentity, modelDigest, partText, PART_FORMAT, PART_VERSION } from "../sweep/part.js";
import { runPool, type PoolRun } from "../sweep/pool.js";
import { writeSweepOutputs } from "../sweep/output.js";
import type { PointRequest } from "../sweep/evaluate.js";
import { sweepMerge } from "./sweep-merge.js";

const MODES = ["dense", "structured"] as const;

const optString = (args: Record<string, unknown>, k: string): string | undefined => {
  const v = args[k];
  if (v === undefined) return undefined;
  if (typeof v !== "string")
    throw new InputError(`--${k} expects one value${Array.isArray(v) ? ", given more than once" : ""}`);
  return v;
};

export const sweepCommand: SumacCommand = {
  command: "sweep <model> [parts..]",
  describe:
    "design-space sweep: machines (--hw A,B,…) × --set key=v1,v2,… lists, dense and structured, on all cores; --shard I/N for one slice, `sweep merge PART…` to join slices",
  builder: (y) =>
    y
      .positional("model", { type: "string", describe: 'zoo name, .net file or .onnx file; or "merge"' })
      .positional("parts", { type: "string", array: true, describe: "with merge: the part files of every shard" })
      .option("hw", {
        type: "string",
        describe: `machine, or a comma list of machines (an axis of the grid): presets (${PRESET_NAMES.join(", ")}) or JSON files`,
      })
      .option("set", { type: "string", describe: "key=v1,v2,… (repeatable); every combination is one design point" })
      .option("dtype", { choices: ["int8", "fp32"] as const, describe: "[default: int8]" })
      .option("weights", { choices: ["random", "file"] as const })
      .option("workers", { type: "number", describe: "worker threads (default: one per core; 1 runs in this thread)" })
      .option("shard", {
        type: "string",
        describe: "evaluate shard I of N (I/N, from 1) of the grid, round-robin; auto: from Slurm or Kubernetes",
      })
      .option("shards", { type: "number", describe: "with --shard auto under Kubernetes: N, the Job's completions" })
      .option("part", { type: "string", describe: "write this shard's results as a part file for `sweep merge`" })
      .option("csv", { type: "string", describe: 'write one row per point and mode ("-" for stdout)' })
      .option("html", { type: "string", describe: "write the charts as a self-contained HTML page" }),
  examples: [
    [
      "sumac sweep resnet20:struct-a --set mac.rows=8,16,32 --set pool.lanes=32,64,128 --csv sweep.csv",
      "9 machines × 2 lowerings",
    ],
    ["sumac sweep resnet56:struct-a --hw edge,tiny --html saving.html", "the structured saving on each preset"],
    [
      "sumac sweep resnet20 --set mac.rows=8,16,32,64 --set pool.lanes=64,128 --shard 2/4 --part p2.json",
      "points 1 and 5 of the 8 (round-robin)",
    ],
    ["sumac sweep merge p1.json p2.json p3.json p4.json --csv all.csv", "the unsharded result, exactly"],
  ],
  handler: (args, ctx) => (args["model"] === "merge" ? sweepMerge(args, ctx) : sweepRun(args, ctx)),
};

/** The shard this process evaluates, or undefined for the whole grid without a part file. */
function chosenShard(args: Record<string, unknown>): Shard | undefined {
  const shardArg = optString(args, "shard");
  const shards = args["shards"];
  if (shards !== undefined && (typeof shards !== "number" || !Number.isSafeInteger(shards) || shards < 1))
    throw new InputError(`--shards must be a whole number ≥ 1, got ${JSON.stringify(shards)}`);
  if (shards !== undefined && shardArg !== "auto")
    throw new InputError("--shards goes with --shard auto (--shard I/N already names N)");
  const shard =
    shardArg === undefined ? undefined : shardArg === "auto" ? shardFromEnv(process.env, shards) : parseShard(shardArg);
  const part = optString(args, "part");
  if (shard !== undefined && part === undefined)
    throw new InputError(`--shard ${shardArg}: add --part FILE, the part file that \`sumac sweep merge\` reads`);
  if (shard !== undefined && shard.count > 1)
    for (const flag of ["csv", "html"])
      if (args[flag] !== undefined)
        throw new InputError(
          `--${flag} with --shard ${shardArg}: one shard holds part of the grid; write --${flag} with \`sumac sweep merge\``,
        );
  return shard ?? (part !== undefined ? WHOLE_GRID : undefined);
}

function workerCount(args: Record<string, unknown>): number | undefined {
  const w = args["workers"];
  if (w === undefined) return undefined;
  if (typeof w !== "number" || !Number.isSafeInteger(w) || w < 1)
    throw new InputError(`--workers must be a whole number ≥ 1, got ${JSON.stringify(w)}`);
  return w;
}

async function evaluate(grid: SweepGrid, mine: readonly GridPoint[], ctx: Context, workers?: number): Promise<PoolRun> {
  const jobs: PointRequest[] = mine.flatMap((p) =>
    MODES.map((mode) => ({
      model: grid.model,
      ...(p.target.preset !== undefined ? { preset: p.target.preset } : { hwFile: p.target.file }),
      sets: p.sets,
      mode,
      dtype: grid.dtype,
      ...(grid.weights ? { weights: grid.weights } : {}),
    })),
  );
  const bar = ctx.io.isTTY
    ? new cliProgress.SingleBar(
        { format: "sweep [{bar}] {value}/{total} runs", hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(jobs.length, 0);
  try {
    return await runPool(jobs, { ...(workers ? { workers } : {}), onDone: (d) => bar?.update(d) });
  } catch (e) {
    const err = e as Error & { input?: boolean };
    if (err.input) throw new InputError(err.message);
    throw err;
  } finally {
    bar?.stop();
  }
}

async function sweepRun(args: Record<string, unknown>, ctx: Context): Promise<number> {
  const { io } = ctx;
  const extra = ((args["parts"] as unknown[] | undefined) ?? []).map(String);
  if (extra.length > 0)
    throw new InputError(
      `sweep: unexpected argument${extra.length > 1 ? "s" : ""} ${extra.join(" ")} after the model (to join part files: sumac sweep merge PART…)`,
    );
  const sets = args["set"] === undefined ? [] : ([] as unknown[]).concat(args["set"]).map(String);
  const grid: SweepGrid = {
    model: String(args["model"]),
    dtype: (args["dtype"] as "int8" | "fp32" | undefined) ?? "int8",
    ...(args["weights"] ? { weights: args["weights"] as "random" | "file" } : {}),
    targets: parseTargets(args["hw"], io),
    axes: parseAxes(sets),
  };
  if (grid.axes.length === 0 && grid.targets.length < 2)
    throw new InputError("sweep: give at least one --set key=v1,v2,… or a --hw list of two or more machines");
  const shard = chosenShard(args);
  const workers = workerCount(args);
  const points = gridPoints(grid.targets, grid.axes);
  // Validate every point in this thread first: a bad key or value is one clear error before any work starts
  // (in every shard alike, whichever points it owns).
  for (const p of points) resolveHw({ ...p.target, sets: p.sets });
  const mine = shard === undefined ? points : shardIndices(points.length, shard).map((i) => points[i]!);
  const run = await evaluate(grid, mine, ctx, workers);
  const where = `on ${run.threadsUsed} worker thread(s)${run.inProcess ? " (in-process)" : ""}`;
  const part = optString(args, "part");
  const csv = optString(args, "csv");
  const html = optString(args, "html");
  if (shard !== undefined && part !== undefined) {
    const identity = gridIdentity(grid, points.length, modelDigest(grid.model, io.exists, io.readFile), sumacVersion());
    const id = gridId(identity);
    io.writeFile(
      part,
      partText({
        format: PART_FORMAT,
        version: PART_VERSION,
        grid: { ...identity, id },
        shard: { ...shard, partition: "round-robin" },
        points: mine.map((p, k) => ({
          index: p.index,
          dense: run.results[2 * k]!,
          structured: run.results[2 * k + 1]!,
        })),
      }),
    );
    const line = `shard ${shard.index}/${shard.count} of grid ${id}: ${mine.length} of ${points.length} points (${run.results.length} runs) ${where}; wrote ${part}\n`;
    if (csv !== "-") io.stdout(line);
    if (csv === undefined && html === undefined) return 0; // a slice of a larger grid always ends here
  }
  const outcome = { model: grid.model, dtype: grid.dtype, points, results: run.results };
  const headline = `${run.results.length} runs (${points.length} points × 2 lowerings) ${where}`;
  await writeSweepOutputs(
    outcome,
    { ...(csv !== undefined ? { csv } : {}), ...(html !== undefined ? { html } : {}) },
    io,
    headline,
  );
  return 0;
}
