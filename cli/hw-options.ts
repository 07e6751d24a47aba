// The [hw] options every command that targets a machine shares: --hw PRESET|FILE.json and repeatable --set.
import type { Argv } from "yargs";
import { InputError } from "../isa/errors.js";
import { PRESET_NAMES, resolveHw } from "../isa/hw/config.js";
import { didYouMean } from "../isa/hw/suggest.js";
import type { HwConfig } from "../isa/hw/types.js";
import type { Io } from "./io.js";

export function hwOptions(y: Argv): Argv {
  return y
    .option("hw", {
      type: "string",
      describe: `hardware: a preset (${PRESET_NAMES.join(", ")}) or a JSON file (which may name "preset" as its base)`,
    })
    .option("set", {
      // not `array: true`, which would swallow a positional after it; repeated --set flags still collect into an array
      type: "string",
      describe:
        "override one config key, e.g. --set mac.rows=32 or --set energy.mac.mult8=0.25 (repeatable; wins over --hw)",
    });
}

function asStrings(x: unknown, flag: string): string[] {
  if (x === undefined) return [];
  const list = Array.isArray(x) ? x : [x];
  return list.map((v) => {
    if (typeof v !== "string" && typeof v !== "number") throw new InputError(`${flag} expects key=value`);
    return String(v);
  });
}

/** Resolves --hw/--set (and a positional preset name, lowest precedence) through io. */
export function resolveHwFromArgs(args: Record<string, unknown>, io: Io, positionalPreset?: string): HwConfig {
  const hw = args["hw"];
  const sets = asStrings(args["set"], "--set");
  if (hw !== undefined && typeof hw !== "string") throw new InputError("--hw expects a preset name or a JSON file");
  if (hw === undefined || hw === "")
    return resolveHw({ ...(positionalPreset ? { preset: positionalPreset } : {}), sets });
  if (PRESET_NAMES.includes(hw)) return resolveHw({ preset: hw, sets });
  const looksLikeFile = /\.json$/i.test(hw) || /[/\\]/.test(hw) || io.exists(hw);
  if (!looksLikeFile)
    throw new InputError(
      `--hw '${hw}': neither a preset${didYouMean(hw, PRESET_NAMES)} nor a .json file; presets: ${PRESET_NAMES.join(", ")}`,
    );
  let text: string;
  try {
    text = new TextDecoder().decode(io.readFile(hw));
  } catch (e) {
    const why = e instanceof Error && "code" in e ? String((e as { code: unknown }).code) : "unreadable";
    throw new InputError(`${hw}: cannot read the hardware config file (${why})`);
  }
  return resolveHw({ ...(positionalPreset ? { preset: positionalPreset } : {}), file: { path: hw, text }, sets });
}
