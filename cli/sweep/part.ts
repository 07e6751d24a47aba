// Part files: what one shard of a sweep writes. A part carries the identity of the full grid (so parts of
// different sweeps are never merged), its shard, and the raw results of its points: JSON numbers are written in
// their shortest round-trip form, so the merge re-renders exactly the numbers the unsharded sweep prints.
import { createHash } from "node:crypto";
import { InputError } from "../../isa/errors.js";
import { parseJsonText } from "../../isa/hw/config.js";
import type { PointResult } from "./evaluate.js";
import type { Axis, SweepGrid } from "./grid.js";
import { shardIndices, type Shard } from "./shard.js";

export const PART_FORMAT = "sumac-sweep-part";
export const PART_VERSION = 1;

/** One machine of the grid: a preset (defined by the sumac version) or a JSON file (by its content's hash). */
export interface HwIdentity {
  readonly label: string;
  readonly preset?: string;
  readonly sha256?: string;
}

/** Everything that decides a sweep's points and results; parts merge only when theirs are equal. */
export interface GridIdentity {
  readonly sumac: string;
  readonly model: string;
  /** SHA-256 of the model file; null for a zoo model (defined by the sumac version). */
  readonly modelSha256: string | null;
  readonly weights: string | null;
  readonly dtype: "int8" | "fp32";
  readonly hw: readonly HwIdentity[];
  readonly axes: readonly Axis[];
  readonly points: number;
}

export interface PartPoint {
  readonly index: number;
  readonly dense: PointResult;
  readonly structured: PointResult;
}

export interface Part {
  readonly format: typeof PART_FORMAT;
  readonly version: number;
  readonly grid: GridIdentity & { readonly id: string };
  readonly shard: Shard & { readonly partition: "round-robin" };
  readonly points: readonly PartPoint[];
}

const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

export function gridIdentity(grid: SweepGrid, points: number, modelSha256: string | null, sumac: string): GridIdentity {
  return {
    sumac,
    model: grid.model,
    modelSha256,
    weights: grid.weights ?? null,
    dtype: grid.dtype,
    hw: grid.targets.map((t) =>
      t.preset !== undefined ? { label: t.label, preset: t.preset } : { label: t.label, sha256: sha256(t.file.text) },
    ),
    axes: grid.axes.map((a) => ({ key: a.key, values: [...a.values] })),
    points,
  };
}

/** A short hash of the identity (its fields in a fixed order), shown in messages and checked on reading. */
export function gridId(g: GridIdentity): string {
  const canonical: GridIdentity = {
    sumac: g.sumac,
    model: g.model,
    modelSha256: g.modelSha256,
    weights: g.weights,
    dtype: g.dtype,
    hw: g.hw.map((h) => ({
      label: h.label,
      ...(h.preset !== undefined ? { preset: h.preset } : { sha256: h.sha256 }),
    })),
    axes: g.axes.map((a) => ({ key: a.key, values: a.values })),
    points: g.points,
  };
  return sha256(JSON.stringify(canonical)).slice(0, 16);
}

/** SHA-256 of a model given as a file (`net.onnx`, `my.net:struct-a`); null for a zoo name. */
export function modelDigest(model: string, exists: (p: string) => boolean, read: (p: string) => Uint8Array) {
  const file = exists(model) ? model : model.replace(/:[^:/\\]*$/, "");
  return file !== "" && exists(file) ? sha256(read(file)) : null;
}

// JSON has no NaN or ±Infinity; a result holding one is written as {"nonFinite": "NaN"} and read back as the number.
const encodeNumber = (_key: string, v: unknown): unknown =>
  typeof v === "number" && !Number.isFinite(v) ? { nonFinite: String(v) } : v;

function decodeNumbers(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(decodeNumbers);
  if (x === null || typeof x !== "object") return x;
  const entries = Object.entries(x);
  if (
    entries.length === 1 &&
    entries[0]![0] === "nonFinite" &&
    ["NaN", "Infinity", "-Infinity"].includes(String(entries[0]![1]))
  )
    return Number(entries[0]![1]);
  return Object.fromEntries(entries.map(([k, v]) => [k, decodeNumbers(v)]));
}

/** The part as text: a readable header, then one grid point per line. */
export function partText(part: Part): string {
  const line = (x: unknown) => JSON.stringify(x, encodeNumber);
  const points = part.points.map((p) => `  ${line(p)}`).join(",\n");
  return (
    `{"format": ${line(part.format)}, "version": ${part.version},\n` +
    ` "grid": ${line(part.grid)},\n` +
    ` "shard": ${line(part.shard)},\n` +
    ` "points": [${points === "" ? "" : `\n${points}\n `}]}\n`
  );
}

type Json = Record<string, unknown>;
const isRecord = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);
const isCount = (x: unknown, min: number): x is number => Number.isSafeInteger(x) && (x as number) >= min;

