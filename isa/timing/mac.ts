// Timing of the MAC array: the standard systolic-array model (SCALE-Sim, Samajdar et al. 2018, Table/Eq. for
// one fold: weight/operand fill over R rows, skew across R + C, stream of T operands, drain):
//   cycles per fold = 2R + C + T - 2,   total = folds x cycles per fold.
// Per dataflow, which GEMM dimension sits on the rows (Sr), the columns (Sc) and the streamed axis (T):
//   ws (weight-stationary):  Sr = K (cin_per_group*kh*kw), Sc = Cout,   T = output pixels
//   os (output-stationary):  Sr = output pixels,            Sc = Cout,   T = K
//   is (input-stationary):   Sr = K,                        Sc = pixels, T = Cout
//   folds = ceil(Sr'/R) * ceil(Sc'/C).
// Depthwise (each output channel reads only its own input channel): the array holds a block-diagonal weight
// matrix. ws: g = min(floor(R/kk), C) channels per fold, channel j's kk taps on rows j*kk.., its column j;
// rows carry different inputs anyway, so the streams do not collide. os: the g = min(C, ch) columns of a fold
// each see a stream of g*kk inputs in which only their own channel's block is non-zero. is: rows hold g
// channels' taps, the g filters of those channels stream through. A kernel taller than R folds per channel.
// Operand passes (lead decision, issue 11): a source element wider than the multipliers' activation input
// (mac.actBits) is fed as ceil(elementBits / actBits) slices, each a whole pass over the array with the same
// weights (partial products shifted and added in the accumulator):
//   cycles = passes x (the cycles above).

import type { HwConfig } from "../hw/types.js";

export interface GemmShape {
  /** Output pixels (conv) or rows m (gemm). */
  readonly T: number;
  /** Reduction length per output: cin_per_group * kh * kw, or k. */
  readonly K: number;
  /** Output channels / features. */
  readonly N: number;
  /** Depthwise: N channels, each with K taps of its own input. */
  readonly dw: boolean;
  /** Bits of one source element (8 for int8 activations; 16 or 32 for a wide sum-pool output E). Default: actBits. */
  readonly elementBits?: number;
}

export interface MacMapping {
  readonly folds: number;
  /** Folds along the reduction axis (partial sums that meet in the accumulator SRAM). */
  readonly reductionFolds: number;
  readonly cyclesPerFold: number;
  /** Passes over the array per fold: ceil(elementBits / actBits). */
  readonly passes: number;
  readonly cycles: number;
}

const cdiv = (a: number, b: number): number => Math.ceil(a / b);

/** Passes over the array for source elements of `elementBits` bits on multipliers taking `actBits`-bit inputs. */
export const operandPasses = (elementBits: number, actBits: number): number => Math.max(1, cdiv(elementBits, actBits));

export function macMapping(s: GemmShape, hw: Pick<HwConfig, "mac">): MacMapping {
  const { rows: R, cols: C, dataflow } = hw.mac;
  const { T, K, N } = s;
  let folds: number, reductionFolds: number, stream: number;
  if (T <= 0 || K <= 0 || N <= 0) return { folds: 0, reductionFolds: 0, cyclesPerFold: 0, passes: 1, cycles: 0 };
  if (!s.dw) {
    if (dataflow === "ws") [folds, reductionFolds, stream] = [cdiv(K, R) * cdiv(N, C), cdiv(K, R), T];
    else if (dataflow === "os") [folds, reductionFolds, stream] = [cdiv(T, R) * cdiv(N, C), 1, K];
    else [folds, reductionFolds, stream] = [cdiv(K, R) * cdiv(T, C), cdiv(K, R), N];
  } else {
    const g = K <= R ? Math.min(Math.floor(R / K), N) : 1;
    const perChan = cdiv(K, R);
    if (dataflow === "ws") [folds, reductionFolds, stream] = [cdiv(N, Math.min(g, C)) * perChan, perChan, T];
    else if (dataflow === "os") [folds, reductionFolds, stream] = [cdiv(T, R) * cdiv(N, C), 1, Math.min(C, N) * K];
    else [folds, reductionFolds, stream] = [cdiv(N, g) * perChan * cdiv(T, C), perChan, g];
  }
  const cyclesPerFold = 2 * R + C + stream - 2;
  const passes = operandPasses(s.elementBits ?? hw.mac.actBits, hw.mac.actBits);
  return { folds, reductionFolds, cyclesPerFold, passes, cycles: passes * folds * cyclesPerFold };
}
