// Concat of feature maps along channels → `concat` (on the machine, placement of each input at its channel offset).
import type { ImportContext } from "./context.js";
import { EPS_SCALE, requireUnitScale } from "./pending-scale.js";
import type { DynValue, Value } from "./values.js";

export function concatMaps(cx: ImportContext, axis: number, count: number): Value {
  const maps: DynValue[] = [];
  for (let i = 0; i < count; i++) maps.push(cx.map(i));
  const irShapes = maps.map((m) => cx.shapes.get(m.ir) ?? m.shape);
  if (irShapes.some((s) => s.length !== 3)) cx.fail("only feature maps [N,C,H,W] can be concatenated");
  if ((axis < 0 ? axis + 4 : axis) !== 1)
    cx.fail(`concatenating feature maps along axis ${axis} is not supported (only channels, axis 1)`);
  const [, h, w] = irShapes[0]!;
  const odd = irShapes.find((s) => s[1] !== h || s[2] !== w);
  if (odd) cx.fail(`concatenates maps of different sizes [${irShapes[0]!.join(",")}] and [${odd.join(",")}]`);
  // One scale for every input rides on; different ones would need a rescale per input.
  const first = maps[0]!;
  for (const m of maps)
    if (Math.abs(m.scale - first.scale) > EPS_SCALE * Math.abs(first.scale))
      requireUnitScale(cx, m.scale !== 1 ? m : first, `Concat '${cx.nodeName()}'`);
  return cx.emitCarryingScale(
    { op: "concat", name: cx.nodeName(), inputs: maps.map((m) => m.ir), output: cx.outName() },
    [irShapes.reduce((a, s) => a + s[0]!, 0), h!, w!],
    maps.every((m) => m.nonNeg),
    first,
  );
}
