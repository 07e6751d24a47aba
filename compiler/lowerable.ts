// The boundary between the front half and the back half of the compiler: the back end (tile, allocate, schedule,
// lower) lowers the kinds of `Layer`; a program holding a vector-unit kind it does not lower yet (act, mul,
// concat, resize: issue 13, phase 2) is refused here with an InputError naming the first such layer.
import { InputError } from "../isa/errors.js";
import type { AnyLayer, FrontProgram, LayerProgram, VectorLayer } from "./layers.js";

const NOT_LOWERED: readonly VectorLayer["kind"][] = ["act", "mul", "concat", "resize"];

const DESCRIBE: Record<VectorLayer["kind"], string> = {
  act: "activation (sigmoid / SiLU / hardsigmoid / hardswish)",
  mul: "elementwise / channel-broadcast multiply",
  concat: "channel concatenation",
  resize: "resize (upsampling)",
};

function notLowered(l: AnyLayer): l is VectorLayer {
  return (NOT_LOWERED as readonly string[]).includes(l.kind);
}

/** The program as the back end takes it, or an InputError naming a layer of a kind it cannot lower yet. */
export function lowerable(lp: FrontProgram): LayerProgram {
  const bad = lp.layers.find(notLowered);
  if (bad)
    throw new InputError(
      `layer '${bad.name}' (${bad.kind}): the compiler back end does not lower ${DESCRIBE[bad.kind]} layers yet; ` +
        "count, inspect and the reference executors handle it",
    );
  return lp as LayerProgram;
}
