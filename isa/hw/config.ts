// Reading, layering and resolving hardware configurations. A configuration is built from layers, in
// precedence order: preset (and the presets it builds on) < --hw file.json < --set key=value. Each layer is
// validated on its own (so an error names the file or flag it came from), the layers are merged as flat
// key maps, and the result is resolved once: defaults, derived values, prices, id, hash, frozen.

import { InputError } from "../errors.js";
import edge from "../configs/edge.json" with { type: "json" };
import tiny from "../configs/tiny.json" with { type: "json" };
import lp28 from "../configs/lp28.json" with { type: "json" };
import lp28v7 from "../configs/lp28-0v7.json" with { type: "json" };
import iot22v8 from "../configs/iot22-0v8.json" with { type: "json" };
import iot22v5 from "../configs/iot22-0v5.json" with { type: "json" };
import mcu4x4 from "../configs/mcu-4x4.json" with { type: "json" };
import mobile7 from "../configs/mobile7.json" with { type: "json" };
import eyeriss65 from "../configs/eyeriss65.json" with { type: "json" };
import dvas40 from "../configs/dvas40.json" with { type: "json" };
import vega22 from "../configs/vega22.json" with { type: "json" };
import {
  HW_SCHEMA,
  LEAVES,
  LEAF_BY_PATH,
  META_KEYS,
  TABLES,
  describeAllowed,
  isLeaf,
  tableSpec,
  type GroupSpec,
  type LeafSpec,
  type Scalar,
} from "./schema.js";
import { resolveCore, resolveLayers } from "./build.js";
import { didYouMean } from "./suggest.js";
import type { HwConfig } from "./types.js";

/** The built-in presets, by name. */
export const PRESET_DOCUMENTS: Readonly<Record<string, unknown>> = {
  edge,
  tiny,
  lp28,
  "lp28-0v7": lp28v7,
  "iot22-0v8": iot22v8,
  "iot22-0v5": iot22v5,
  "mcu-4x4": mcu4x4,
  mobile7,
  eyeriss65,
  dvas40,
  vega22,
};
export const PRESET_NAMES: readonly string[] = Object.keys(PRESET_DOCUMENTS);
export const DEFAULT_PRESET = "edge";

/** A price given in a document: the value, optionally its unit (checked) and source. */
interface PriceEntry {
  readonly value: number;
  readonly source?: string;
}

/** One validated layer, flattened to dotted keys. */
export interface Layer {
  readonly origin: string;
  /** Default source string of the values this layer sets. */
  readonly provenance: string;
  readonly base?: string;
  readonly description?: string;
  readonly values: Map<string, Scalar>;
  readonly prices: Map<string, PriceEntry>;
  readonly sources: Map<string, string>;
}

/** Every key path a user may write, groups included, for suggestions. */
const ALL_PATHS: readonly string[] = (() => {
  const out: string[] = [...Object.keys(META_KEYS)];
  const walk = (g: GroupSpec, prefix: string): void => {
    for (const [k, n] of Object.entries(g.keys)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.push(p);
      if (!isLeaf(n)) walk(n, p);
    }
  };
  walk(HW_SCHEMA, "");
  for (const t of TABLES) {
    out.push(t.name);
    for (const k of t.keys) out.push(`${t.name}.${k}`);
  }
  return out;
})();

