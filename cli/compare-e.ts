// What `sumac compare` says about the sum-pool output E of the structured lowering: the policy (exact, or a lossy
// narrowing asked for with --e-bits), the widths and shifts it gave each structured layer, and — for a functional
// run — the structured output's error against the fp32 reference executor of the same structured network on the
// run's input, beside the error the exact policy would have (the int8 reference executor, bit-exact with the
// simulator, on an exact-E quantisation of the same network and calibration).

import type { LayerProgram } from "../compiler/layers.js";
import { runFront } from "../compiler/pipeline.js";
import { describeEPolicy, EXACT_E, type EPolicy } from "../compiler/passes/quantise.js";
import { runFp32 } from "../compiler/reference/fp32.js";
import { runInt8 } from "../compiler/reference/int8.js";
import { dequantize, quantizeInput } from "../compiler/reference/quant-io.js";
import type { CompileOptions } from "../compiler/compile.js";
import type { HwConfig } from "../isa/hw/types.js";
import type { Graph } from "../models/ir.js";

export interface OutputError {
  readonly cosine: number;
  readonly max_abs_error: number;
  /** max |error| / max |reference|. */
  readonly max_rel_error: number;
}

export interface EPolicyReport {
  readonly policy: "exact" | "narrow";
  readonly bits: number | null;
  readonly description: string;
  /** Structured layers by E width in bits. */
  readonly layers_by_bits: Record<string, number>;
  readonly shifted_layers: number;
  readonly shift_range: readonly [number, number] | null;
  /** Measured on the first image of the run's input; null for timing-only runs and fp32. */
  readonly error_vs_fp32: OutputError | null;
  /** The same measure with exact E (only for a lossy policy). */
  readonly exact_error_vs_fp32: OutputError | null;
}

export function outputError(got: ArrayLike<number>, want: ArrayLike<number>): OutputError {
  let ab = 0,
    aa = 0,
    bb = 0,
    maxErr = 0,
    maxRef = 0;
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!,
      b = want[i]!;
    ab += a * b;
    aa += a * a;
    bb += b * b;
    maxErr = Math.max(maxErr, Math.abs(a - b));
    maxRef = Math.max(maxRef, Math.abs(b));
  }
  const cosine = aa === 0 || bb === 0 ? (aa === bb ? 1 : 0) : ab / Math.sqrt(aa * bb);
  return { cosine, max_abs_error: maxErr, max_rel_error: maxRef > 0 ? maxErr / maxRef : 0 };
}

/** E widths and shifts of the structured layers of a quantised layer program. */
function eWidths(lp: LayerProgram): { byBits: Record<string, number>; shifts: number[] } {
  const byBits: Record<string, number> = {};
  const shifts: number[] = [];
  for (const l of lp.layers) {
    if ((l.kind !== "conv" && l.kind !== "fc") || !l.structured || !l.q?.eBits) continue;
    byBits[String(l.q.eBits)] = (byBits[String(l.q.eBits)] ?? 0) + 1;
    shifts.push(l.q.eShift ?? 0);
  }
  return { byBits, shifts };
}

/**
 * `structured` is the structured compile's quantised layer program; `image` the first input image and `output`
 * the simulated structured output for it (both absent for timing-only runs).
 */
export function ePolicyReport(
  graph: Graph,
  hw: HwConfig,
  opts: CompileOptions,
  policy: EPolicy,
  structured: LayerProgram,
  run?: { image: Float32Array; output: Float32Array },
): EPolicyReport {
  const { byBits, shifts } = eWidths(structured);
  const shifted = shifts.filter((s) => s > 0);
  let error: OutputError | null = null,
    exactError: OutputError | null = null;
  if (run && structured.dtype === "int8") {
    const front = { mode: "structured" as const, hw, tol: opts.tol, seed: opts.seed, struct: opts.struct };
    const fp32 = runFp32(runFront(graph, { ...front, dtype: "fp32" }), run.image);
    error = outputError(run.output.subarray(0, fp32.length), fp32);
    if (policy.kind !== "exact") {
      const exact = runFront(graph, { ...front, dtype: "int8", calibration: [run.image], ePolicy: EXACT_E });
      const q = runInt8(exact, quantizeInput(run.image, exact.scales.get(exact.input.name)!));
      exactError = outputError(dequantize(q, exact.scales.get(exact.output)!), fp32);
    }
  }
  return {
    policy: policy.kind,
    bits: policy.kind === "exact" ? null : policy.bits,
    description:
      structured.dtype === "fp32"
        ? "fp32 functional reference (E is a float, no integer width)"
        : describeEPolicy(policy),
    layers_by_bits: byBits,
    shifted_layers: shifted.length,
    shift_range: shifted.length > 0 ? [Math.min(...shifted), Math.max(...shifted)] : null,
    error_vs_fp32: error,
    exact_error_vs_fp32: exactError,
  };
}

const fmtErr = (e: OutputError) =>
  `cosine ${e.cosine.toFixed(6)}, max |error| ${e.max_abs_error.toPrecision(3)} (${(100 * e.max_rel_error).toFixed(2)} % of max |output|)`;

/** The E lines of compare's text output. */
export function ePolicyText(r: EPolicyReport, timingOnly: boolean): string {
  const widths = Object.entries(r.layers_by_bits)
    .map(([b, n]) => `${n} at ${b} bits`)
    .join(", ");
  const lines = [`E (sum-pool output): ${r.description}; structured layers: ${widths || "none"}`];
  if (r.shifted_layers > 0 && r.shift_range)
    lines.push(
      `  ${r.shifted_layers} layer(s) shift E right by ${r.shift_range[0] === r.shift_range[1] ? r.shift_range[0] : `${r.shift_range[0]}–${r.shift_range[1]}`} bit(s)`,
    );
  if (r.error_vs_fp32)
    lines.push(`  structured int8 output vs the fp32 structured network on this input: ${fmtErr(r.error_vs_fp32)}`);
  if (r.exact_error_vs_fp32)
    lines.push(`  with exact E instead:                              ${fmtErr(r.exact_error_vs_fp32)}`);
  else if (r.policy !== "exact" && timingOnly)
    lines.push("  output error not measured (timing only): run without --timing-only");
  return `${lines.join("\n")}\n`;
}
