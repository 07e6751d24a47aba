// Helpers of the back-end tests: compile small graphs and run a compiled program instruction by instruction in
// program order with the ISA's functional semantics (isa/semantics.ts). Program order is a valid execution order
// of a correct token program, so this checks tiling, addressing and layouts, independently of the simulator.
import { createState, execute } from "../../isa/semantics.js";
import { BUFFERS, type Buffer } from "../../isa/instructions.js";
import type { HwConfig } from "../../isa/hw/types.js";
import type { Program } from "../../isa/program.js";
import type { Node } from "../../models/ir.js";
import { build, conv, bn, relu } from "./front-graphs.js";

/** Runs `program` on `images` (each one input image, already quantised codes for int8). Returns the output per image. */
export function runInOrder(program: Program, hw: HwConfig, images: readonly ArrayLike<number>[]): Float64Array[] {
  const m = program.manifest;
  const sizes = {} as Record<Buffer, number>;
  for (const b of BUFFERS) sizes[b] = hw.sram[b].bytes;
  const s = createState(m.dtype, m.dramBytes, sizes, hw.pool.outBits / 8);
  for (const seg of program.image)
    for (let i = 0; i < seg.data.length; i++) s.dram[seg.addr + i * seg.esize] = seg.data[i]!;
  const inp = m.inputs[0]!;
  images.forEach((img, b) => {
    for (let i = 0; i < img.length; i++) s.dram[inp.addr + b * inp.batchStride + i] = img[i]!;
  });
  for (const ins of program.instructions) execute(s, ins);
  const out = m.outputs[0]!;
  const n = out.shape.reduce((a, b) => a * b, 1);
  return images.map((_, b) =>
    Float64Array.from(s.dram.subarray(out.addr + b * out.batchStride, out.addr + b * out.batchStride + n)),
  );
}

/**
 * A network with what tinyResNet lacks: a wide dense conv (input-channel chunks on small SRAMs), a dense
 * depthwise conv, a stride-2 1x1 conv, a non-square input and an fc with a long reduction.
 */
export function wideNet(seed = "wide"): ReturnType<typeof build> {
  const nodes: Node[] = [
    conv("c1", "x", 3, 40, 3, { stride: 1 }),
    bn("b1", "c1", 40),
    relu("r1", "b1"),
    conv("c2", "r1", 40, 48, 3, { dilation: 2, pad: 2 }),
    bn("b2", "c2", 48),
    relu("r2", "b2"),
    conv("dw", "r2", 48, 48, 3, { groups: 48, stride: 2 }),
    bn("b3", "dw", 48),
    { op: "clip", name: "r3", inputs: ["b3"], output: "r3", lo: 0, hi: 6 },
    conv("pw", "r3", 48, 40, 1, { pad: 0 }),
    bn("b4", "pw", 40),
    { op: "flatten", name: "flat", inputs: ["b4"], output: "flat" },
    { op: "fc", name: "fc", inputs: ["flat"], output: "fc", P: 12, Q: 40 * 5 * 4, weight: null, bias: null },
  ];
  return build("wide", [3, 10, 7], nodes, seed);
}
