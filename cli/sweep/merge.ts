// `sumac sweep merge`: puts the parts of a sharded sweep back together. It refuses anything that would not
// give exactly the unsharded result: parts of different grids or sumac versions, a shard given twice, a
// missing shard.
import { InputError } from "../../isa/errors.js";
import type { PointResult } from "./evaluate.js";
import type { GridIdentity, Part } from "./part.js";

export interface PartFile {
  readonly path: string;
  readonly part: Part;
}

export interface Merged {
  readonly grid: GridIdentity & { readonly id: string };
  /** Results in grid order, dense then structured for each point: what the unsharded sweep computes. */
  readonly results: PointResult[];
}

const FIELDS: readonly (keyof GridIdentity)[] = [
  "sumac",
  "model",
  "modelSha256",
  "weights",
  "dtype",
  "hw",
  "axes",
  "points",
];

function show(field: keyof GridIdentity, g: GridIdentity): string {
  switch (field) {
    case "hw":
      return g.hw
        .map((h) => (h.preset !== undefined ? h.label : `${h.label} (sha256 ${h.sha256!.slice(0, 12)})`))
        .join(",");
    case "axes":
      return g.axes.length === 0 ? "(no --set lists)" : g.axes.map((a) => `${a.key}=${a.values.join(",")}`).join(" ");
    default:
      return JSON.stringify(g[field]);
  }
}

const shardName = (p: Part): string => `${p.shard.index}/${p.shard.count}`;

export function mergeParts(files: readonly PartFile[], sumac: string): Merged {
  if (files.length === 0) throw new InputError("sweep merge: give the part files (sumac sweep merge PART…)");
  const seenPath = new Set<string>();
  for (const f of files) {
    if (seenPath.has(f.path)) throw new InputError(`sweep merge: ${f.path} is given twice`);
    seenPath.add(f.path);
  }
  const first = files[0]!;
  for (const f of files.slice(1)) {
    if (f.part.grid.id === first.part.grid.id) continue;
    const field = FIELDS.find((k) => JSON.stringify(f.part.grid[k]) !== JSON.stringify(first.part.grid[k])) ?? "sumac";
    throw new InputError(
      `sweep merge: ${first.path} and ${f.path} are parts of different sweeps: ${field} differs (${show(field, first.part.grid)} vs ${show(field, f.part.grid)})`,
    );
  }
  const grid = first.part.grid;
  if (grid.sumac !== sumac)
    throw new InputError(
      `sweep merge: the parts were written by sumac ${grid.sumac} and this is sumac ${sumac}; merge with the version that ran the shards`,
    );
  const count = first.part.shard.count;
  const byIndex = new Map<number, string>();
  for (const f of files) {
    if (f.part.shard.count !== count)
      throw new InputError(
        `sweep merge: ${first.path} is shard ${shardName(first.part)} but ${f.path} is shard ${shardName(f.part)}: the parts of one sweep share N`,
      );
    const other = byIndex.get(f.part.shard.index);
    if (other !== undefined)
      throw new InputError(`sweep merge: ${other} and ${f.path} are both shard ${shardName(f.part)}`);
    byIndex.set(f.part.shard.index, f.path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new InputError(
      `sweep merge: missing shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} of grid ${grid.id} (given: ${files.map((f) => `${f.path} = ${shardName(f.part)}`).join(", ")})`,
    );
  const results = new Array<PointResult>(2 * grid.points);
  for (const f of files)
    for (const p of f.part.points) {
      results[2 * p.index] = p.dense;
      results[2 * p.index + 1] = p.structured;
    }
  return { grid, results };
}
