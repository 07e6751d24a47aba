// The terminal summary: cycles, latency, utilisation per unit, energy per component with shares, hardware adds vs
// MACs, and the layers that took longest. Colours only when asked (the CLI asks when stdout is a terminal).

import { Chalk } from "chalk";
import { ENERGY_COMPONENTS } from "../isa/counters.js";
import type { Report } from "./report.js";
import { weightPlacementText } from "./weight-store.js";

const fmt = (x: number): string => {
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (a >= 1e3) return `${(x / 1e3).toFixed(2)} k`;
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
};
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const joules = (pj: number): string =>
  Number.isNaN(pj)
    ? "–"
    : pj >= 1e6
      ? `${(pj / 1e6).toFixed(3)} uJ`
      : pj >= 1e3
        ? `${(pj / 1e3).toFixed(3)} nJ`
        : `${pj.toFixed(2)} pJ`;

export function summaryText(r: Report, opts: { color: boolean; topLayers?: number }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const t = r.totals;
  const lines: string[] = [];
  lines.push(
    c.bold(`${r.model}  ${r.mode} ${r.dtype}  on ${r.hw.id}`) +
      c.dim(`  (${r.engine} engine${r.timing_only ? ", timing only" : ""})`),
  );
  lines.push(
    `  cycles      ${c.cyan(fmt(t.cycles))}  (${(t.seconds * 1e3).toFixed(3)} ms at ${r.hw.clock_mhz} MHz; bound ${fmt(t.bound_cycles)}, ${pct(t.bound_cycles / Math.max(1, t.cycles))} of it)`,
  );
  lines.push(
    `  utilisation mac ${pct(t.utilization.mac)}  sum-pool ${pct(t.utilization.sumpool)}  vector ${pct(t.utilization.vector)}  dma ${pct(t.utilization.dma)}`,
  );
  lines.push(
    `  work        ${fmt(t.macs)} MACs, ${fmt(t.spu_adds)} sum-pool adds, ${fmt(t.adds)} adds in all, ${fmt(t.mults)} mults, ${fmt(t.dram_bytes)}B DRAM`,
  );
  const e = t.energy_pj;
  if (t.energy_note) lines.push(`  energy      not priced: ${t.energy_note}`);
  else {
    lines.push(
      `  energy      ${c.yellow(joules(e.total))}  (${(e.total / Math.max(1, t.macs)).toFixed(3)} pJ per MAC; ${r.hw.resolved.techNm} nm, ${r.hw.resolved.vdd} V)`,
    );
    for (const k of ENERGY_COMPONENTS) {
      const share = e.total > 0 ? e[k] / e.total : 0;
      const bar = "#".repeat(Math.round(share * 30));
      lines.push(`    ${k.padEnd(9)} ${joules(e[k]).padStart(11)} ${pct(share).padStart(6)} ${c.green(bar)}`);
    }
    const u = t.energy_by_unit_pj;
    lines.push(
      `    by unit: MAC array ${joules(u.mac)}, sum-pool ${joules(u.sumpool)}, vector ${joules(u.vector)}, DMA + DRAM ${joules(u.dma)}, leakage ${joules(u.leakage)}`,
    );
  }
  lines.push(`  weights     ${weightPlacementText(r.totals.weights_on_chip)}`);
  const a = t.area_mm2;
  const sramArea = Object.entries(a)
    .filter(([k]) => k.startsWith("sram."))
    .reduce((s, [, v]) => s + v, 0);
  const store = (a["wstore"] ?? 0) > 0 ? `, weight store ${(a["wstore"] ?? 0).toFixed(3)}` : "";
  lines.push(
    `  area        ${(a["total"] ?? 0).toFixed(3)} mm²: MAC array ${(a["mac"] ?? 0).toFixed(3)}, sum-pool adders ${(a["pool"] ?? 0).toFixed(3)}, vector ${(a["vec"] ?? 0).toFixed(3)}, SRAM ${sramArea.toFixed(3)}${store}`,
  );
  const top = [...r.layers].sort((a, b) => b.cycles - a.cycles).slice(0, opts.topLayers ?? 5);
  if (top.length > 0) {
    lines.push(c.bold("  top layers by cycles"));
    for (const l of top)
      lines.push(
        `    ${l.name.padEnd(24)} ${l.kind.padEnd(8)} ${fmt(l.cycles).padStart(9)} cyc  bound ${fmt(l.bound_cycles).padStart(9)}  ${fmt(l.macs).padStart(9)} MACs  ${fmt(l.spu_adds).padStart(9)} pool adds  ${joules(l.energy_pj).padStart(11)}`,
      );
  }
  return `${lines.join("\n")}\n`;
}
