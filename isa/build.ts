// A typed constructor for instructions, so the compiler gets field names and enum values checked by tsc.
// The types are derived from the instruction table; encode() still checks every value at run time.

import type { InstrRow, Mnemonic, Queue } from "./instructions.js";
import type { Instr } from "./types.js";

type RowOf<M extends Mnemonic> = Extract<InstrRow, { readonly mnemonic: M }>;
type FieldOf<M extends Mnemonic> = RowOf<M>["fields"][number];
type ValueOf<F> = F extends { readonly kind: "enum"; readonly values: readonly (infer V)[] }
  ? V
  : F extends { readonly kind: "flag" }
    ? 0 | 1
    : number;

/** The fields of instruction M by name, with enum fields typed as their value strings and flags as 0 | 1. */
export type FieldsOf<M extends Mnemonic> = { readonly [F in FieldOf<M> as F["name"]]: ValueOf<F> };

export interface Sync {
  readonly wait?: readonly Queue[];
  readonly signal?: readonly Queue[];
}

/** instr("conv", { dst: 0, sbuf: "pool", … }, { wait: ["pool"], signal: ["vec"] }) */
export function instr<M extends Mnemonic>(op: M, fields: FieldsOf<M>, sync: Sync = {}): Instr {
  return {
    op,
    wait: sync.wait ?? [],
    signal: sync.signal ?? [],
    f: fields as Readonly<Record<string, number | string>>,
  };
}
