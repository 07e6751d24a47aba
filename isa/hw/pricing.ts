// Every price the configuration derives (when a layer does not give it), at the resolved node and supplies:
// dynamic energy per counted action, leakage and area per unit instance, and the flip-flops each unit clocks.
// Fixed-width actions scale the 45 nm / 0.9 V base table (tech/prices.ts) by the node factors (tech/nodes.ts);
// SRAM macros, line buffers and the weight store come from the CACTI fit (tech/sram.ts); clock trees from the
// flip-flop count of each unit.

import { WORD_BITS } from "../instructions.js";
import type { HwConfig, Sourced } from "./types.js";
import { areaFactor, dynamicFactor, leakageFactor } from "./tech/nodes.js";
import { ADDERS, COMPARATOR8, SHIFTER32, multiplier, registers, type PartFigures } from "./tech/parts.js";
import { BASE_PRICES, CLOCK_FF_PER_FLOP, domainOf } from "./tech/prices.js";
import { sramFigures } from "./tech/sram.js";
import { priceUnit } from "../counters.js";

/** Keep derived figures readable (0.2*8 = 1.6000000000000003 otherwise). */
export function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
}

/** The parameters the derivations read (the scalar part of a resolved config). */
export type HwParams = Pick<HwConfig, "mac" | "pool" | "vector" | "sram" | "wstore" | "techNm" | "vdd" | "vddSram">;

/** Line buffers (the MAC feed's window, the sum-pool unit's passes) are priced as this SRAM macro (assumption). */
export const LINE_BUFFER = { kib: 2, rowBits: 128, banks: 1 } as const;

/** Vector-unit pipeline: four 32-bit stages per lane (bias add, multiply, shift, clamp). */
const VECTOR_STAGE_BITS = 4 * 32;
/** A DMA engine's address counters (channel, row, column) and its address adder. */
const DMA_COUNTER_BITS = 3 * 32;

const f3 = (x: number): string => String(Number(x.toPrecision(3)));

/** Flip-flops one instance of a unit clocks every busy cycle. */
export function flopsPerInstance(unit: "mac" | "pool" | "vec" | "dma", p: HwParams): number {
  switch (unit) {
    case "mac":
      return p.mac.actBits + p.mac.psumBits + p.mac.weightBits;
    case "pool":
      return 2 * p.pool.outBits;
    case "vec":
      return VECTOR_STAGE_BITS;
    case "dma":
      return WORD_BITS + DMA_COUNTER_BITS;
  }
}

/** A unit's parts at 45 nm; leakage and area of one instance are their sums. */
function unitParts(unit: string, p: HwParams): { parts: PartFigures[]; what: string } | undefined {
  switch (unit) {
    case "mac": {
      const bits = flopsPerInstance("mac", p);
      return {
        parts: [
          multiplier(p.mac.actBits, p.mac.weightBits),
          ADDERS[p.mac.accBits],
          registers(bits, "pipeline (activation, partial sum, weight)"),
        ],
        what: `one MAC cell = ${p.mac.actBits}x${p.mac.weightBits} multiplier + ${p.mac.accBits}-bit adder + ${p.mac.actBits}+${p.mac.psumBits}+${p.mac.weightBits} register bits`,
      };
    }
    case "pool":
      return {
        parts: [ADDERS[p.pool.outBits], registers(2 * p.pool.outBits, "input and output")],
        what: `one ${p.pool.outBits}-bit sum-pool adder with its input and output registers`,
      };
    case "vec":
      return {
        parts: [ADDERS[32], multiplier(32, 16), SHIFTER32, COMPARATOR8, registers(VECTOR_STAGE_BITS, "pipeline")],
        what: "one vector lane = 32-bit adder + 32x16 multiplier + 32-bit shifter + 8-bit comparator + 4 x 32 pipeline bits",
      };
    case "dma":
      return {
        parts: [registers(WORD_BITS + DMA_COUNTER_BITS, "instruction and address-counter"), ADDERS[32]],
        what: `one DMA engine = its ${WORD_BITS}-bit instruction register, three 32-bit address counters and a 32-bit address adder`,
      };
    default:
      return undefined;
  }
}

/** A memory macro of a unit name ("sram.act", "wstore"), or undefined. */
function memoryGeometry(unit: string, p: HwParams): { kib: number; rowBits: number; banks: number } | undefined {
  if (unit === "wstore") return { kib: p.wstore.kib, rowBits: p.wstore.rowBits, banks: 1 };
  if (unit.startsWith("sram.")) return p.sram[unit.slice(5) as keyof HwParams["sram"]];
  return undefined;
}