function unknownKey(origin: string, path: string, candidates: readonly string[] = ALL_PATHS): InputError {
  return new InputError(`${origin}: unknown key '${path}'${didYouMean(path, candidates)}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Checks a scalar against its schema leaf; returns it, or throws naming the key and the allowed values. */
export function checkLeaf(origin: string, path: string, spec: LeafSpec, v: unknown): Scalar {
  const allowed = describeAllowed(spec);
  const wrong = () => new InputError(`${origin}: ${path} must be ${allowed}, got ${JSON.stringify(v)}`);
  const outOfRange = () => new InputError(`${origin}: ${path} = ${String(v)} is out of range (allowed: ${allowed})`);
  switch (spec.type) {
    case "boolean":
      if (typeof v !== "boolean") throw wrong();
      return v;
    case "enum":
      if (!spec.values.includes(v as string | number)) throw wrong();
      return v as string | number;
    case "int":
    case "number": {
      if (typeof v !== "number" || !Number.isFinite(v)) throw wrong();
      if (spec.type === "int" && !Number.isInteger(v)) throw wrong();
      const low = spec.type === "number" && spec.minExclusive ? v <= spec.min : v < spec.min;
      if (low || v > spec.max) throw outOfRange();
      return v;
    }
  }
}

function readPrice(origin: string, table: string, key: string, raw: unknown): PriceEntry {
  const spec = tableSpec(table)!;
  const path = `${table}.${key}`;
  const unit = spec.unitOf(key);
  const checkValue = (v: unknown): number => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
      throw new InputError(`${origin}: ${path} must be a number >= 0 (${unit}), got ${JSON.stringify(v)}`);
    return v;
  };
  if (typeof raw === "number") return { value: checkValue(raw) };
  if (!isRecord(raw))
    throw new InputError(
      `${origin}: ${path} must be a number or { "value", "unit", "source" }, got ${JSON.stringify(raw)}`,
    );
  for (const k of Object.keys(raw))
    if (!["value", "unit", "source"].includes(k))
      throw unknownKey(
        origin,
        `${path}.${k}`,
        ["value", "unit", "source"].map((f) => `${path}.${f}`),
      );
  if (raw["unit"] !== undefined && raw["unit"] !== unit)
    throw new InputError(`${origin}: ${path} is priced in ${unit}, got unit ${JSON.stringify(raw["unit"])}`);
  const source = raw["source"];
  if (source !== undefined && typeof source !== "string")
    throw new InputError(`${origin}: ${path}.source must be a string`);
  const value = checkValue(raw["value"]);
  return source === undefined ? { value } : { value, source };
}

/** Validates one document (a preset, a --hw file, a parsed object) into a flat layer. */
export function readLayer(raw: unknown, origin: string, provenance = origin): Layer {
  if (!isRecord(raw))
    throw new InputError(`${origin}: a hardware configuration must be a JSON object, got ${JSON.stringify(raw)}`);
  const layer: Layer & { base?: string; description?: string } = {
    origin,
    provenance,
    values: new Map(),
    prices: new Map(),
    sources: new Map(),
  };
  const walk = (obj: Record<string, unknown>, g: GroupSpec, prefix: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k;
      const node = g.keys[k];
      if (node === undefined) throw unknownKey(origin, path);
      if (isLeaf(node)) layer.values.set(path, checkLeaf(origin, path, node, v));
      else if (isRecord(v)) walk(v, node, path);
      else throw new InputError(`${origin}: ${path} must be an object (${node.doc}), got ${JSON.stringify(v)}`);
    }
  };
  const scalars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === "preset") {
      if (typeof v !== "string")
        throw new InputError(`${origin}: preset must be a preset name (${PRESET_NAMES.join(", ")})`);
      layer.base = v;
    } else if (k === "description") {
      if (typeof v !== "string") throw new InputError(`${origin}: description must be a string`);
      layer.description = v;
    } else if (k === "sources") {
      if (!isRecord(v))
        throw new InputError(`${origin}: sources must be an object { "key.path": "where it comes from" }`);
      for (const [p, s] of Object.entries(v)) {
        if (!LEAF_BY_PATH.has(p))
          throw unknownKey(
            origin,
            `sources.${p}`,
            LEAVES.map(([q]) => `sources.${q}`),
          );
        if (typeof s !== "string") throw new InputError(`${origin}: sources.${p} must be a string`);
        layer.sources.set(p, s);
      }
    } else if (tableSpec(k)) {
      const spec = tableSpec(k)!;
      if (!isRecord(v))
        throw new InputError(`${origin}: ${k} must be an object keyed by ${spec.keys.length} names (${spec.doc})`);
      for (const [name, entry] of Object.entries(v)) {
        if (!spec.keys.includes(name))
          throw unknownKey(
            origin,
            `${k}.${name}`,
            spec.keys.map((n) => `${k}.${n}`),
          );
        layer.prices.set(`${k}.${name}`, readPrice(origin, k, name, entry));
      }
    } else scalars[k] = v;
  }
  walk(scalars, HW_SCHEMA, "");
  return layer;
}

/** Splits `key=value`. */
export function splitSet(arg: string): { key: string; text: string } {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new InputError(`--set '${arg}': expected key=value (e.g. --set mac.rows=32)`);
  return { key: arg.slice(0, eq).trim(), text: arg.slice(eq + 1).trim() };
}

/** Converts the text of a --set value to the type its key expects. */
export function coerceSetValue(origin: string, key: string, text: string): Scalar {
  const spec = LEAF_BY_PATH.get(key);
  if (spec === undefined) throw unknownKey(origin, key);
  const asNumber = (): unknown => (text === "" || Number.isNaN(Number(text)) ? text : Number(text));
  switch (spec.type) {
    case "boolean":
      return checkLeaf(origin, key, spec, text === "true" ? true : text === "false" ? false : text);
    case "enum":
      return checkLeaf(origin, key, spec, typeof spec.values[0] === "number" ? asNumber() : text);
    default:
      return checkLeaf(origin, key, spec, asNumber());
  }
}

/** One --set key=value as a layer; `energy.<counter>=v` sets a price and marks it "user override". */
export function setLayer(arg: string): Layer {
  const origin = `--set ${arg}`;
  const { key, text } = splitSet(arg);
  const layer: Layer = { origin, provenance: "--set", values: new Map(), prices: new Map(), sources: new Map() };
  const dot = key.indexOf(".");
  const spec = dot > 0 ? tableSpec(key.slice(0, dot)) : undefined;
  if (spec) {
    const name = key.slice(dot + 1);
    if (!spec.keys.includes(name))
      throw unknownKey(
        origin,
        key,
        spec.keys.map((n) => `${spec.name}.${n}`),
      );
    const value = Number(text);
    if (text === "" || !Number.isFinite(value) || value < 0)
      throw new InputError(`${origin}: ${key} must be a number >= 0 (${spec.unitOf(name)}), got '${text}'`);
    layer.prices.set(key, { value, source: "user override" });
  } else {
    if (key in META_KEYS)
      throw new InputError(`${origin}: '${key}' cannot be set with --set (use --hw PRESET|FILE.json)`);
    layer.values.set(key, coerceSetValue(origin, key, text));
  }
  return layer;
}

/**
 * Several --set flags as one layer (later flags win): they are one precedence level, so `--set vdd=0.6
 * --set clock_mhz=150` asks for 150 MHz at 0.6 V whatever the order of the flags.
 */
export function combineLayers(layers: readonly Layer[]): Layer {
  const out: Layer = {
    origin: layers.map((l) => l.origin).join(" "),
    provenance: layers[0]?.provenance ?? "--set",
    values: new Map(),
    prices: new Map(),
    sources: new Map(),
  };
  for (const l of layers) {
    for (const [k, v] of l.values) out.values.set(k, v);
    for (const [k, v] of l.prices) out.prices.set(k, v);
    for (const [k, v] of l.sources) out.sources.set(k, v);
  }
  return out;
}

/** The layers of a preset: the presets it builds on first. */
export function presetLayers(name: string, seen: readonly string[] = []): Layer[] {
  const doc = PRESET_DOCUMENTS[name];
  if (doc === undefined)
    throw new InputError(
      `unknown preset '${name}'${didYouMean(name, PRESET_NAMES)}; presets: ${PRESET_NAMES.join(", ")}`,
    );
  if (seen.includes(name)) throw new InputError(`preset ${name}: builds on itself (${[...seen, name].join(" -> ")})`);
  const layer = readLayer(doc, `preset ${name} (isa/configs/${name}.json)`, `preset ${name}`);
  return layer.base === undefined ? [layer] : [...presetLayers(layer.base, [...seen, name]), layer];
}

const presetCache = new Map<string, HwConfig>();
const presetExtrasCache = new Map<string, string>();

/** A built-in preset, resolved. */
export function presetConfig(name: string): HwConfig {
  let c = presetCache.get(name);
  if (c === undefined) {
    c = buildFromLayers(presetLayers(name), name);
    presetCache.set(name, c);
  }
  return c;
}

/**
 * Merges layers (later wins) and resolves them. The first layer must be complete (a root preset);
 * `preset` names the preset the id is built from.
 */
export function buildFromLayers(layers: readonly Layer[], preset: string): HwConfig {
  return resolveLayers(layers, preset, presetExtras(preset));
}

/** The id-relevant inputs of a preset as given, to tell a variant from the preset itself. */
function presetExtras(name: string): string {
  let x = presetExtrasCache.get(name);
  if (x === undefined) {
    x = resolveCore(presetLayers(name), name).extras;
    presetExtrasCache.set(name, x);
  }
  return x;
}

/**
 * Validates a configuration document, fills defaults from the preset it names (`"preset": "tiny"`; the
 * default preset otherwise), derives every value and returns the frozen resolved config.
 */
export function parseHwConfig(raw: unknown, origin: string): HwConfig {
  const layer = readLayer(raw, origin, `file ${origin}`);
  const preset = layer.base ?? DEFAULT_PRESET;
  return buildFromLayers([...presetLayers(preset), layer], preset);
}

/**
 * Resolves the configuration from a preset, a --hw JSON file and --set overrides, in that precedence.
 * A file naming `"preset"` builds on that preset (it outranks opts.preset, being the later layer).
 */
export function resolveHw(opts: {
  preset?: string;
  file?: { path: string; text: string };
  sets?: readonly string[];
}): HwConfig {
  const fileLayer = opts.file
    ? readLayer(parseJsonText(opts.file.text, opts.file.path), opts.file.path, `file ${opts.file.path}`)
    : undefined;
  const preset = fileLayer?.base ?? opts.preset ?? DEFAULT_PRESET;
  const layers = [...presetLayers(preset)];
  if (fileLayer) layers.push(fileLayer);
  if (opts.sets !== undefined && opts.sets.length > 0) layers.push(combineLayers(opts.sets.map(setLayer)));
  return buildFromLayers(layers, preset);
}

/** JSON.parse with errors that name the file, line and column, and show the line with a caret. */
export function parseJsonText(text: string, path: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    let line: number;
    let col: number;
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    if (lc) {
      line = Number(lc[1]);
      col = Number(lc[2]);
    } else {
      const offset = pos ? Number(pos[1]) : body.length;
      ({ line, col } = lineCol(body, offset));
    }
    const what = msg.replace(/\s*in JSON at position \d+.*$/, "").replace(/\s*\(line \d+ column \d+\)/, "");
    const lineText = body.split("\n")[line - 1] ?? "";
    throw new InputError(`${path}:${line}:${col}: invalid JSON: ${what}`, [
      lineText,
      `${" ".repeat(Math.max(0, col - 1))}^`,
    ]);
  }
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  return { line, col: offset - start + 1 };
}
