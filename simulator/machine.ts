// The machine's memories for a program: DRAM with the program's data image, the five SRAM buffers sized by the
// hardware config, and the model input/output moved between real values and DRAM codes.

import { BUFFERS, type Buffer } from "../isa/instructions.js";
import type { HwConfig } from "../isa/hw/types.js";
import type { Program, TensorPlacement } from "../isa/program.js";
import { createState, type MachineState } from "../isa/semantics.js";
import { InputError } from "../isa/errors.js";

export function createMachine(program: Program, hw: HwConfig): MachineState {
  const sizes = {} as Record<Buffer, number>;
  for (const b of BUFFERS) sizes[b] = hw.sram[b].bytes;
  let dramBytes = program.manifest.dramBytes;
  for (const s of program.image) dramBytes = Math.max(dramBytes, s.addr + s.data.length * s.esize);
  const st = createState(program.manifest.dtype, dramBytes, sizes, hw.pool.outBits / 8);
  for (const seg of program.image) {
    const { addr, esize, data } = seg;
    // One element per byte address: byte-sized segments (weights, most of the image) are one typed-array copy.
    if (esize === 1) st.dram.set(data, addr);
    else for (let i = 0; i < data.length; i++) st.dram[addr + i * esize] = data[i]!;
  }
  return st;
}

/** Elements of one image of a placement. */
export function imageElements(t: TensorPlacement): number {
  return t.shape.reduce((a, b) => a * b, 1);
}

/**
 * int8 input quantisation, identical to the compiler's (compiler/intmath.ts quantizeValue): round to nearest with
 * ties away from zero, then saturate to the symmetric range -127..127.
 */
export function quantizeInput(x: number, scale: number): number {
  const v = x / scale;
  const r = v < 0 ? -Math.round(-v) : Math.round(v);
  return r < -127 ? -127 : r > 127 ? 127 : r;
}

/** Writes a real-valued, batch-first input into DRAM (quantised in int8 programs). */
export function writeInput(st: MachineState, t: TensorPlacement, batch: number, x: Float32Array): void {
  const per = imageElements(t);
  if (x.length !== per * batch)
    throw new InputError(
      `input has ${x.length} values; the program expects ${batch} x [${t.shape.join(", ")}] = ${per * batch}`,
    );
  const isInt = st.dtype === "int8";
  for (let b = 0; b < batch; b++)
    for (let k = 0; k < per; k++) {
      const v = x[b * per + k]!;
      st.dram[t.addr + b * t.batchStride + k * t.esize] = isInt ? quantizeInput(v, t.scale) : v;
    }
}

/** Reads a batch-first output from DRAM as real values (dequantised in int8 programs). */
export function readOutput(
  st: MachineState,
  t: TensorPlacement,
  batch: number,
): { real: Float32Array; codes: Int32Array | null } {
  const per = imageElements(t);
  const real = new Float32Array(per * batch);
  const codes = st.dtype === "int8" ? new Int32Array(per * batch) : null;
  for (let b = 0; b < batch; b++)
    for (let k = 0; k < per; k++) {
      const v = st.dram[t.addr + b * t.batchStride + k * t.esize]!;
      if (codes) codes[b * per + k] = v;
      real[b * per + k] = st.dtype === "int8" ? v * t.scale : v;
    }
  return { real, codes };
}