/** Derived leakage (uW) or area (um^2) of one instance of a leaking unit. */
export function derivedUnitFigure(table: "leakage" | "area", unit: string, p: HwParams): Sourced {
  const outUnit = table === "leakage" ? "uW" : "um^2";
  const mem = memoryGeometry(unit, p);
  if (mem !== undefined) {
    if (mem.kib === 0) return { value: 0, unit: outUnit, source: `none: ${unit} has 0 KiB` };
    const s = sramFigures(mem.kib, mem.rowBits, mem.banks, p.techNm, p.vddSram);
    const f = table === "leakage" ? leakageFactor(p.techNm, p.vddSram) : areaFactor(p.techNm);
    const base = table === "leakage" ? s.leakUw45 : s.areaMm2_45 * 1e6;
    const geometry = `${mem.kib} KiB x ${mem.rowBits}-bit${mem.banks > 1 ? `, ${mem.banks} banks` : ""}`;
    return {
      value: tidy(base * f.value),
      unit: outUnit,
      source: `CACTI 7 fit at 45 nm, ${geometry}: ${f3(base)} ${outUnit}${f.value === 1 ? "" : ` x ${f3(f.value)} (${f.why})`}`,
    };
  }
  const u = unitParts(unit, p);
  if (u === undefined) throw new Error(`no derivation for ${table}.${unit}`);
  const pick = (x: PartFigures) => (table === "leakage" ? x.leakUw : x.areaUm2);
  const base = u.parts.reduce((s, x) => s + pick(x), 0);
  const f = table === "leakage" ? leakageFactor(p.techNm, p.vdd) : areaFactor(p.techNm);
  const terms = u.parts.map((x) => `${tidy(pick(x))} (${x.source})`).join(" + ");
  const scaled = f.value === 1 ? "" : `; x ${f3(f.value)} (${f.why})`;
  return { value: tidy(base * f.value), unit: outUnit, source: `derived, ${u.what}: ${terms}${scaled}` };
}

/** A memory's per-byte read or write price from the CACTI fit. */
function memoryPrice(
  what: string,
  geometry: { kib: number; rowBits: number; banks: number },
  rw: "read" | "write",
  p: HwParams,
): Sourced {
  if (geometry.kib === 0) return { value: 0, unit: "pJ/byte", source: `none: ${what} has 0 KiB` };
  const s = sramFigures(geometry.kib, geometry.rowBits, geometry.banks, p.techNm, p.vddSram);
  const bytes = geometry.rowBits / 8;
  const pj = rw === "read" ? s.readPj : s.writePj;
  const g = `${geometry.kib} KiB x ${geometry.rowBits}-bit${geometry.banks > 1 ? `, ${geometry.banks} banks` : ""}`;
  return {
    value: tidy(pj / bytes),
    unit: "pJ/byte",
    source: `${what} ${g}: ${f3(pj)} pJ per ${rw} / ${bytes} B (${s.why})`,
  };
}

/** Derived energy of an action counter at the configuration's node and supplies. */
export function derivedEnergy(counter: string, p: HwParams): Sourced {
  const unit = priceUnit(counter);
  const m = /^sram\.(\w+)\.(read|write)$/.exec(counter);
  if (m) return memoryPrice(`sram.${m[1]}`, p.sram[m[1] as keyof HwParams["sram"]], m[2] as "read" | "write", p);
  if (counter === "lbuf.read" || counter === "lbuf.write")
    return memoryPrice(
      "line buffer (assumption: a 2 KiB SRAM macro)",
      LINE_BUFFER,
      counter === "lbuf.read" ? "read" : "write",
      p,
    );
  if (counter === "wstore.read")
    return memoryPrice("weight store", { kib: p.wstore.kib, rowBits: p.wstore.rowBits, banks: 1 }, "read", p);
  const clock = /^clock\.(mac|pool|vec|dma)$/.exec(counter);
  if (clock) {
    const u = clock[1] as "mac" | "pool" | "vec" | "dma";
    const n = u === "mac" ? p.mac.rows * p.mac.cols : u === "pool" ? p.pool.lanes : u === "vec" ? p.vector.lanes : 1;
    const flops = n * flopsPerInstance(u, p);
    const k = dynamicFactor(p.techNm, p.vdd);
    const base = flops * CLOCK_FF_PER_FLOP * 1e-3 * 0.9 * 0.9; // fF x V^2 = fJ; 1e-3 pJ per fJ
    return {
      value: tidy(base * k.value),
      unit,
      source: `clock tree: ${flops} flip-flops x ${CLOCK_FF_PER_FLOP} fF of clock wire and buffer per flip-flop (assumption) x (0.9 V)^2 at 45 nm${k.value === 1 ? "" : ` x ${f3(k.value)} (${k.why})`}`,
    };
  }
  const base = BASE_PRICES[counter as keyof typeof BASE_PRICES];
  if (base === undefined) throw new Error(`no base price for counter '${counter}'`);
  const domain = domainOf(counter);
  let f = { value: 1, why: "" };
  if (domain === "logic") f = dynamicFactor(p.techNm, p.vdd);
  else if (domain === "wire") f = { value: p.vdd * p.vdd, why: `(${p.vdd} V / 1 V)^2 CV^2` };
  const scaled = f.value === 1 ? "" : ` x ${f3(f.value)} (${f.why})`;
  return { value: tidy(base.value * f.value), unit, source: `${base.source}${scaled}` };
}
