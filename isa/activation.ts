// The elementwise nonlinearities the vector unit applies (vop.act), as real functions. One definition, read by the
// ISA's fp32 semantics, the graph executor (models/execute.ts), the compiler's fp32 reference and the int8 lookup
// tables the quantise pass builds from them. ONNX Runtime is the independent check of these formulas
// (test/models/onnx-activations.test.ts).

export const ACT_FNS = ["sigmoid", "silu", "hardsigmoid", "hardswish"] as const;
export type ActivationFn = (typeof ACT_FNS)[number];

/** PyTorch's Hardsigmoid (and the gate inside Hardswish): relu6(x + 3) / 6 = clamp(x/6 + 1/2, 0, 1). */
export const HARD_ALPHA = 1 / 6;
export const HARD_BETA = 0.5;

function sigmoid(x: number): number {
  // Both branches avoid overflowing exp for large |x|.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function hardSigmoid(x: number, alpha: number, beta: number): number {
  const v = alpha * x + beta;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/**
 * fn(x) in doubles. alpha and beta are hardsigmoid's slope and offset (ONNX HardSigmoid); the other functions
 * ignore them (hardswish is x · hardsigmoid with PyTorch's 1/6, 1/2).
 */
export function activate(fn: ActivationFn, x: number, alpha = HARD_ALPHA, beta = HARD_BETA): number {
  switch (fn) {
    case "sigmoid":
      return sigmoid(x);
    case "silu":
      return x * sigmoid(x);
    case "hardsigmoid":
      return hardSigmoid(x, alpha, beta);
    case "hardswish":
      return x * hardSigmoid(x, HARD_ALPHA, HARD_BETA);
  }
}
