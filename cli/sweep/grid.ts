// The design points of a sweep: the machines of the --hw list (slowest) crossed with every `--set key=v1,v2,…`
// list, in a fixed order that shards, part files and the merged result all share.
import { InputError } from "../../isa/errors.js";
import type { HwSource } from "../hw-options.js";

export interface Axis {
  readonly key: string;
  readonly values: readonly string[];
}

/** One machine of the --hw list: a preset or a JSON file, and the label the CSV and charts show for it. */
export type HwTarget = HwSource & { readonly label: string };

/** Everything that decides the points of a sweep and their results (the workers' count does not). */
export interface SweepGrid {
  readonly model: string;
  readonly weights?: "random" | "file";
  readonly dtype: "int8" | "fp32";
  /** At least one; with two or more the machine is an axis of the grid. */
  readonly targets: readonly HwTarget[];
  readonly axes: readonly Axis[];
}

export interface GridPoint<T extends { readonly label: string } = HwTarget> {
  /** Position in the full grid, 0-based: the machine varies slowest, then the --set axes in the order given. */
  readonly index: number;
  readonly target: T;
  /** The `key=value` overrides of this point. */
  readonly sets: readonly string[];
  /** The point's coordinates as the CSV's `settings` column shows them (`hw=…` only when the machine varies). */
  readonly label: string;
}

/** Parses `key=v1,v2,…` arguments into axes; a key given twice or without values is bad input. */
export function parseAxes(sets: readonly string[]): Axis[] {
  const axes: Axis[] = [];
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new InputError(`--set '${s}': expected key=v1,v2,…`);
    const key = s.slice(0, eq).trim();
    const values = splitList(s.slice(eq + 1));
    if (values.some((v) => v === "")) throw new InputError(`--set '${s}': empty value in the list`);
    if (axes.some((a) => a.key === key)) throw new InputError(`--set: key '${key}' is given twice`);
    axes.push({ key, values });
  }
  return axes;
}

/** Splits a comma list, trimming each entry (empty entries are kept for the caller to reject). */
export function splitList(text: string): string[] {
  return text.split(",").map((v) => v.trim());
}

/** Every combination, as lists of `key=value` settings, the first axis varying slowest. */
export function crossProduct(axes: readonly Axis[]): string[][] {
  let points: string[][] = [[]];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => [...p, `${a.key}=${v}`]));
  return points;
}

/** The grid's points in grid order (the machines may be given by their labels alone, as a part file holds them). */
export function gridPoints<T extends { readonly label: string }>(
  targets: readonly T[],
  axes: readonly Axis[],
): GridPoint<T>[] {
  const settings = crossProduct(axes);
  const hwVaries = targets.length > 1;
  return targets.flatMap((target, t) =>
    settings.map((sets, s) => ({
      index: t * settings.length + s,
      target,
      sets,
      label: [...(hwVaries ? [`hw=${target.label}`] : []), ...sets].join(" "),
    })),
  );
}
