// The hardware-configuration schema, defined once as data. Validation, defaults, the JSON Schema
// (docs/hw-config.schema.json) and the markdown reference (docs/hw-config.md) are all derived from it.
// Defaults are the values of the default preset (isa/configs/edge.json), so every default number has
// exactly one home and carries its source there.

import edge from "../configs/edge.json" with { type: "json" };
import { ACTION_COUNTER_NAMES, LEAKING_UNITS, priceUnit } from "../counters.js";
import { BUFFERS } from "../instructions.js";
import { NODE_NMS } from "./tech/nodes.js";

export type Scalar = number | boolean | string;

interface LeafBase {
  readonly unit: string;
  readonly doc: string;
  /** Set when the key may be left out: how its value is derived then. */
  readonly derived?: string;
}
export type LeafSpec =
  | (LeafBase & {
      readonly type: "number";
      readonly min: number;
      readonly max: number;
      readonly minExclusive?: boolean;
    })
  | (LeafBase & { readonly type: "int"; readonly min: number; readonly max: number })
  | (LeafBase & { readonly type: "boolean" })
  | (LeafBase & { readonly type: "enum"; readonly values: readonly (string | number)[] });

/** A tree node: a leaf (has `type`) or a group of named children. */
export interface GroupSpec {
  readonly doc: string;
  readonly keys: Readonly<Record<string, LeafSpec | GroupSpec>>;
}

export function isLeaf(n: LeafSpec | GroupSpec): n is LeafSpec {
  return "type" in n;
}

const BUFFER_DOCS: Record<(typeof BUFFERS)[number], string> = {
  act: "activation scratchpad (int8 feature maps)",
  pool: "sum-pool output buffer E",
  wgt: "weight scratchpad (int8)",
  acc: "accumulator buffer (int32)",
  par: "per-channel parameters (bias, requant multiplier and shift)",
};

function sramGroup(doc: string): GroupSpec {
  return {
    doc,
    keys: {
      kib: {
        type: "int",
        min: 0,
        max: 65536,
        unit: "KiB",
        doc: "capacity (the ISA addresses at most 1024 KiB: see configFitsIsa; only the pool buffer may be 0, on a machine without a sum-pool unit)",
      },
      banks: { type: "int", min: 1, max: 64, unit: "banks", doc: "independently accessible banks" },
      rowBits: { type: "enum", values: [32, 64, 128, 256, 512, 1024], unit: "bit", doc: "row (access) width" },
    },
  };
}

/** The tree of scalar keys. */
export const HW_SCHEMA: GroupSpec = {
  doc: "sumac hardware configuration",
  keys: {
    techNm: {
      type: "enum",
      values: NODE_NMS,
      unit: "nm",
      doc: "technology node: every dynamic price, leakage and area is scaled from 45 nm to it (isa/hw/tech/nodes.ts)",
    },
    vdd: {
      type: "number",
      min: 0.3,
      max: 1.3,
      unit: "V",
      doc: "logic supply: dynamic energy scales with CV^2, leakage with the DIBL model, the clock with the alpha-power law; at most 1.1 x the node's nominal supply",
      derived: "the node's nominal supply (isa/hw/tech/nodes.ts NODES)",
    },
    vddSram: {
      type: "number",
      min: 0.3,
      max: 1.3,
      unit: "V",
      doc: "SRAM supply (its own rail): SRAM energy scales with (vddSram / nominal)^2",
      derived: "max(vdd, 0.7 V): 6T SRAM cells keep a 0.7 V floor (low-power-targets.md §3.1, assumption)",
    },
    vth: {
      type: "number",
      min: 0.1,
      max: 0.7,
      unit: "V",
      doc: "threshold voltage of the alpha-power clock law f ~ (vdd - vth)^1.3 / vdd (vdd must exceed it)",
    },
    clock_mhz: {
      type: "number",
      min: 0,
      minExclusive: true,
      max: 10000,
      unit: "MHz",
      doc: "clock frequency of every unit; when a later layer changes vdd or techNm without setting it, it is re-derived by the alpha-power law, and a clock set at a lower supply may not exceed what that law allows",
    },
    issueCycles: {
      type: "int",
      min: 0,
      max: 64,
      unit: "cycles",
      doc: "cycles an instruction spends in the dispatcher before it reaches its queue",
    },
    mac: {
      doc: "MAC array",
      keys: {
        rows: { type: "int", min: 1, max: 256, unit: "cells", doc: "MAC array rows (reduction dimension in WS)" },
        cols: { type: "int", min: 1, max: 256, unit: "cells", doc: "MAC array columns (output channels in WS)" },
        dataflow: { type: "enum", values: ["ws", "os", "is"], unit: "", doc: "weight-, output- or input-stationary" },
        actBits: {
          type: "enum",
          values: [8, 16],
          unit: "bit",
          doc: "activation operand width (16: a wide E feeds the MACs)",
        },
        weightBits: { type: "enum", values: [8], unit: "bit", doc: "weight operand width" },
        accBits: { type: "enum", values: [32], unit: "bit", doc: "accumulator width" },
        inputReuse: {
          type: "enum",
          values: ["window", "im2col"],
          unit: "",
          doc: "operand feed of a conv: window = each input read from SRAM once per output-channel fold into a line buffer that serves the window; im2col = read once per kernel tap",
        },
      },
    },
    pool: {
      doc: "sum-pool unit (adder array)",
      keys: {
        lanes: {
          type: "int",
          min: 0,
          max: 4096,
          unit: "adders",
          doc: "adders in the sum-pool array (0: the machine has no sum-pool unit and runs dense programs only)",
        },
        mode: {
          type: "enum",
          values: ["direct", "separable"],
          unit: "",
          doc: "adder organisation: adder trees or separable running sums",
        },
        outBits: { type: "enum", values: [8, 16, 32], unit: "bit", doc: "width of the adders and of E" },
        fill: { type: "int", min: 0, max: 1024, unit: "cycles", doc: "pipeline fill latency" },
      },
    },
    vector: {
      doc: "vector unit (requantisation, ReLU, residual add, pooling)",
      keys: {
        lanes: { type: "int", min: 1, max: 4096, unit: "lanes", doc: "parallel lanes" },
        fill: { type: "int", min: 0, max: 1024, unit: "cycles", doc: "pipeline fill latency" },
      },
    },
    dram: {
      doc: "off-chip memory (one shared port)",
      keys: {
        gbps: {
          type: "number",
          min: 0,
          minExclusive: true,
          max: 10000,
          unit: "GB/s",
          doc: "sustained bandwidth (1 GB = 1e9 bytes)",
        },
        latency: { type: "int", min: 0, max: 1000000, unit: "cycles", doc: "access latency" },
        ideal: { type: "boolean", unit: "", doc: "infinite bandwidth and zero latency: compute timing alone" },
      },
    },
    sram: {
      doc: "on-chip buffers",
      keys: Object.fromEntries(BUFFERS.map((b) => [b, sramGroup(BUFFER_DOCS[b])])),
    },
    wstore: {
      doc: "on-chip weight store (SRAM or MRAM) holding a model's parameters: when they fit, weight and table loads read it instead of DRAM",
      keys: {
        kib: {
          type: "int",
          min: 0,
          max: 65536,
          unit: "KiB",
          doc: "capacity (0: no weight store, parameters come from DRAM)",
        },
        rowBits: { type: "enum", values: [32, 64, 128, 256, 512, 1024], unit: "bit", doc: "row (access) width" },
      },
    },
  },
};

