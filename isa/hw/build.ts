// Resolving validated layers into the frozen HwConfig: merge (later wins), resolve the technology point
// (resolve-tech.ts), derive every price not given (pricing.ts) and scale every given one from the point of the
// layer that gave it to the final point, then the floorplan, id and hash.

import { InputError } from "../errors.js";
import { BUFFERS } from "../instructions.js";
import { LEAKING_UNITS } from "../counters.js";
import { LEAVES, TABLES, tableSpec, type Scalar } from "./schema.js";
import { configHash, configId, dramBytesPerCycle, extrasKey, sramBytes, unitInstances } from "./derive.js";
import { derivedEnergy, derivedUnitFigure, flopsPerInstance, tidy, type HwParams } from "./pricing.js";
import { domainFactor, resolveTech, type TechPoint } from "./resolve-tech.js";
import { areaFactor, dynamicFactor, leakageFactor, nodeInfo } from "./tech/nodes.js";
import { domainOf } from "./tech/prices.js";
import type { Layer } from "./config.js";
import type { BufferName, HwConfig, Sourced, SramConfig } from "./types.js";

/** A price given in some layer, with the technology point of that layer. */
interface GivenPrice extends Sourced {
  readonly at: TechPoint;
}

/** Flattens layers, later winning; a price keeps the source its layer gave, else "user override". */
function mergeLayers(layers: readonly Layer[], after?: readonly TechPoint[]) {
  const values = new Map<string, Scalar>();
  const sources = new Map<string, string>();
  const prices = new Map<string, GivenPrice>();
  let description: string | undefined;
  layers.forEach((l, i) => {
    for (const [k, v] of l.values) {
      values.set(k, v);
      sources.set(k, l.sources.get(k) ?? l.provenance);
    }
    for (const [k, s] of l.sources) sources.set(k, s);
    for (const [k, p] of l.prices) {
      const [table, ...rest] = k.split(".");
      const unit = tableSpec(table!)!.unitOf(rest.join("."));
      const at = after?.[i] ?? { techNm: 0, vdd: 0, vddSram: 0 };
      prices.set(k, { value: p.value, unit, source: p.source ?? `user override (${l.origin})`, at });
    }
    if (l.description !== undefined) description = l.description;
  });
  return { values, sources, prices, description };
}

const f3 = (x: number): string => String(Number(x.toPrecision(3)));

/** The factor that carries a given price from its layer's point to the final one. */
function rescale(table: string, key: string, from: TechPoint, to: TechPoint): { value: number; why: string } {
  const same = from.techNm === to.techNm && from.vdd === to.vdd && from.vddSram === to.vddSram;
  if (same) return { value: 1, why: "" };
  const sram = key.startsWith("sram.") || key === "wstore";
  let k: number;
  if (table === "area") k = areaFactor(to.techNm).value / areaFactor(from.techNm).value;
  else if (table === "leakage") {
    const v = (p: TechPoint) => (sram ? p.vddSram : p.vdd);
    k = leakageFactor(to.techNm, v(to)).value / leakageFactor(from.techNm, v(from)).value;
  } else {
    const d = domainOf(key);
    k = domainFactor(d, to) / domainFactor(d, from);
  }
  const pt = (p: TechPoint) => `${p.techNm} nm ${sram || domainOf(key) === "sram" ? p.vddSram : p.vdd} V`;
  return { value: k, why: k === 1 ? "" : ` x ${f3(k)} (given at ${pt(from)}, scaled to ${pt(to)})` };
}

/** A resolved configuration before its id, with the extras key that tells a variant from its preset. */
export interface Resolved {
  readonly core: Omit<HwConfig, "id" | "hash">;
  readonly hash: string;
  readonly extras: string;
}

export function resolveLayers(layers: readonly Layer[], preset: string, presetExtras: string): HwConfig {
  const r = resolveCore(layers, preset);
  return deepFreeze({ id: configId(r.core, r.hash, r.extras, presetExtras), hash: r.hash, ...r.core });
}

