// The machines of a sweep: `--hw edge` (one base machine) or `--hw lp28,iot22-0v5,my-chip.json` (a list of
// presets and JSON files, which becomes the slowest axis of the grid).
import { InputError } from "../../isa/errors.js";
import { DEFAULT_PRESET } from "../../isa/hw/config.js";
import { readHwSource } from "../hw-options.js";
import type { Io } from "../io.js";
import { splitList, type HwTarget } from "./grid.js";

export function parseTargets(hwArg: unknown, io: Io): HwTarget[] {
  if (hwArg === undefined) return [{ preset: DEFAULT_PRESET, label: DEFAULT_PRESET }];
  if (typeof hwArg !== "string")
    throw new InputError("--hw expects a preset, a JSON file, or a comma list of them (give --hw once)");
  const specs = splitList(hwArg);
  if (specs.some((s) => s === "")) throw new InputError(`--hw '${hwArg}': empty entry in the list`);
  const seen = new Set<string>();
  return specs.map((spec) => {
    if (seen.has(spec)) throw new InputError(`--hw '${hwArg}': '${spec}' is given twice`);
    seen.add(spec);
    return { ...readHwSource(spec, io), label: spec };
  });
}
