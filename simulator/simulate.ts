// simulate(program, hw, opts): static analysis (work and durations from the fields), the timing engine, then the
// functional run (unless timingOnly) in the order the instructions started, then counters and energy.

import { InputError } from "../isa/errors.js";
import type { HwConfig } from "../isa/hw/types.js";
import type { Program } from "../isa/program.js";
import { execute, type MachineState } from "../isa/semantics.js";
import { collectCounters, type Counters } from "./counters.js";
import { runEventEngine } from "./engine-event.js";
import { runSteppedEngine } from "./engine-stepped.js";
import { energy, stageEnergy, type EnergyBreakdown, type StageBreakdown } from "./energy.js";
import { SimulationError } from "./errors.js";
import { createMachine, readOutput, writeInput } from "./machine.js";
import type { EngineName, Schedule } from "./schedule.js";
import { analyse, type StaticAnalysis } from "./work.js";
import { placeWeights, type WeightPlacement } from "./weight-store.js";

export interface SimOptions {
  readonly engine?: EngineName;
  readonly timingOnly?: boolean;
  /** Real-valued model input, batch first; without it the input tensor in DRAM stays as the image left it (zeros). */
  readonly input?: Float32Array;
  readonly maxCycles?: number;
  /** Keep per-instruction times for a trace (they are always kept; the flag is accepted for API symmetry). */
  readonly trace?: boolean;
  /** Called during the functional run with (done, total) instructions. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface LayerEnergy {
  readonly name: string;
  readonly energy: EnergyBreakdown;
}

export interface SimResult {
  readonly program: Program;
  readonly hw: HwConfig;
  readonly analysis: StaticAnalysis;
  readonly schedule: Schedule;
  readonly counters: Counters;
  readonly energy: EnergyBreakdown;
  /** The same energy charged to the stage (unit) whose instructions caused it. */
  readonly stageEnergy: StageBreakdown;
  /** False for fp32 programs: every energy figure is NaN (simulator/energy.ts FP32_ENERGY_NOTE). */
  readonly priced: boolean;
  readonly weights: WeightPlacement;
  readonly layerEnergy: readonly LayerEnergy[];
  /** Real-valued output (dequantised), batch first; null with timingOnly. */
  readonly output: Float32Array | null;
  /** int8 programs: the raw output codes. */
  readonly outputCodes: Int32Array | null;
  readonly timingOnly: boolean;
  /** Wall-clock milliseconds of the timing engine and the functional run. */
  readonly wallMs: { readonly timing: number; readonly functional: number };
}

export const DEFAULT_MAX_CYCLES = 1e12;

export function simulate(program: Program, hw: HwConfig, opts: SimOptions = {}): SimResult {
  const m = program.manifest;
  if (m.hw.hash !== hw.hash)
    throw new InputError(
      `program was compiled for hardware ${m.hw.id} (hash ${m.hw.hash}) but the simulator is configured as ${hw.id} (hash ${hw.hash})`,
    );
  if (m.weightsMissing && !opts.timingOnly)
    throw new InputError(
      `${m.weightsMissing}; use --weights random to run with seeded random weights, or --timing-only`,
    );
  const maxCycles = opts.maxCycles ?? DEFAULT_MAX_CYCLES;
  const t0 = performance.now();
  const weights = placeWeights(program, hw);
  const analysis = analyse(program.instructions, hw, { onChipParams: weights.ranges });
  const run = opts.engine === "stepped" ? runSteppedEngine : runEventEngine;
  const schedule = run(program.instructions, analysis, hw.issueCycles, maxCycles);
  const t1 = performance.now();
  let output: Float32Array | null = null,
    outputCodes: Int32Array | null = null;
  if (!opts.timingOnly) {
    const st = createMachine(program, hw);
    const input = m.inputs[0];
    if (opts.input && input) writeInput(st, input, m.batch, opts.input);
    runFunctional(program, st, schedule, opts.onProgress);
    const out = m.outputs[0];
    if (out) ({ real: output, codes: outputCodes } = readOutput(st, out, m.batch));
  }
  const t2 = performance.now();
  const counters = collectCounters(analysis, schedule, m.layers, hw);
  const priced = m.dtype === "int8";
  const e = energy(counters.work, schedule.cycles, hw, priced);
  const layerEnergy = counters.layers.map((l) => ({ name: l.info.name, energy: energy(l.work, l.cycles, hw, priced) }));
  return {
    program,
    hw,
    analysis,
    schedule,
    counters,
    energy: e,
    stageEnergy: stageEnergy(counters.byQueue, schedule.cycles, hw, priced),
    priced,
    weights,
    layerEnergy,
    output,
    outputCodes,
    timingOnly: Boolean(opts.timingOnly),
    wallMs: { timing: t1 - t0, functional: t2 - t1 },
  };
}

/** Executes every instruction in the order it started (ties: program order): a valid order when tokens are right. */
export function runFunctional(
  program: Program,
  st: MachineState,
  s: Schedule,
  onProgress?: (done: number, total: number) => void,
): void {
  const n = program.instructions.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => s.start[x]! - s.start[y]! || x - y);
  const every = Math.max(1, Math.floor(n / 100));
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const ins = program.instructions[i]!;
    try {
      execute(st, ins);
    } catch (e) {
      throw SimulationError.at(i, ins, e);
    }
    if (onProgress && k % every === 0) onProgress(k, n);
  }
  onProgress?.(n, n);
}
