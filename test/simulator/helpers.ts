// Hand-built programs and machines for the simulator tests (no compiler needed).
import { resolveHw } from "../../isa/hw/config.js";
import type { HwConfig } from "../../isa/hw/types.js";
import type { LayerInfo, Program, Segment } from "../../isa/program.js";
import type { Instr } from "../../isa/types.js";

export function hwOf(preset = "tiny", sets: readonly string[] = []): HwConfig {
  return resolveHw({ preset, sets });
}

export function layer(name: string, begin: number, end: number, kind = "conv"): LayerInfo {
  return {
    name,
    kind,
    begin,
    end,
    c: null,
    n: null,
    R: null,
    residual: null,
    paper: { macs: 0, adds: 0, mults: 0, params: 0 },
  };
}

export function program(
  hw: HwConfig,
  instructions: readonly Instr[],
  opts: {
    image?: Segment[];
    layers?: LayerInfo[];
    dtype?: "int8" | "fp32";
    dramBytes?: number;
    inputs?: Program["manifest"]["inputs"];
    outputs?: Program["manifest"]["outputs"];
  } = {},
): Program {
  return {
    instructions,
    image: opts.image ?? [],
    manifest: {
      format: "sumac-program-1",
      model: "hand",
      mode: "dense",
      dtype: opts.dtype ?? "int8",
      batch: 1,
      hw: { id: hw.id, hash: hw.hash },
      dramBytes: opts.dramBytes ?? 1 << 16,
      inputs: opts.inputs ?? [],
      outputs: opts.outputs ?? [],
      layers: opts.layers ?? [layer("all", 0, instructions.length)],
      tensors: [],
    },
  };
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randInt = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