/** Reads and checks a part file; every problem is an InputError naming the file and the field. */
export function readPart(path: string, text: string): Part {
  const raw = decodeNumbers(parseJsonText(text, path));
  const bad = (where: string, what: string) => new InputError(`${path}: ${where} ${what}`);
  if (!isRecord(raw) || raw["format"] !== PART_FORMAT)
    throw new InputError(`${path}: not a sumac sweep part file (it has no "format": "${PART_FORMAT}")`);
  if (raw["version"] !== PART_VERSION)
    throw new InputError(
      `${path}: part format version ${JSON.stringify(raw["version"])}; this sumac reads version ${PART_VERSION}`,
    );
  const grid = checkGrid(raw["grid"], bad);
  const s = raw["shard"];
  if (!isRecord(s) || !isCount(s["count"], 1) || !isCount(s["index"], 1) || s["index"] > s["count"])
    throw bad("shard", "must be {index, count} with 1 ≤ index ≤ count");
  if (s["partition"] !== "round-robin") throw bad("shard.partition", `must be "round-robin"`);
  const shard = { index: s["index"], count: s["count"], partition: "round-robin" as const };
  const pts = raw["points"];
  if (!Array.isArray(pts)) throw bad("points", "must be a list");
  const points = pts.map((p: unknown, i): PartPoint => {
    if (!isRecord(p) || !isCount(p["index"], 0)) throw bad(`points[${i}].index`, "must be a grid index");
    return {
      index: p["index"],
      dense: checkResult(p["dense"], "dense", `points[${i}].dense`, bad),
      structured: checkResult(p["structured"], "structured", `points[${i}].structured`, bad),
    };
  });
  const want = shardIndices(grid.points, shard);
  const got = points.map((p) => p.index);
  if (got.length !== want.length || got.some((g, i) => g !== want[i]))
    throw bad(
      "points",
      `must hold grid points ${listed(want)} (shard ${shard.index}/${shard.count} of ${grid.points}) but hold ${listed(got)}: the file is incomplete or was edited`,
    );
  return { format: PART_FORMAT, version: PART_VERSION, grid, shard, points };
}

const listed = (xs: readonly number[]): string =>
  xs.length === 0 ? "(none)" : xs.length <= 8 ? xs.join(", ") : `${xs.slice(0, 8).join(", ")}, … (${xs.length})`;

function checkGrid(g: unknown, bad: (w: string, m: string) => InputError): GridIdentity & { id: string } {
  if (!isRecord(g)) throw bad("grid", "is missing");
  const str = (k: string, nullable = false): string | null => {
    const v = g[k];
    if (typeof v === "string" || (nullable && v === null)) return v;
    throw bad(`grid.${k}`, nullable ? "must be a string or null" : "must be a string");
  };
  const dtype = g["dtype"];
  if (dtype !== "int8" && dtype !== "fp32") throw bad("grid.dtype", 'must be "int8" or "fp32"');
  const hw = g["hw"];
  if (!Array.isArray(hw) || hw.length === 0) throw bad("grid.hw", "must be a non-empty list");
  const axes = g["axes"];
  if (!Array.isArray(axes)) throw bad("grid.axes", "must be a list");
  const identity: GridIdentity = {
    sumac: str("sumac")!,
    model: str("model")!,
    modelSha256: str("modelSha256", true),
    weights: str("weights", true),
    dtype,
    hw: hw.map((h: unknown, i) => {
      if (
        !isRecord(h) ||
        typeof h["label"] !== "string" ||
        (typeof h["preset"] !== "string") === (typeof h["sha256"] !== "string")
      )
        throw bad(`grid.hw[${i}]`, "must be {label, preset} or {label, sha256}");
      return typeof h["preset"] === "string"
        ? { label: h["label"], preset: h["preset"] }
        : { label: h["label"], sha256: String(h["sha256"]) };
    }),
    axes: axes.map((a: unknown, i) => {
      const values = isRecord(a) ? a["values"] : undefined;
      if (!isRecord(a) || typeof a["key"] !== "string" || !Array.isArray(values) || values.length === 0)
        throw bad(`grid.axes[${i}]`, "must be {key, values} with at least one value");
      if (values.some((v) => typeof v !== "string")) throw bad(`grid.axes[${i}].values`, "must be strings");
      return { key: a["key"], values: values as string[] };
    }),
    points: isCount(g["points"], 1) ? g["points"] : -1,
  };
  const size = identity.hw.length * identity.axes.reduce((n, a) => n * a.values.length, 1);
  if (identity.points !== size) throw bad("grid.points", `must be ${size} (machines × the --set lists' lengths)`);
  if (g["id"] !== gridId(identity)) throw bad("grid.id", "does not match the grid it describes: the file was edited");
  return { ...identity, id: gridId(identity) };
}

const NUMBERS = ["cycles", "latency_ms", "energy_uj", "macs", "mults", "adds", "dram_bytes", "area_mm2"] as const;

function checkResult(
  r: unknown,
  mode: "dense" | "structured",
  where: string,
  bad: (w: string, m: string) => InputError,
): PointResult {
  if (!isRecord(r)) throw bad(where, "is missing");
  if (r["mode"] !== mode) throw bad(`${where}.mode`, `must be "${mode}"`);
  if (typeof r["hw_id"] !== "string") throw bad(`${where}.hw_id`, "must be a string");
  if (!Array.isArray(r["sets"]) || r["sets"].some((s) => typeof s !== "string"))
    throw bad(`${where}.sets`, "must be a list of strings");
  for (const k of NUMBERS) if (typeof r[k] !== "number") throw bad(`${where}.${k}`, "must be a number");
  for (const k of ["energy_pj", "utilization"])
    if (!isRecord(r[k]) || Object.values(r[k]).some((v) => typeof v !== "number"))
      throw bad(`${where}.${k}`, "must map names to numbers");
  return r as unknown as PointResult;
}
