// layers.csv: header and rows from ONE column list, so they cannot drift apart.

import type { Report, LayerReport } from "./report.js";

const COLUMNS: readonly (readonly [string, (l: LayerReport) => string | number | null])[] = [
  ["name", (l) => l.name],
  ["kind", (l) => l.kind],
  ["c", (l) => l.c],
  ["n", (l) => l.n],
  ["R", (l) => l.R],
  ["residual", (l) => l.residual],
  ["start", (l) => l.start],
  ["end", (l) => l.end],
  ["cycles", (l) => l.cycles],
  ["bound_cycles", (l) => l.bound_cycles],
  ["macs", (l) => l.macs],
  ["mults", (l) => l.mults],
  ["adds", (l) => l.adds],
  ["spu_adds", (l) => l.spu_adds],
  ["dram_bytes", (l) => l.dram_bytes],
  ["busy_mac", (l) => l.busy.mac],
  ["busy_sumpool", (l) => l.busy.sumpool],
  ["busy_vector", (l) => l.busy.vector],
  ["busy_dma", (l) => l.busy.dma],
  ["energy_pj", (l) => l.energy_pj],
  ["energy_mac_pj", (l) => l.energy.mac],
  ["energy_sumpool_pj", (l) => l.energy.sumpool],
  ["energy_vector_pj", (l) => l.energy.vector],
  ["energy_sram_pj", (l) => l.energy.sram],
  ["energy_dram_pj", (l) => l.energy.dram],
  ["energy_leakage_pj", (l) => l.energy.leakage],
  ["energy_control_pj", (l) => l.energy.control],
  ["paper_macs", (l) => l.paper.macs],
  ["paper_adds", (l) => l.paper.adds],
];

export const CSV_COLUMNS: readonly string[] = COLUMNS.map(([k]) => k);

function cell(v: string | number | null): string {
  if (v === null) return "";
  const s = typeof v === "number" ? String(Number.isInteger(v) ? v : Number(v.toPrecision(8))) : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function layersCsv(report: Report): string {
  const lines = [COLUMNS.map(([k]) => k).join(",")];
  for (const l of report.layers) lines.push(COLUMNS.map(([, get]) => cell(get(l))).join(","));
  return `${lines.join("\n")}\n`;
}
