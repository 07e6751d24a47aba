// `sumac sweep merge PART… [--csv F] [--html F]`: joins the part files of a sharded sweep into exactly what the
// unsharded sweep prints and writes (same CSV bytes, Pareto front and HTML), or refuses with the reason.
import type { Context } from "../command.js";
import { InputError } from "../../isa/errors.js";
import { sumacVersion } from "../version.js";
import { gridPoints } from "../sweep/grid.js";
import { readPart } from "../sweep/part.js";
import { mergeParts } from "../sweep/merge.js";
import { writeSweepOutputs } from "../sweep/output.js";

/** Flags that shape a sweep's grid or its evaluation: the part files already hold their effect. */
const RUN_FLAGS = ["hw", "set", "dtype", "weights", "workers", "shard", "shards", "part"] as const;

export async function sweepMerge(args: Record<string, unknown>, ctx: Context): Promise<number> {
  const { io } = ctx;
  for (const f of RUN_FLAGS)
    if (args[f] !== undefined)
      throw new InputError(
        `sweep merge: --${f} belongs to the sweep that wrote the parts; merge takes PART… --csv --html`,
      );
  const paths = ((args["parts"] as unknown[] | undefined) ?? []).map(String);
  const files = paths.map((path) => {
    let bytes: Uint8Array;
    try {
      bytes = io.readFile(path);
    } catch (e) {
      const why = e instanceof Error && "code" in e ? String((e as { code: unknown }).code) : "unreadable";
      throw new InputError(`${path}: cannot read the part file (${why})`);
    }
    return { path, part: readPart(path, new TextDecoder().decode(bytes)) };
  });
  const { grid, results } = mergeParts(files, sumacVersion());
  const points = gridPoints(grid.hw, grid.axes);
  const csv = typeof args["csv"] === "string" ? args["csv"] : undefined;
  const html = typeof args["html"] === "string" ? args["html"] : undefined;
  await writeSweepOutputs(
    { model: grid.model, dtype: grid.dtype, points, results },
    { ...(csv !== undefined ? { csv } : {}), ...(html !== undefined ? { html } : {}) },
    io,
    `${results.length} runs (${points.length} points × 2 lowerings) merged from ${files.length} part file(s) of grid ${grid.id}`,
  );
  return 0;
}
