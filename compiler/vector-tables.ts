// The par-buffer tables of the vector-unit layers, in the layouts of their instructions (isa/instructions.ts:
// vop.act, vop.mul, vop.resize; a concat has none, it is placement). For the back end's DRAM image (issue 13,
// phase 2) and for the tests that run these instructions on a layer's data.
//   vop.act     int8: the 256 output codes of the layer's table, indexed by input code + 128
//               fp32: lo, hi (the fused clamp), alpha, beta (hardsigmoid's)
//   vop.mul     int8: lo, hi, mult, shift; fp32: lo, hi, 1, 0
//   vop.resize  int8: lo, hi, mult, shift; fp32: lo, hi, 1, 0
import type { VectorLayer } from "./layers.js";

export function vectorParTable(l: VectorLayer, dtype: "int8" | "fp32"): number[] {
  const int8 = dtype === "int8";
  const missing = (): never => {
    throw new Error(`layer '${l.name}' has no quantisation parameters in an int8 program`);
  };
  switch (l.kind) {
    case "act":
      if (!int8) return [l.clamp.lo, l.clamp.hi, l.alpha, l.beta];
      return Array.from(l.q?.lut ?? missing());
    case "mul":
    case "resize": {
      if (!int8) return [l.clamp.lo, l.clamp.hi, 1, 0];
      const q = l.q ?? missing();
      return [q.lo, q.hi, q.mult, q.shift];
    }
    case "concat":
      return [];
  }
}
