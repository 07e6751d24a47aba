// `sumac hw [preset]`: the resolved hardware configuration, as a readable table or as JSON.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";
import { PRESET_NAMES } from "../../isa/hw/config.js";
import { isaFitViolations } from "../../isa/hw/fits.js";
import { LEAVES, TABLES } from "../../isa/hw/schema.js";
import type { HwConfig } from "../../isa/hw/types.js";
import { hwOptions, resolveHwFromArgs } from "../hw-options.js";

type Row = readonly [key: string, value: string, unit: string, source: string];

function valueAt(hw: HwConfig, path: string): unknown {
  let cur: unknown = hw;
  for (const p of path.split(".")) cur = (cur as Record<string, unknown>)[p];
  return cur;
}

function fmt(x: unknown): string {
  if (typeof x !== "number") return String(x);
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return String(Number(x.toPrecision(6)));
}

function table(rows: readonly Row[]): string {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => `  ${r[0].padEnd(w[0]!)}  ${r[1].padStart(w[1]!)}  ${r[2].padEnd(w[2]!)}  ${r[3]}`.trimEnd())
    .join("\n");
}

/** The text report: parameters, derived values, prices, ISA fit. */
export function formatHwText(hw: HwConfig): string {
  const out: string[] = [];
  out.push(
    `hardware ${hw.id}`,
    `hash     ${hw.hash}`,
    `preset   ${hw.preset}${hw.description ? `: ${hw.description}` : ""}`,
    "",
  );
  const header: Row = ["key", "value", "unit", "source"];
  out.push("parameters");
  out.push(
    table([header, ...LEAVES.map(([p, spec]): Row => [p, fmt(valueAt(hw, p)), spec.unit, hw.sources?.[p] ?? ""])]),
  );
  const derived: Row[] = [
    [
      "dram.bytesPerCycle",
      fmt(hw.dram.bytesPerCycle),
      "B/cycle",
      hw.dram.ideal ? "dram.ideal: unlimited" : "gbps * 1e9 / (clock_mhz * 1e6)",
    ],
    ...(hw.dram.ideal ? [["dram.latency", "0", "cycles", "dram.ideal: zero latency"] as Row] : []),
    ...Object.entries(hw.sram).map(([b, s]): Row => [`sram.${b}.bytes`, fmt(s.bytes), "B", "kib * 1024"]),
    ["peak.macsPerCycle", fmt(hw.peak.macsPerCycle), "MAC/cycle", "mac.rows * mac.cols"],
    ["peak.addsPerCycle", fmt(hw.peak.addsPerCycle), "add/cycle", "pool.lanes"],
    ["peak.vecPerCycle", fmt(hw.peak.vecPerCycle), "op/cycle", "vector.lanes"],
    ...Object.entries(hw.instances ?? {}).map(([u, n]): Row => [
      `instances.${u}`,
      fmt(n),
      "",
      "units that leak and occupy area",
    ]),
  ];
  const t = hw.tech;
  const tech: Row[] = [
    ["node", `${hw.techNm}`, "nm", `${t.kind}, nominal supply ${t.vnom} V`],
    ["dynamic energy", fmt(t.dynamic.value), "x 45 nm 0.9 V", t.dynamic.why],
    ["leakage power", fmt(t.leakage.value), "x 45 nm 0.9 V", `logic at ${hw.vdd} V: ${t.leakage.why}`],
    ["SRAM leakage", fmt(t.sramLeakage.value), "x 45 nm 0.9 V", `SRAM at ${hw.vddSram} V: ${t.sramLeakage.why}`],
    ["area", fmt(t.area.value), "x 45 nm", t.area.why],
    ["clock", fmt(hw.clock_mhz), "MHz", t.clock],
  ];
  const plan: Row[] = [
    ...Object.entries(hw.floorplan.sideMm)
      .filter(([, v]) => v > 0)
      .map(([u, v]): Row => [`floorplan.${u}`, fmt(v), "mm", "side of the block as a square (its area x instances)"]),
    [
      "floorplan.macPitch",
      fmt(hw.floorplan.macPitchMm),
      "mm",
      "side of one MAC cell: the hop of every pipeline register",
    ],
    ...Object.entries(hw.floorplan.flops).map(([u, n]): Row => [
      `flops.${u}`,
      fmt(n),
      "per instance",
      "flip-flops clocked per busy cycle (clock tree energy)",
    ]),
  ];
  out.push("", "technology (every derived price below carries these factors)", table([header, ...tech]));
  out.push("", "derived", table([header, ...derived, ...plan]));
  for (const t of TABLES) {
    const entries = hw[t.name];
    out.push("", `${t.name}: ${t.doc}`);
    out.push(table([header, ...Object.entries(entries).map(([k, e]): Row => [k, fmt(e.value), e.unit, e.source])]));
  }
  const v = isaFitViolations(hw);
  out.push("", v.length === 0 ? "fits the ISA: yes" : `fits the ISA: NO\n${v.map((l) => `  ${l}`).join("\n")}`);
  return `${out.join("\n")}\n`;
}

export const hwCommand: SumacCommand = {
  builder: (y) =>
    hwOptions(
      y
        .positional("preset", {
          type: "string",
          describe: `base preset (${PRESET_NAMES.join(", ")}); --hw outranks it`,
        })
        .option("json", {
          type: "string",
          describe: "print JSON instead of the table (to a file when given a path; - or nothing: stdout)",
        }),
    ),
  examples: [
    ["sumac hw edge", "the edge preset with every value, unit and source"],
    ["sumac hw tiny --set mac.rows=16 --set dram.ideal=true", "a variant of tiny"],
    ["sumac hw --hw my.json --set energy.mac.mult8=0.25", 'a JSON file (it may name "preset"), then a price override'],
    ["sumac hw edge --json -", "the resolved config as JSON"],
  ],
  handler: (args, ctx) => {
    const preset = args["preset"];
    if (preset !== undefined && typeof preset !== "string") throw new InputError("the preset must be a name");
    const hw = resolveHwFromArgs(args, ctx.io, preset);
    const json = args["json"];
    if (json === undefined) {
      ctx.io.stdout(formatHwText(hw));
      return 0;
    }
    const text = `${JSON.stringify(hw, null, 2)}\n`;
    if (typeof json === "string" && json !== "" && json !== "-") ctx.io.writeFile(json, text);
    else ctx.io.stdout(text);
    return 0;
  },
};
