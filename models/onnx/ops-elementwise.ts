// Add and Mul: folded on constants; map + map → `add`; a constant operand on a map → the pending-scale folding.
import { broadcast, scalarOf } from "./constfold.js";
import type { ImportContext } from "./context.js";
import { EPS_SCALE, foldBias, foldFactor, requireUnitScale } from "./pending-scale.js";
import type { ConstValue, Value } from "./values.js";
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
  if (cx.need(0).kind !== "const" && cx.need(1).kind !== "const")
    cx.fail("multiplying two feature maps is not supported");
  const { x, c } = mapAndConst(cx);
  if (!c.data) cx.fail("its constant factor is in an external data file that is absent");
  return foldFactor(cx, x, c, scalarOf(c));
}
