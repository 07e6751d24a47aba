// Seeded random instructions for property tests (mulberry32: small, fast, reproducible).
import type { FieldSpec, Instr, InstrSpec } from "../../isa/types.js";
import { QUEUES } from "../../isa/instructions.js";

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random in-range architectural value; extremes (first/last code) come up often on purpose. */
export function randomValue(f: FieldSpec, rnd: () => number): number | string {
  const kind = f.kind ?? "uint";
  if (kind === "enum") return f.values![Math.floor(rnd() * f.values!.length)]!;
  if (kind === "flag") return rnd() < 0.5 ? 0 : 1;
  const max = 2 ** f.bits - 1;
  const r = rnd();
  const code = r < 0.1 ? 0 : r < 0.2 ? max : Math.floor(rnd() * (max + 1));
  return (f.offset ?? 0) + (f.scale ?? 1) * code;
}

export function randomQueues(rnd: () => number): string[] {
  return QUEUES.filter(() => rnd() < 0.4);
}

export function randomInstr(row: InstrSpec, rnd: () => number): Instr {
  const f: Record<string, number | string> = {};
  for (const field of row.fields) f[field.name] = randomValue(field, rnd);
  return { op: row.mnemonic, wait: randomQueues(rnd), signal: randomQueues(rnd), f };
}
