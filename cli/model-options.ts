// The options every command that compiles a model shares ([opts] of DESIGN §6), and turning them into a graph
// and compile options.
import type { Argv } from "yargs";
import { InputError } from "../isa/errors.js";
import type { Graph } from "../models/ir.js";
import { loadModel } from "../models/zoo.js";
import type { CompileOptions } from "../compiler/compile.js";
import type { StructSpec } from "../compiler/passes/structure.js";
import { EXACT_E, type EPolicy } from "../compiler/passes/quantise.js";
import type { Io } from "./io.js";

export function modelOptions(y: Argv): Argv {
  return y
    .option("mode", {
      choices: ["dense", "structured"] as const,
      default: "structured",
      describe: "lowering of structured layers",
    })
    .option("dtype", {
      choices: ["int8", "fp32"] as const,
      default: "int8",
      describe: "int8 (quantised, integer hardware) or fp32 (functional reference arithmetic)",
    })
    .option("struct", {
      type: "string",
      default: "auto",
      describe: "structure per layer: auto (model annotation, else detected) or a JSON file {layer: {c, n} | {R}}",
    })
    .option("tol", { type: "number", default: 1e-3, describe: "structural residual tolerance for detection" })
    .option("weights", {
      choices: ["random", "file"] as const,
      describe: "random: seeded random weights where the model has none (zoo models, ONNX without its data file)",
    })
    .option("batch", { type: "number", default: 1, describe: "images per run" })
    .option("seed", { type: "string", default: "sumac", describe: "seed for random weights and synthetic inputs" })
    .option("e-bits", {
      type: "string",
      choices: ["exact", "8", "16"] as const,
      default: "exact",
      describe:
        "width of a structured layer's sum-pool output E at the MACs: exact (every bit, 8/16/32 as the window needs) or a lossy narrowing to 8 or 16 bits by a calibrated right shift",
    })
    .option("residency", {
      type: "boolean",
      default: true,
      describe: "keep activations in the act SRAM between layers where they fit (--no-residency: every one via DRAM)",
    });
}

/** A string flag's value, or the default when absent. */
export function strArg(args: Record<string, unknown>, key: string, def: string): string {
  const v = args[key];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : def;
}

const readerFor =
  (io: Io) =>
  (p: string): Uint8Array => {
    try {
      return io.readFile(p);
    } catch {
      throw new InputError(`${p}: no such file`);
    }
  };

/**
 * Loads the model named by the positional argument. A --timing-only run needs shapes, not values: zoo and .net
 * models, which carry no weights, then load without generating any (the compiler uses zero placeholders).
 */
export function loadGraphFromArgs(args: Record<string, unknown>, io: Io): Graph {
  const spec = strArg(args, "model", "");
  if (!spec) throw new InputError("name a model: a zoo name (sumac models), a .net file or an .onnx file");
  const onnx = /\.onnx$/i.test(spec);
  const weights =
    args["timing-only"] && !onnx
      ? "none"
      : ((args["weights"] as "random" | "file" | undefined) ?? (onnx ? "file" : "random"));
  return loadModel(spec, { readFile: readerFor(io), weights, seed: strArg(args, "seed", "sumac") });
}

function readStructFile(path: string, io: Io): StructSpec {
  let text: string;
  try {
    text = new TextDecoder().decode(io.readFile(path));
  } catch {
    throw new InputError(`${path}: no such file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new InputError(`${path}: expected an object {layer: {c, n} | {R}}`);
  return raw as StructSpec;
}

/** The E policy of --e-bits: exact (default) or a calibrated narrowing to 8 or 16 bits. */
export function ePolicyFromArgs(args: Record<string, unknown>): EPolicy {
  const raw = args["e-bits"] ?? "exact";
  const v = typeof raw === "string" || typeof raw === "number" ? String(raw) : "?";
  if (v === "exact") return EXACT_E;
  if (v === "8" || v === "16") return { kind: "narrow", bits: Number(v) as 8 | 16, range: "calibrated" };
  throw new InputError(`--e-bits ${v}: expected exact, 8 or 16`);
}

/** Compile options from the shared flags; `mode` may be forced (compare compiles both). */
export function compileOptionsFromArgs(
  args: Record<string, unknown>,
  io: Io,
  mode?: "dense" | "structured",
): CompileOptions {
  const struct = strArg(args, "struct", "auto");
  const tol = Number(args["tol"] ?? 1e-3);
  if (!(tol > 0 && tol < 1)) throw new InputError(`--tol ${String(args["tol"])}: expected a number between 0 and 1`);
  return {
    mode: mode ?? (args["mode"] as "dense" | "structured" | undefined) ?? "structured",
    dtype: (args["dtype"] as "int8" | "fp32" | undefined) ?? "int8",
    tol,
    batch: Number(args["batch"] ?? 1),
    seed: strArg(args, "seed", "sumac"),
    residency: args["residency"] !== false,
    ePolicy: ePolicyFromArgs(args),
    ...(struct === "auto" ? { struct: "auto" } : { struct: readStructFile(struct, io), structSource: struct }),
  };
}
