// Every value the configuration derives from its parameters, in one place: SRAM bytes, DRAM bytes per
// cycle, peak rates, unit instance counts, the geometry-dependent prices (SRAM energy from CACTI rows,
// leakage and area from the parts), the id string and the hash.

import { createHash } from "node:crypto";
import { QUEUES, WORD_BITS } from "../instructions.js";
import type { HwConfig, Sourced, SramConfig } from "./types.js";
import {
  ADDERS,
  COMPARATOR8,
  REGISTER_BIT,
  SHIFTER32,
  describeCactiRow,
  multiplier,
  nearestCactiRow,
  type PartFigures,
} from "./tech45.js";

/** Keep derived figures readable (0.2*8 = 1.6000000000000003 otherwise). */
export function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
}

export function dramBytesPerCycle(gbps: number, clockMhz: number, ideal: boolean): number {
  return ideal ? Infinity : (gbps * 1e9) / (clockMhz * 1e6);
}

export function sramBytes(kib: number): number {
  return kib * 1024;
}

/** The parameters the derivations read (the scalar part of a resolved config). */
export type HwParams = Pick<HwConfig, "mac" | "pool" | "vector" | "sram" | "techNm">;

/** SRAM prices of one buffer from its CACTI-45 nm row (energy-reference §2d). */
export function sramPrices(
  name: string,
  s: Pick<SramConfig, "kib" | "banks" | "rowBits">,
): {
  read: Sourced;
  write: Sourced;
  leak: Sourced;
  area: Sourced;
} {
  const { row, exact } = nearestCactiRow(s.kib, s.rowBits, s.banks);
  const bytes = row.rowBits / 8;
  const rowName = `CACTI 7 45 nm row ${describeCactiRow(row)} (energy-reference §2d)`;
  const nearestNote = exact
    ? ""
    : `; nearest row to sram.${name} = ${s.kib} KiB x ${s.rowBits}-bit${s.banks > 1 ? `, ${s.banks} banks` : ""} (no exact row)`;
  const scale = s.kib / row.kib;
  const scaleNote = scale === 1 ? "" : ` x ${tidy(scale)} (capacity ratio ${s.kib}/${row.kib} KiB)`;
  return {
    read: {
      value: tidy(row.readPj / bytes),
      unit: "pJ/byte",
      source: `${rowName}: ${row.readPj} pJ per read / ${bytes} B${nearestNote}`,
    },
    write: {
      value: tidy(row.writePj / bytes),
      unit: "pJ/byte",
      source: `${rowName}: ${row.writePj} pJ per write / ${bytes} B${nearestNote}`,
    },
    leak: {
      value: tidy(row.leakUw * scale),
      unit: "uW",
      source: `${rowName}: ${row.leakUw} uW${scaleNote}${nearestNote}`,
    },
    area: {
      value: tidy(row.areaMm2 * 1e6 * scale),
      unit: "um^2",
      source: `${rowName}: ${row.areaMm2} mm^2${scaleNote}${nearestNote}`,
    },
  };
}

/** A unit's parts; leakage and area of one instance are their sums. */
function unitParts(unit: string, p: HwParams): { parts: PartFigures[]; what: string } | undefined {
  switch (unit) {
    case "mac":
      return {
        parts: [multiplier(p.mac.actBits, p.mac.weightBits), ADDERS[p.mac.accBits]],
        what: `one MAC cell = ${p.mac.actBits}x${p.mac.weightBits} multiplier + ${p.mac.accBits}-bit adder (A7 convention)`,
      };
    case "pool":
      return { parts: [ADDERS[p.pool.outBits]], what: `one ${p.pool.outBits}-bit sum-pool adder` };
    case "vec":
      return {
        parts: [ADDERS[32], multiplier(32, 16), SHIFTER32, COMPARATOR8],
        what: "one vector lane = 32-bit adder + 32x16 multiplier + 32-bit shifter + 8-bit comparator",
      };
    case "dma": {
      const reg: PartFigures = {
        leakUw: REGISTER_BIT.leakUw * WORD_BITS,
        areaUm2: REGISTER_BIT.areaUm2 * WORD_BITS,
        source: `${WORD_BITS} x ${REGISTER_BIT.source}`,
      };
      return {
        parts: [reg],
        what: `one DMA engine = its ${WORD_BITS}-bit instruction register (assumption: address logic not modelled)`,
      };
    }
    default:
      return undefined;
  }
}

/** Derived leakage (uW) or area (um^2) of one instance of a leaking unit. */
export function derivedUnitFigure(table: "leakage" | "area", unit: string, p: HwParams): Sourced {
  if (unit.startsWith("sram.")) {
    const name = unit.slice(5) as keyof HwParams["sram"];
    const prices = sramPrices(name, p.sram[name]);
    return table === "leakage" ? prices.leak : prices.area;
  }
  const u = unitParts(unit, p);
  if (u === undefined) throw new Error(`no derivation for ${table}.${unit}`);
  const pick = (x: PartFigures) => (table === "leakage" ? x.leakUw : x.areaUm2);
  const value = tidy(u.parts.reduce((s, x) => s + pick(x), 0));
  const terms = u.parts.map((x) => `${tidy(pick(x))} (${x.source})`).join(" + ");
  return { value, unit: table === "leakage" ? "uW" : "um^2", source: `derived, ${u.what}: ${terms}` };
}

/** Derived energy of an SRAM counter ("sram.act.read"). */
export function derivedEnergy(counter: string, p: HwParams): Sourced | undefined {
  const m = /^sram\.(\w+)\.(read|write)$/.exec(counter);
  if (!m) return undefined;
  const name = m[1] as keyof HwParams["sram"];
  const prices = sramPrices(name, p.sram[name]);
  return m[2] === "read" ? prices.read : prices.write;
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
  for (const b of Object.keys(p.sram)) out[`sram.${b}`] = 1;
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
    dram,
    `${c.clock_mhz}mhz`,
  ].join("-");
}

/** Scalar keys the parameter string shows (sram.<buf>.kib too; dram.gbps only when the DRAM is not ideal). */
function shownInParamString(path: string, ideal: boolean): boolean {
  if (/^sram\.\w+\.kib$/.test(path)) return true;
  if (path === "dram.gbps") return !ideal;
  return [
    "clock_mhz",
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
