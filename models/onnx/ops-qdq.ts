// QDQ models: a QuantizeLinear/DequantizeLinear pair on a feature map is removed and its scale and zero point are
// recorded in graph.quant; on constants (quantised initializers) both are folded.
import type { Attrs } from "./attrs.js";
import { dequantize, quantize, quantRange, scalarOf } from "./constfold.js";
import type { ImportContext } from "./context.js";
import { requireUnitScale } from "./pending-scale.js";
import { DataType } from "./schema.js";
import type { ConstTensor } from "./tensors.js";
import type { QuantValue, Value } from "./values.js";

function qParams(cx: ImportContext, what: string): { scale: ConstTensor; zp: ConstTensor | undefined } {
  return { scale: cx.constIn(1, `${what} scale`), zp: cx.optConst(2, `${what} zero point`) };
}

export function opQuantizeLinear(cx: ImportContext, a: Attrs): Value {
  const { scale, zp } = qParams(cx, "quantisation");
  const v = cx.need(0);
  if (v.kind === "const") return cx.constant(quantize(v.t, scale, zp, a.int("axis", 1)));
  // A pending strided slice may pass through Q/DQ (the quantiser wraps every intermediate tensor).
  const x = cx.dynIn(0);
  requireUnitScale(cx, x, `QuantizeLinear '${cx.nodeName()}'`);
  const s = scalarOf(scale);
  const z = zp ? scalarOf(zp) : 0;
  if (s === undefined || z === undefined) cx.fail("per-channel quantisation of a feature map is not supported");
  const [lo, hi] = quantRange(zp?.dtype ?? DataType.UINT8);
  const q: QuantValue = { kind: "quant", of: x, scale: s, zeroPoint: z, lo, hi, node: cx.nodeName() };
  return q;
}

export function opDequantizeLinear(cx: ImportContext, a: Attrs): Value {
  const { scale, zp } = qParams(cx, "dequantisation");
  const v = cx.need(0);
  if (v.kind === "const") return cx.constant(dequantize(v.t, scale, zp, a.int("axis", 1)));
  if (v.kind !== "quant") cx.fail("dequantises a tensor that is not the output of a QuantizeLinear");
  const s = scalarOf(scale);
  const z = zp ? scalarOf(zp) : 0;
  if (s !== v.scale || z !== v.zeroPoint) cx.fail(`scale/zero point differ from those of QuantizeLinear '${v.node}'`);
  if (v.resolved) return v.resolved;
  let x = v.of;
  // ONNX Runtime's quantiser drops a ReLU when the quantised range starts at 0 (the Q clamps): put it back.
  if (v.zeroPoint === v.lo && !x.nonNeg) {
    x = cx.materialise(x);
    x = cx.emit({ op: "relu", name: `${v.node}/relu`, inputs: [x.ir], output: `${x.ir}/relu` }, [...x.shape], true);
  }
  if (!x.stride) cx.quant.set(x.ir, { scale: v.scale, zeroPoint: v.zeroPoint });
  v.resolved = x;
  return x;
}
