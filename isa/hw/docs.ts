// Generated documentation of the hardware configuration: the JSON Schema (docs/hw-config.schema.json) and
// the markdown reference (docs/hw-config.md), both derived from isa/hw/schema.ts and the presets.

import { ACTION_COUNTERS } from "../counters.js";
import { PRESET_NAMES, presetConfig } from "./config.js";
import {
  HW_SCHEMA,
  LEAVES,
  META_KEYS,
  TABLES,
  defaultOf,
  describeAllowed,
  isLeaf,
  type GroupSpec,
  type LeafSpec,
} from "./schema.js";

function leafSchema(path: string, spec: LeafSpec): Record<string, unknown> {
  const description = `${spec.doc}${spec.unit ? ` [${spec.unit}]` : ""}`;
  const d = defaultOf(path);
  const common =
    d === undefined
      ? { description: `${description}; derived when absent: ${spec.derived}` }
      : { description, default: d };
  switch (spec.type) {
    case "number":
      return {
        type: "number",
        ...(spec.minExclusive ? { exclusiveMinimum: spec.min } : { minimum: spec.min }),
        maximum: spec.max,
        ...common,
      };
    case "int":
      return { type: "integer", minimum: spec.min, maximum: spec.max, ...common };
    case "boolean":
      return { type: "boolean", ...common };
    case "enum":
      return { enum: [...spec.values], ...common };
  }
}

function groupSchema(g: GroupSpec, prefix: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [k, n] of Object.entries(g.keys)) {
    const path = prefix ? `${prefix}.${k}` : k;
    properties[k] = isLeaf(n) ? leafSchema(path, n) : groupSchema(n, path);
  }
  return { type: "object", description: g.doc, additionalProperties: false, properties };
}

function priceSchema(unit: string, doc: string): Record<string, unknown> {
  return {
    description: `${doc} [${unit}]`,
    oneOf: [
      { type: "number", minimum: 0 },
      {
        type: "object",
        additionalProperties: false,
        required: ["value"],
        properties: { value: { type: "number", minimum: 0 }, unit: { const: unit }, source: { type: "string" } },
      },
    ],
  };
}

/** The JSON Schema of a hardware configuration document (a --hw file or a preset). */
export function hwJsonSchema(): Record<string, unknown> {
  const root = groupSchema(HW_SCHEMA, "");
  const properties: Record<string, unknown> = {
    preset: { enum: [...PRESET_NAMES], description: META_KEYS.preset },
    description: { type: "string", description: META_KEYS.description },
    sources: {
      type: "object",
      description: META_KEYS.sources,
      propertyNames: { enum: LEAVES.map(([p]) => p) },
      additionalProperties: { type: "string" },
    },
    ...(root["properties"] as Record<string, unknown>),
  };
  for (const t of TABLES) {
    properties[t.name] = {
      type: "object",
      description: t.doc,
      additionalProperties: false,
      properties: Object.fromEntries(
        t.keys.map((k) => [
          k,
          priceSchema(
            t.unitOf(k),
            t.name === "energy" ? ACTION_COUNTERS[k as keyof typeof ACTION_COUNTERS] : `per instance of ${k}`,
          ),
        ]),
      ),
    };
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://sumac.invalid/hw-config.schema.json",
    title: "sumac hardware configuration",
    description:
      'Generated from isa/hw/schema.ts (do not edit). Every key is optional: missing keys come from the preset named by "preset" (default edge).',
    type: "object",
    additionalProperties: false,
    properties,
  };
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, "\\|");
}

