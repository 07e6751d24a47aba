// Types that describe rows of the instruction table (isa/instructions.ts).

/** A bit field of an instruction word. Values are unsigned after `offset` is subtracted and divided by `scale`. */
export interface FieldSpec {
  readonly name: string;
  readonly bits: number;
  /** uint (default): a number; enum: an index into `values`; flag: 0/1; queues: a set of queue names (bit mask). */
  readonly kind?: "uint" | "enum" | "flag" | "queues";
  readonly values?: readonly string[];
  /** Encoded = (value - offset) / scale. A value that is not a multiple of `scale` is an error. */
  readonly offset?: number;
  readonly scale?: number;
  readonly doc: string;
}

/**
 * How a row is written in assembly, item by item:
 * - "<-": the arrow between destination and source;
 * - { mem, addr }: a memory operand `name[0x1234]`; `mem` is a buffer name, "dram", or the name of an enum field
 *   that selects the buffer; optionally prefixed by `key=` when `key` is given;
 * - { key, fields }: `key=v` for one field or `key=(v1,v2,…)` for several;
 * - { flag }: a bare word present when the flag field is 1.
 */
export type SyntaxItem =
  | "<-"
  | { readonly mem: string; readonly addr: string; readonly key?: string }
  | { readonly key: string; readonly fields: readonly string[] }
  | { readonly flag: string };

export interface InstrSpec {
  readonly mnemonic: string;
  readonly opcode: number;
  /** The queue that executes it; "queue" means the row's `q` field names it; "ctl" is the dispatcher itself. */
  readonly unit: "ld" | "st" | "pool" | "mac" | "vec" | "queue" | "ctl";
  readonly doc: string;
  /** One-line pseudo-code of what the instruction computes. */
  readonly semantics: string;
  readonly fields: readonly FieldSpec[];
  readonly syntax: readonly SyntaxItem[];
}

/**
 * A decoded instruction: the mnemonic and every field by name, plus wait/signal.
 * Numbers are the architectural values (after offset/scale), enums are their string values,
 * flags are 0/1, queue sets are arrays of queue names.
 */
export interface Instr {
  readonly op: string;
  readonly wait: readonly string[];
  readonly signal: readonly string[];
  readonly f: Readonly<Record<string, number | string>>;
}
