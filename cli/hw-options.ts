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

/** Where a machine comes from: a built-in preset, or a JSON file already read. */
export type HwSource =
  | { readonly preset: string; readonly file?: undefined }
  | { readonly preset?: undefined; readonly file: { readonly path: string; readonly text: string } };

/** Reads one --hw value (a preset name or a JSON file) through io; errors name the flag and the file. */
export function readHwSource(spec: string, io: Io, flag = "--hw"): HwSource {
  if (PRESET_NAMES.includes(spec)) return { preset: spec };
  const looksLikeFile = /\.json$/i.test(spec) || /[/\\]/.test(spec) || io.exists(spec);
  if (!looksLikeFile)
    throw new InputError(
      `${flag} '${spec}': neither a preset${didYouMean(spec, PRESET_NAMES)} nor a .json file; presets: ${PRESET_NAMES.join(", ")}`,
    );
  let text: string;
  try {
    text = new TextDecoder().decode(io.readFile(spec));
  } catch (e) {
    const why = e instanceof Error && "code" in e ? String((e as { code: unknown }).code) : "unreadable";
    throw new InputError(`${spec}: cannot read the hardware config file (${why})`);
  }
  return { file: { path: spec, text } };
}

/** Resolves --hw/--set (and a positional preset name, lowest precedence) through io. */
export function resolveHwFromArgs(args: Record<string, unknown>, io: Io, positionalPreset?: string): HwConfig {
  const hw = args["hw"];
  const sets = asStrings(args["set"], "--set");
  if (hw !== undefined && typeof hw !== "string") throw new InputError("--hw expects a preset name or a JSON file");
  if (hw === undefined || hw === "")
    return resolveHw({ ...(positionalPreset ? { preset: positionalPreset } : {}), sets });
  const source = readHwSource(hw, io);
  if (source.preset !== undefined) return resolveHw({ preset: source.preset, sets });
  return resolveHw({ ...(positionalPreset ? { preset: positionalPreset } : {}), file: source.file, sets });
}
