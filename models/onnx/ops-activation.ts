// Relu → `relu`, Clip → `clip`, BatchNormalization → `bn` (which absorbs the input's pending scale),
// Sigmoid / HardSigmoid / HardSwish → `act`.
import { HARD_ALPHA, HARD_BETA } from "../../isa/activation.js";
import type { ActFn } from "../ir.js";
import type { Attrs } from "./attrs.js";
import { scalarOf } from "./constfold.js";
import type { ImportContext } from "./context.js";
import { requireUnitScale } from "./pending-scale.js";
import type { Value } from "./values.js";

export function opRelu(cx: ImportContext): Value {
  const x = cx.map(0);
  // relu(s·x) = s·relu(x) only for s > 0.
  if (x.scale <= 0) requireUnitScale(cx, x, `ReLU '${cx.nodeName()}'`);
  return cx.emitCarryingScale(
    { op: "relu", name: cx.nodeName(), inputs: [x.ir], output: cx.outName() },
    [...x.shape],
    true,
    x,
  );
}

export function opClip(cx: ImportContext, a: Attrs): Value {
  const x = cx.map(0);
  const lo = cx.optConst(1, "min");
  const hi = cx.optConst(2, "max");
  let min = lo ? (scalarOf(lo) ?? cx.fail("min must be a scalar")) : a.float("min", -Infinity);
  let max = hi ? (scalarOf(hi) ?? cx.fail("max must be a scalar")) : a.float("max", Infinity);
  if (x.scale <= 0) requireUnitScale(cx, x, `Clip '${cx.nodeName()}'`);
  // The node clips the unscaled map, so its bounds are divided by the pending scale.
  min /= x.scale;
  max /= x.scale;
  return cx.emitCarryingScale(
    { op: "clip", name: cx.nodeName(), inputs: [x.ir], output: cx.outName(), lo: min, hi: max },
    [...x.shape],
    min >= 0 || x.nonNeg,
    x,
  );
}

export function opBatchNormalization(cx: ImportContext, a: Attrs): Value {
  const x = cx.map(0);
  const C = x.shape[0]!;
  const eps = a.float("epsilon", 1e-5);
  const [g, b, m, v] = [1, 2, 3, 4].map((i) => cx.constIn(i, ["", "scale", "bias", "mean", "var"][i]!));
  let scale: Float32Array | null = null;
  let shift: Float32Array | null = null;
  if (g!.data && b!.data && m!.data && v!.data) {
    scale = new Float32Array(C);
    shift = new Float32Array(C);
    for (let c = 0; c < C; c++) {
      const s = g!.data[c]! / Math.sqrt(v!.data[c]! + eps);
      scale[c] = s * x.scale;
      shift[c] = b!.data[c]! - m!.data[c]! * s;
    }
  }
  return cx.emit(
    { op: "bn", name: cx.nodeName(), inputs: [x.ir], output: cx.outName(), channels: C, scale, shift },
    [...x.shape],
    false,
  );
}

/** Sigmoid, HardSigmoid, HardSwish → `act`. None commutes with a scale, so a pending one must be 1. */
function activation(cx: ImportContext, fn: ActFn, alpha = HARD_ALPHA, beta = HARD_BETA): Value {
  const x = cx.map(0);
  requireUnitScale(cx, x, `${cx.node.opType} '${cx.nodeName()}'`);
  // Outputs of sigmoid and hardsigmoid lie in [0, 1]; silu and hardswish go slightly negative.
  const nonNeg = fn === "sigmoid" || fn === "hardsigmoid";
  return cx.emit(
    { op: "act", name: cx.nodeName(), inputs: [x.ir], output: cx.outName(), fn, alpha, beta },
    [...x.shape],
    nonNeg,
  );
}

export function opSigmoid(cx: ImportContext): Value {
  return activation(cx, "sigmoid");
}

export function opHardSigmoid(cx: ImportContext, a: Attrs): Value {
  // ONNX's defaults (0.2, 0.5) are Keras's; PyTorch exports its Hardsigmoid with alpha = 1/6.
  return activation(cx, "hardsigmoid", a.float("alpha", 0.2), a.float("beta", 0.5));
}

export function opHardSwish(cx: ImportContext): Value {
  return activation(cx, "hardswish");
}
