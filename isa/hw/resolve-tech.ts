// The technology point of a configuration: node, logic and SRAM supplies and the clock, resolved through the
// layers (preset chain < --hw file < --set) with one rule:
//
//   every technology-dependent figure given in a layer holds at that layer's node and supply; a later layer that
//   changes techNm or vdd without restating it re-derives it.
//
// - vdd: a layer that changes techNm without giving vdd moves to the new node's nominal supply.
// - vddSram: derived max(vdd, 0.7 V) unless given; a given one stays until the node changes.
// - clock_mhz: the last layer that gives it fixes a design point (clock, node, vdd). A later change of node or
//   supply re-derives the clock from that point: f = f0 x speed(node, vdd) / speed(node0, vdd0) with the
//   alpha-power law (nodes.ts speed), rounded down to a whole MHz. A clock given together with a different node
//   or supply than the design point below it must not exceed that derived clock (timing would fail): an error.
// - prices (energy, leakage, area) given in a layer are scaled from that layer's point to the final one
//   (isa/hw/config.ts); derived prices are computed at the final point directly.

import { InputError } from "../errors.js";
import type { Layer } from "./config.js";
import { ALPHA_POWER, dynamicFactor, nodeInfo, speed } from "./tech/nodes.js";
import { sramScale } from "./tech/sram.js";

/** SRAM cells keep this supply floor on their own rail (low-power-targets.md §3.1 item 4, assumption). */
export const SRAM_VMIN = 0.7;

/** How far above its nominal supply a node may be driven. */
export const VDD_MAX_OVER_NOMINAL = 1.1;

export interface TechPoint {
  readonly techNm: number;
  readonly vdd: number;
  readonly vddSram: number;
}

export interface TechResolution {
  readonly final: TechPoint & { readonly vth: number; readonly clock_mhz: number };
  /** Where the final vdd, vddSram and clock come from. */
  readonly sources: Readonly<Record<"vdd" | "vddSram" | "clock_mhz", string>>;
  /** The point in effect after each layer (for prices given in that layer). */
  readonly after: readonly TechPoint[];
}

const same = (a: TechPoint, b: { techNm: number; vdd: number }) => a.techNm === b.techNm && a.vdd === b.vdd;

const mhz = (x: number): string => String(Number(x.toPrecision(6)));

export function resolveTech(layers: readonly Layer[], where: string): TechResolution {
  let vth: number | undefined;
  for (const l of layers) if (l.values.has("vth")) vth = l.values.get("vth") as number;
  if (vth === undefined) throw new InputError(`${where}: missing key 'vth'`);
  const speedAt = (p: { techNm: number; vdd: number }) => speed(p.techNm, p.vdd, vth);
  const law = `alpha-power law f ~ (V - ${vth} V)^${ALPHA_POWER} / V (Sakurai & Newton 1990), delay ~ node (Accelergy)`;

  let point: TechPoint | undefined;
  let vddSramGiven = false;
  let anchor: { clock: number; techNm: number; vdd: number; origin: string } | undefined;
  const sources = { vdd: "", vddSram: "", clock_mhz: "" };
  const after: TechPoint[] = [];
  for (const l of layers) {
    const givenNm = l.values.get("techNm") as number | undefined;
    const techNm = givenNm ?? point?.techNm;
    if (techNm === undefined) throw new InputError(`${where}: missing key 'techNm'`);
    const node = nodeInfo(techNm);
    const nodeChanged = point !== undefined && techNm !== point.techNm;
    const givenVdd = l.values.get("vdd") as number | undefined;
    let vdd: number;
    if (givenVdd !== undefined) {
      if (givenVdd > node.vnom * VDD_MAX_OVER_NOMINAL + 1e-12)
        throw new InputError(
          `${l.origin}: vdd = ${givenVdd} V is above ${VDD_MAX_OVER_NOMINAL} x the ${techNm} nm nominal supply (${node.vnom} V)`,
        );
      vdd = givenVdd;
      sources.vdd = l.sources.get("vdd") ?? l.provenance;
    } else if (point === undefined || nodeChanged) {
      vdd = node.vnom;
      sources.vdd = `derived: nominal supply of ${techNm} nm (${node.source})`;
    } else vdd = point.vdd;

    const givenSram = l.values.get("vddSram") as number | undefined;
    let vddSram: number;
    if (givenSram !== undefined) {
      vddSram = givenSram;
      vddSramGiven = true;
      sources.vddSram = l.sources.get("vddSram") ?? l.provenance;
    } else if (vddSramGiven && !nodeChanged && point !== undefined) vddSram = point.vddSram;
    else {
      vddSramGiven = false;
      vddSram = Math.max(vdd, SRAM_VMIN);
      sources.vddSram = `derived: max(vdd ${vdd} V, ${SRAM_VMIN} V SRAM floor) (low-power-targets.md §3.1, assumption)`;
    }
    point = { techNm, vdd, vddSram };

    const givenClock = l.values.get("clock_mhz") as number | undefined;
    if (givenClock !== undefined) {
      if (anchor !== undefined && !same(point, anchor)) {
        const max = (anchor.clock * speedAt(point)) / speedAt(anchor);
        if (givenClock > max * (1 + 1e-9))
          throw new InputError(
            `${l.origin}: clock_mhz = ${givenClock} is impossible at ${techNm} nm and ${vdd} V: the design runs ${mhz(anchor.clock)} MHz at ${anchor.techNm} nm and ${anchor.vdd} V (${anchor.origin}), and the ${law} allows at most ${mhz(max)} MHz`,
          );
      }
      anchor = { clock: givenClock, techNm, vdd, origin: l.origin };
      sources.clock_mhz = l.sources.get("clock_mhz") ?? l.provenance;
    }
    after.push(point);
  }
  if (point === undefined || anchor === undefined) throw new InputError(`${where}: missing key 'clock_mhz'`);
  if (point.vdd <= vth)
    throw new InputError(
      `${where}: vdd = ${point.vdd} V does not exceed the threshold voltage vth = ${vth} V: the alpha-power law gives no clock`,
    );
  let clock = anchor.clock;
  if (!same(point, anchor)) {
    const ratio = speedAt(point) / speedAt(anchor);
    clock = Math.floor(anchor.clock * ratio);
    if (clock < 1)
      throw new InputError(`${where}: vdd = ${point.vdd} V leaves a clock below 1 MHz (${mhz(anchor.clock * ratio)})`);
    sources.clock_mhz = `derived: ${mhz(anchor.clock)} MHz at ${anchor.techNm} nm ${anchor.vdd} V (${anchor.origin}) x ${ratio.toPrecision(3)} by the ${law}, rounded down`;
  }
  return { final: { ...point, vth, clock_mhz: clock }, sources, after };
}

/** Factor of a price domain at a point, relative to 45 nm / 0.9 V (wires: relative to 1 V). */
export function domainFactor(domain: "logic" | "sram" | "wire" | "offchip", p: TechPoint): number {
  switch (domain) {
    case "logic":
      return dynamicFactor(p.techNm, p.vdd).value;
    case "sram":
      return sramScale(p.techNm, p.vddSram);
    case "wire":
      return p.vdd * p.vdd;
    case "offchip":
      return 1;
  }
}
