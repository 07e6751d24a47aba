// Add and Mul: folded on constants; map + map → `add`; a constant operand on a map → the pending-scale folding;
// map × map → `mul` (same shape, or a [C,1,1] gate broadcast over the channel: squeeze-and-excitation), except that
// x · Sigmoid(x) is SiLU and x · HardSigmoid(x) with PyTorch's 1/6, 1/2 is Hardswish (how torch exports them).
import { HARD_ALPHA, HARD_BETA } from "../../isa/activation.js";
import { broadcast, scalarOf } from "./constfold.js";
import type { ImportContext } from "./context.js";
import { EPS_SCALE, foldBias, foldFactor, requireUnitScale } from "./pending-scale.js";
import { elementCount } from "./tensors.js";
import type { ConstValue, DynValue, Value } from "./values.js";
import { sameDims } from "./values.js";

/** The feature-map operand and the constant one of a binary op that has exactly one constant input. */
function mapAndConst(cx: ImportContext) {
  const a = cx.need(0);
  const b = cx.need(1);
  return { x: cx.map(a.kind === "const" ? 1 : 0), c: (a.kind === "const" ? a : (b as ConstValue)).t };
}

export function opAdd(cx: ImportContext): Value {
  cx.needInputs(2);
  const consts = cx.allConst();
  if (consts) return cx.constant(broadcast(consts[0]!, consts[1]!, (p, q) => p + q));
  if (cx.need(0).kind !== "const" && cx.need(1).kind !== "const") {
    const x = cx.map(0);
    const y = cx.map(1);
    if (!sameDims(x.shape, y.shape))
      cx.fail(`adds maps of different shapes [${x.shape.join(",")}] and [${y.shape.join(",")}]`);
    // s·x + s·y = s·(x + y): a common scale rides on; different ones cannot.
    if (Math.abs(x.scale - y.scale) > EPS_SCALE * Math.abs(x.scale))
      requireUnitScale(cx, x.scale !== 1 ? x : y, `Add '${cx.nodeName()}'`);
    return cx.emitCarryingScale(
      { op: "add", name: cx.nodeName(), inputs: [x.ir, y.ir], output: cx.outName() },
      [...x.shape],
      x.nonNeg && y.nonNeg,
      x,
    );
  }
  const { x, c } = mapAndConst(cx);
  return foldBias(cx, x, c);
}

export function opMul(cx: ImportContext): Value {
  cx.needInputs(2);
  const consts = cx.allConst();
  if (consts) return cx.constant(broadcast(consts[0]!, consts[1]!, (p, q) => p * q));
  if (cx.need(0).kind !== "const" && cx.need(1).kind !== "const") return mulMaps(cx);
  const { x, c } = mapAndConst(cx);
  if (!c.data) cx.fail("its constant factor is in an external data file that is absent");
  return foldFactor(cx, x, c, scalarOf(c));
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/** x · gate(x) where gate is the sigmoid of x (SiLU) or PyTorch's hardsigmoid of x (Hardswish); else null. */
function fusedActivation(cx: ImportContext, x: DynValue, gate: DynValue): "silu" | "hardswish" | null {
  const p = cx.producerOf(gate.ir);
  if (p?.op !== "act" || p.inputs[0] !== x.ir || x.scale !== 1 || gate.scale !== 1) return null;
  if (p.fn === "sigmoid") return "silu";
  if (p.fn === "hardsigmoid" && close(p.alpha, HARD_ALPHA) && close(p.beta, HARD_BETA)) return "hardswish";
  return null;
}

function mulMaps(cx: ImportContext): Value {
  let x = cx.map(0);
  let y = cx.map(1);
  const irShape = (v: DynValue): readonly number[] => cx.shapes.get(v.ir) ?? v.shape;
  // The full-size operand first: IR `mul` broadcasts its second operand.
  if (elementCount(irShape(x)) < elementCount(irShape(y))) [x, y] = [y, x];
  const fused = fusedActivation(cx, x, y) ?? fusedActivation(cx, y, x);
  if (fused) {
    const src = fusedActivation(cx, x, y) ? x : y;
    return cx.emit(
      {
        op: "act",
        name: cx.nodeName(),
        inputs: [src.ir],
        output: cx.outName(),
        fn: fused,
        alpha: HARD_ALPHA,
        beta: HARD_BETA,
      },
      [...src.shape],
      false,
    );
  }
  const xs = irShape(x);
  const ys = irShape(y);
  const gate = ys.length === 3 && xs.length === 3 && ys[0] === xs[0] && ys[1] === 1 && ys[2] === 1;
  if (!sameDims(xs, ys) && !gate)
    cx.fail(
      `multiplies maps [${xs.join(",")}] and [${ys.join(",")}]: only equal shapes or a per-channel [C,1,1] gate are supported`,
    );
  // (s·x)(t·y) = s·t·(x·y): the product of the pending scales rides on.
  const out = cx.emit(
    { op: "mul", name: cx.nodeName(), inputs: [x.ir, y.ir], output: cx.outName() },
    [...x.shape],
    x.nonNeg && y.nonNeg,
  );
  const scale = x.scale * y.scale;
  return Math.abs(scale - 1) > EPS_SCALE
    ? { ...out, scale, scaleFrom: x.scale !== 1 ? x.scaleFrom : y.scaleFrom }
    : out;
}