/** A price table: entries {value, unit, source} keyed by a fixed set of names. */
export interface TableSpec {
  readonly name: "energy" | "leakage" | "area";
  readonly keys: readonly string[];
  readonly unitOf: (key: string) => string;
  /** Entries that are derived from the configuration when the document does not give them. */
  readonly derivable: (key: string) => boolean;
  readonly doc: string;
}

export const TABLES: readonly TableSpec[] = [
  {
    name: "energy",
    keys: ACTION_COUNTER_NAMES,
    unitOf: priceUnit,
    derivable: () => true,
    doc: "dynamic energy per counted action (isa/counters.ts), derived for the configured node and supply unless given; a price given in a layer holds at that layer's node and supply",
  },
  {
    name: "leakage",
    keys: LEAKING_UNITS,
    unitOf: () => "uW",
    derivable: () => true,
    doc: "leakage power per unit instance (MAC cell, adder, vector lane, DMA engine, SRAM buffer); derived from the parts when not given",
  },
  {
    name: "area",
    keys: LEAKING_UNITS,
    unitOf: () => "um^2",
    derivable: () => true,
    doc: "silicon area per unit instance; derived from the parts when not given",
  },
];

export function tableSpec(name: string): TableSpec | undefined {
  return TABLES.find((t) => t.name === name);
}

/** Every scalar leaf with its dotted path, in schema order. */
export const LEAVES: readonly (readonly [string, LeafSpec])[] = (() => {
  const out: [string, LeafSpec][] = [];
  const walk = (g: GroupSpec, prefix: string): void => {
    for (const [k, n] of Object.entries(g.keys)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (isLeaf(n)) out.push([path, n]);
      else walk(n, path);
    }
  };
  walk(HW_SCHEMA, "");
  return out;
})();

export const LEAF_BY_PATH: ReadonlyMap<string, LeafSpec> = new Map(LEAVES);

/** Top-level document keys that are not hardware parameters. */
export const META_KEYS = {
  preset: "name of the preset this document builds on (default: edge)",
  description: "free text",
  sources: 'where each scalar value comes from: { "mac.rows": "…" }',
} as const;

/** Every key a user may name, for suggestions: scalar paths, table entries, meta keys. */
export function allKeyPaths(): string[] {
  return [
    ...LEAVES.map(([p]) => p),
    ...TABLES.flatMap((t) => t.keys.map((k) => `${t.name}.${k}`)),
    ...Object.keys(META_KEYS),
  ];
}

function lookup(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The default of a scalar key: its value in the default preset (undefined for a derived key the preset leaves out). */
export function defaultOf(path: string): Scalar | undefined {
  const v = lookup(edge, path);
  if (v === undefined && LEAF_BY_PATH.get(path)?.derived !== undefined) return undefined;
  if (typeof v !== "number" && typeof v !== "boolean" && typeof v !== "string")
    throw new Error(`edge.json lacks ${path}`);
  return v;
}

/** Human-readable allowed values of a leaf, e.g. "integer 1..256" or "ws|os|is". */
export function describeAllowed(spec: LeafSpec): string {
  switch (spec.type) {
    case "number":
      return `number ${spec.minExclusive ? ">" : ">="} ${spec.min} and <= ${spec.max}`;
    case "int":
      return `integer ${spec.min}..${spec.max}`;
    case "boolean":
      return "true|false";
    case "enum":
      return spec.values.join("|");
  }
}