/** The markdown reference of every key, table and preset. */
export function hwReferenceMarkdown(): string {
  const L: string[] = [];
  L.push(
    "# Hardware configuration reference",
    "",
    "<!-- Generated from isa/hw/schema.ts and isa/configs/*.json by `UPDATE_GOLDEN=1 npx mocha test/isa/hwconfig-docs.test.ts`; do not edit. -->",
    "",
    "A configuration is one JSON document (JSON Schema: [hw-config.schema.json](hw-config.schema.json)). It is built in layers,",
    'later layers winning: **preset < `--hw FILE.json` < `--set key=value`**. A file may name `"preset": "tiny"` as its base',
    "(default `edge`). Unknown keys, wrong types and out-of-range values are errors that name the key (and the nearest valid key).",
    "`sumac hw [preset] [--hw F] [--set k=v]… [--json]` prints the resolved configuration with the source of every value.",
    "",
    "`--set` values are converted to the key's type: `--set mac.rows=32`, `--set dram.ideal=true`, `--set mac.dataflow=os`.",
    '`--set energy.<counter>=v` (likewise `leakage.<unit>`, `area.<unit>`) replaces one price and marks its source "user override";',
    "everything after the table name is the entry name, e.g. `--set energy.sram.act.read=3.1`.",
    "",
    "## Parameters",
    "",
    "Defaults are the values of the `edge` preset.",
    "",
    "| key | allowed | default | unit | meaning |",
    "|---|---|---|---|---|",
  );
  for (const [p, spec] of LEAVES)
    L.push(
      `| \`${p}\` | ${mdEscape(describeAllowed(spec))} | ${defaultOf(p) === undefined ? "derived" : String(defaultOf(p))} | ${spec.unit} | ${mdEscape(spec.doc)}${spec.derived ? `; when absent: ${mdEscape(spec.derived)}` : ""} |`,
    );
  L.push(
    "",
    "## Derived values",
    "",
    "Computed once when the configuration is resolved (isa/hw/derive.ts):",
    "",
    "| value | formula |",
    "|---|---|",
    "| `dram.bytesPerCycle` | `dram.gbps * 1e9 / (clock_mhz * 1e6)`; Infinity when `dram.ideal` (and `dram.latency` becomes 0) |",
    "| `sram.<buf>.bytes` | `kib * 1024` |",
    "| `peak.macsPerCycle` | `mac.rows * mac.cols` |",
    "| `peak.addsPerCycle` | `pool.lanes` |",
    "| `peak.vecPerCycle` | `vector.lanes` |",
    "| `instances.<unit>` | MAC cells, sum-pool adders, vector lanes, 2 DMA engines (load, store), 1 per SRAM buffer of more than 0 KiB, 1 weight store when `wstore.kib` > 0 |",
    "| `mac.psumBits` | `min(accBits, actBits + weightBits + ceil(log2 rows))`: the partial sums the array forwards |",
    "| `floorplan.sideMm.<unit>` | side of the unit as a square block, `sqrt(area x instances)`: operand wires run half the receiving block's side |",
    "| `floorplan.flops.<unit>` | flip-flops one instance clocks per busy cycle: MAC cell `actBits + psumBits + weightBits`, adder `2 x outBits`, vector lane 128, DMA engine 224 |",
    "| `id` | preset name + parameter string (`16x16ws-a16-p128x16sep-v16-act128k-…-d4g-45nm0v9-500mhz`); `-x` + 8 hex digits of the hash when the config also differs from its preset in something the string does not show |",
    "| `hash` | first 16 hex digits of the SHA-256 of the canonical resolved JSON (values and units, without id, hash and source strings) |",
    "",
    "The ISA addresses SRAM with 16-bit fields in 16-byte units, so a buffer may hold at most 1024 KiB;",
    "`configFitsIsa(hw)` reports a configuration that does not fit.",
    "",
    "## Technology, supply and clock",
    "",
    "Every price below is derived for `techNm` and `vdd` (SRAM prices for `vddSram`) from the 45 nm / 0.9 V base table",
    "(isa/hw/tech/): across planar nodes Stillmaker & Baas 2017 (Accelergy's table), FinFET nodes anchored to Jouppi et al.",
    "ISCA 2021 (k = 0.35 at 7 nm), within a node CV^2; leakage like dynamic energy across nodes and by the subthreshold/DIBL",
    "model within one; area by S&B's table; SRAM from a least-squares fit over the CACTI rows (capacity, row width, banks,",
    "node). One rule resolves the layers: **a technology-dependent figure given in a layer holds at that layer's node and",
    "supply; a later layer that changes `techNm` or `vdd` without restating it re-derives it**. So `--set techNm=22",
    "--set vdd=0.6` re-derives the prices, the leakage and the clock (alpha-power law from the preset's design point); a",
    "layer that changes the node alone moves `vdd` to the node's nominal supply; a clock given at a lower supply than the",
    "design point below it may not exceed what the alpha-power law allows (an error), and a price given with `--set` wins",
    "outright. Several `--set` flags are one layer.",
    "",
    "## Price tables",
    "",
  );
  const edge = presetConfig("edge");
  for (const t of TABLES) {
    L.push(`### \`${t.name}\``, "", `${t.doc}.`, "", "| entry | unit | edge | source (edge) |", "|---|---|---|---|");
    for (const k of t.keys) {
      const e = edge[t.name][k]!;
      L.push(`| \`${t.name}.${k}\` | ${t.unitOf(k)} | ${Number(e.value.toPrecision(6))} | ${mdEscape(e.source)} |`);
    }
    L.push("");
  }
  L.push("## Presets", "", "| preset | id | hash | description |", "|---|---|---|---|");
  for (const name of PRESET_NAMES) {
    const c = presetConfig(name);
    L.push(`| \`${name}\` | \`${c.id}\` | \`${c.hash}\` | ${mdEscape(c.description ?? "")} |`);
  }
  L.push("");
  return L.join("\n");
}
