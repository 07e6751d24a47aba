// Text forms of the back half's intermediate results, for --dump-after.

import { disassemble } from "../isa/disasm.js";
import type { Instr } from "../isa/types.js";
import type { LayerPlan } from "./passes/tile.js";

export function printPlans(plans: readonly LayerPlan[]): string {
  const lines = plans.map((p) => {
    const slots = p.slots.map((s) => `${s.role}:${s.buf} ${s.count}x${s.bytes}`).join(", ");
    switch (p.kind) {
      case "conv":
        return `${p.layer.name} conv${p.structured ? " structured" : ""}${p.depthwise ? " depthwise" : ""}: rows ${p.rows}, cols ${p.cols}, cout ${p.cout}, cin ${p.cin}, weights ${p.wgtResident ? "resident" : "per tile"}, params ${p.parResident ? "resident" : "per tile"} [${slots}]`;
      case "fc":
        return `${p.layer.name} fc${p.structured ? " structured" : ""}: out ${p.cout}, k ${p.k}, weights ${p.wgtResident ? "resident" : "per tile"} [${slots}]`;
      case "pool":
        return `${p.layer.name} ${p.layer.kind}: channels ${p.channels} [${slots}]`;
      case "add":
        return `${p.layer.name} add: rows ${p.rows}, channels ${p.channels}, bs ${p.bs} [${slots}]`;
    }
  });
  return `${lines.join("\n")}\n`;
}

/** Disassembly of operations before tokens are attached (schedule) or of a finished program. */
export function disassembleOps(ops: readonly { readonly instr: Instr }[]): string {
  return disassemble(ops.map((o) => o.instr));
}
