// Work an instruction asks of its unit, from its fields: for the compiler's summary and tests only.
// (The simulator counts what its units did from the same fields on its own, in simulator/.)

import type { Instr } from "../isa/types.js";

const n = (i: Instr, k: string): number => Number(i.f[k]);
const out = (len: number, k: number, s: number, d: number) => Math.floor((len - d * (k - 1) - 1) / s) + 1;

/** Multiply-accumulates of a conv or gemm instruction (0 for anything else). */
export function macsOf(i: Instr): number {
  if (i.op === "gemm") return n(i, "m") * n(i, "k") * n(i, "n");
  if (i.op !== "conv") return 0;
  const ho = out(n(i, "h"), n(i, "kh"), n(i, "stride"), n(i, "dil"));
  const wo = out(n(i, "w"), n(i, "kw"), n(i, "stride"), n(i, "dil"));
  const cin = n(i, "dw") === 1 ? 1 : n(i, "c");
  return n(i, "cout") * ho * wo * cin * n(i, "kh") * n(i, "kw");
}

/** Window sums a pool instruction produces and the additions of a direct (adder-tree) evaluation. */
export function poolWorkOf(i: Instr): { outputs: number; directAdds: number } {
  if (i.op !== "pool") return { outputs: 0, directAdds: 0 };
  const [kc, kh, kw, dil] = [n(i, "kc"), n(i, "kh"), n(i, "kw"), n(i, "dil")];
  const outputs = (n(i, "c") - kc + 1) * (n(i, "h") - dil * (kh - 1)) * (n(i, "w") - dil * (kw - 1));
  return { outputs, directAdds: outputs * (kc * kh * kw - 1) };
}