export function resolveCore(layers: readonly Layer[], preset: string): Resolved {
  const where = layers.map((l) => l.origin).join(" + ");
  const tech = resolveTech(layers, where);
  const { values, sources, prices, description } = mergeLayers(layers, tech.after);
  for (const k of ["vdd", "vddSram", "clock_mhz"] as const) sources.set(k, tech.sources[k]);
  const resolvedByTech = new Set(["techNm", "vdd", "vddSram", "vth", "clock_mhz"]);
  for (const [path] of LEAVES)
    if (!values.has(path) && !resolvedByTech.has(path)) throw new InputError(`${where}: missing key '${path}'`);

  const num = (k: string) => values.get(k) as number;
  const sram = Object.fromEntries(
    BUFFERS.map((b) => {
      const kib = num(`sram.${b}.kib`);
      const s: SramConfig = {
        kib,
        banks: num(`sram.${b}.banks`),
        rowBits: num(`sram.${b}.rowBits`),
        bytes: sramBytes(kib),
      };
      return [b, s];
    }),
  ) as Record<BufferName, SramConfig>;
  for (const b of BUFFERS)
    if (sram[b].kib === 0 && b !== "pool")
      throw new InputError(
        `${where}: sram.${b}.kib = 0: every machine needs its ${b} buffer (only the pool buffer may be 0)`,
      );
  const rows = num("mac.rows");
  const actBits = num("mac.actBits") as 8 | 16;
  const params: HwParams = {
    techNm: tech.final.techNm,
    vdd: tech.final.vdd,
    vddSram: tech.final.vddSram,
    mac: {
      rows,
      cols: num("mac.cols"),
      dataflow: values.get("mac.dataflow") as HwConfig["mac"]["dataflow"],
      actBits,
      weightBits: 8,
      accBits: 32,
      inputReuse: values.get("mac.inputReuse") as HwConfig["mac"]["inputReuse"],
      psumBits: Math.min(32, actBits + 8 + Math.ceil(Math.log2(rows))),
    },
    pool: {
      lanes: num("pool.lanes"),
      mode: values.get("pool.mode") as HwConfig["pool"]["mode"],
      outBits: num("pool.outBits") as 8 | 16 | 32,
      fill: num("pool.fill"),
    },
    vector: { lanes: num("vector.lanes"), fill: num("vector.fill") },
    sram,
    wstore: { kib: num("wstore.kib"), rowBits: num("wstore.rowBits"), bytes: sramBytes(num("wstore.kib")) },
  };

  const tables: Record<string, Record<string, Sourced>> = { energy: {}, leakage: {}, area: {} };
  /** Given prices that differ from what would be derived: they make a variant (an equal one does not). */
  const overrides = new Map<string, number>();
  for (const t of TABLES) {
    for (const key of t.keys) {
      const given = prices.get(`${t.name}.${key}`);
      let entry: Sourced;
      if (given !== undefined) {
        const r = rescale(t.name, key, given.at, tech.final);
        entry = { value: tidy(given.value * r.value), unit: given.unit, source: `${given.source}${r.why}` };
        const derived = t.name === "energy" ? derivedEnergy(key, params) : derivedUnitFigure(t.name, key, params);
        if (derived.value !== entry.value) overrides.set(`${t.name}.${key}`, entry.value);
      } else if (t.derivable(key))
        entry = t.name === "energy" ? derivedEnergy(key, params) : derivedUnitFigure(t.name, key, params);
      else
        throw new InputError(
          `${where}: the ${t.name} table has no price for counter '${key}' (add ${t.name}.${key} in ${t.unitOf(key)})`,
        );
      tables[t.name]![key] = entry;
    }
  }

  const instances = unitInstances(params);
  const side = (unit: string) => Math.sqrt((tables["area"]![unit]!.value * instances[unit]!) / 1e6);
  const floorplan: HwConfig["floorplan"] = {
    sideMm: Object.fromEntries(LEAKING_UNITS.map((u) => [u, tidy(side(u))])),
    macPitchMm: tidy(Math.sqrt(tables["area"]!["mac"]!.value) / 1000),
    flops: Object.fromEntries((["mac", "pool", "vec", "dma"] as const).map((u) => [u, flopsPerInstance(u, params)])),
  };
  const node = nodeInfo(params.techNm);
  const clock = tech.final.clock_mhz;
  const core: Omit<HwConfig, "id" | "hash"> = {
    preset,
    ...(description !== undefined ? { description } : {}),
    techNm: params.techNm,
    vdd: params.vdd,
    vddSram: params.vddSram,
    vth: tech.final.vth,
    clock_mhz: clock,
    tech: {
      kind: node.kind,
      vnom: node.vnom,
      dynamic: dynamicFactor(params.techNm, params.vdd),
      leakage: leakageFactor(params.techNm, params.vdd),
      sramLeakage: leakageFactor(params.techNm, params.vddSram),
      area: areaFactor(params.techNm),
      clock: tech.sources.clock_mhz,
    },
    mac: params.mac,
    pool: params.pool,
    vector: params.vector,
    dram: {
      gbps: num("dram.gbps"),
      latency: values.get("dram.ideal") ? 0 : num("dram.latency"),
      ideal: values.get("dram.ideal") as boolean,
      bytesPerCycle: dramBytesPerCycle(num("dram.gbps"), clock, values.get("dram.ideal") as boolean),
    },
    sram,
    wstore: params.wstore,
    floorplan,
    issueCycles: num("issueCycles"),
    energy: tables["energy"]!,
    leakage: tables["leakage"]!,
    area: tables["area"]!,
    peak: {
      macsPerCycle: params.mac.rows * params.mac.cols,
      addsPerCycle: params.pool.lanes,
      vecPerCycle: params.vector.lanes,
    },
    sources: Object.fromEntries(LEAVES.map(([p]) => [p, sources.get(p) ?? "default"])),
    instances,
  };
  return { core, hash: configHash(core), extras: extrasKey(values, overrides) };
}

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === "object" && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}
