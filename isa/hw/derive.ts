// Values the configuration derives from its parameters: SRAM bytes, DRAM bytes per cycle, unit instance counts,
// the id string and the hash. Prices are derived in isa/hw/pricing.ts.

import { createHash } from "node:crypto";
import { QUEUES } from "../instructions.js";
import type { HwConfig, Sourced } from "./types.js";
import type { HwParams } from "./pricing.js";

export function dramBytesPerCycle(gbps: number, clockMhz: number, ideal: boolean): number {
  return ideal ? Infinity : (gbps * 1e9) / (clockMhz * 1e6);
}

export function sramBytes(kib: number): number {
  return kib * 1024;
}

/** How many instances of each leaking unit the machine has. */
export function unitInstances(p: HwParams): Record<string, number> {
  const out: Record<string, number> = {
    mac: p.mac.rows * p.mac.cols,
    pool: p.pool.lanes,
    vec: p.vector.lanes,
    // one load and one store engine (the ld and st queues)
    dma: QUEUES.filter((q) => q === "ld" || q === "st").length,
  };
  for (const [b, s] of Object.entries(p.sram)) out[`sram.${b}`] = s.kib > 0 ? 1 : 0;
  out["wstore"] = p.wstore.kib > 0 ? 1 : 0;
  return out;
}

/** JSON with object keys sorted at every level: the canonical form hashed and compared. */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(",")}]`;
  if (x !== null && typeof x === "object") {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  if (typeof x === "number" && !Number.isFinite(x)) return JSON.stringify(String(x));
  return JSON.stringify(x);
}

type Core = Omit<HwConfig, "id" | "hash">;

/** What identifies the machine: every value and unit, without ids, provenance or source strings. */
export function hashable(c: Core): Record<string, unknown> {
  const strip = (t: Readonly<Record<string, Sourced>>) =>
    Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { value: v.value, unit: v.unit }]));
  const out: Record<string, unknown> = {
    ...c,
    energy: strip(c.energy),
    leakage: strip(c.leakage),
    area: strip(c.area),
  };
  delete out["sources"];
  delete out["description"];
  // derived from the scalars, and carrying prose
  delete out["tech"];
  delete out["floorplan"];
  return out;
}

export function configHash(c: Core): string {
  return createHash("sha256")
    .update(canonicalJson(hashable(c)))
    .digest("hex")
    .slice(0, 16);
}

/** The parameter part of the id, e.g. "16x16ws-a8-p128x16sep-v16-act128k-pool32k-wgt128k-acc32k-par4k-d4g-500mhz". */
export function paramString(c: Core): string {
  const s = c.sram;
  const dram = c.dram.ideal ? "dideal" : `d${c.dram.gbps}g`;
  return [
    `${c.mac.rows}x${c.mac.cols}${c.mac.dataflow}`,
    `a${c.mac.actBits}`,
    `p${c.pool.lanes}x${c.pool.outBits}${c.pool.mode === "separable" ? "sep" : "dir"}`,
    `v${c.vector.lanes}`,
    ...Object.entries(s).map(([b, x]) => `${b}${x.kib}k`),
    ...(c.wstore.kib > 0 ? [`wst${c.wstore.kib}k`] : []),
    dram,
    `${c.techNm}nm${Number.isInteger(c.vdd) ? `${c.vdd}v0` : String(c.vdd).replace(".", "v")}`,
    `${c.clock_mhz}mhz`,
  ].join("-");
}

/** Scalar keys the parameter string shows (sram.<buf>.kib too; dram.gbps only when the DRAM is not ideal). */
function shownInParamString(path: string, ideal: boolean): boolean {
  if (/^sram\.\w+\.kib$/.test(path) || path === "wstore.kib") return true;
  if (path === "dram.gbps") return !ideal;
  return [
    "clock_mhz",
    "techNm",
    "vdd",
    "mac.rows",
    "mac.cols",
    "mac.dataflow",
    "mac.actBits",
    "pool.lanes",
    "pool.outBits",
    "pool.mode",
    "vector.lanes",
    "dram.ideal",
  ].includes(path);
}

/**
 * The inputs the parameter string does not show, in canonical form: the other scalars and the prices
 * given explicitly (derived prices are functions of the scalars). Two configs with equal parameter
 * strings and equal extras are the same machine.
 */
export function extrasKey(values: ReadonlyMap<string, unknown>, explicitPrices: ReadonlyMap<string, number>): string {
  const ideal = values.get("dram.ideal") === true;
  const rest: Record<string, unknown> = {};
  for (const [k, v] of values) if (!shownInParamString(k, ideal)) rest[k] = v;
  for (const [k, v] of explicitPrices) rest[k] = v;
  return canonicalJson(rest);
}

/**
 * The id: preset name + parameter string; when the config also differs from its preset in an input the
 * parameter string does not show (banks, latency, a price…), "-x" + 8 hex digits of the hash follow,
 * so two different configs never share an id.
 */
export function configId(c: Core, hash: string, extras: string, presetExtras: string): string {
  const base = `${c.preset}-${paramString(c)}`;
  return extras === presetExtras ? base : `${base}-x${hash.slice(0, 8)}`;
}
