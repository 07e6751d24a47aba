// The design points of a sweep: the cross product of every `--set key=v1,v2,…` list.
import { InputError } from "../../isa/errors.js";

export interface Axis {
  readonly key: string;
  readonly values: readonly string[];
}

/** Parses `key=v1,v2,…` arguments into axes; a key given twice or without values is bad input. */
export function parseAxes(sets: readonly string[]): Axis[] {
  const axes: Axis[] = [];
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new InputError(`--set '${s}': expected key=v1,v2,…`);
    const key = s.slice(0, eq).trim();
    const values = s
      .slice(eq + 1)
      .split(",")
      .map((v) => v.trim());
    if (values.some((v) => v === "")) throw new InputError(`--set '${s}': empty value in the list`);
    if (axes.some((a) => a.key === key)) throw new InputError(`--set: key '${key}' is given twice`);
    axes.push({ key, values });
  }
  return axes;
}

/** Every combination, as lists of `key=value` settings, the first axis varying slowest. */
export function crossProduct(axes: readonly Axis[]): string[][] {
  let points: string[][] = [[]];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => [...p, `${a.key}=${v}`]));
  return points;
}
