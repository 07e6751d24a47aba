// `npm run bench`: speed of the compiler and simulator, each against a peer measured in the same run.
//  - event engine vs the cycle-stepped engine (same program, identical cycles: the peer is the naive way);
//  - functional int8 simulation vs the reference executor (plain loops, no timing);
//  - whole-network timing on ResNet-50, against the published speed of cycle-level peers (quoted, not run here).
import * as fs from "node:fs";
import { loadModel } from "../models/zoo.js";
import { presetConfig } from "../isa/hw/config.js";
import { compileDetailed } from "../compiler/compile.js";
import { runInt8 } from "../compiler/reference/int8.js";
import { quantizeInput } from "../compiler/reference/quant-io.js";
import { simulate } from "../simulator/simulate.js";
import { fillNormal, rngFromString } from "../models/rng.js";

const readFile = (p: string) => fs.readFileSync(p);

function time<T>(f: () => T, repeat = 1): { ms: number; value: T } {
  let value = f();
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) value = f();
  return { ms: (performance.now() - t0) / repeat, value };
}

function row(name: string, ms: number, peer?: { name: string; ms: number }): void {
  let ratio = "";
  if (peer) {
    const r = peer.ms / ms;
    ratio =
      r >= 1
        ? `  ${r.toFixed(1)}× faster than the ${peer.name} (${peer.ms.toFixed(1)} ms)`
        : `  ${(1 / r).toFixed(1)}× the time of the ${peer.name} (${peer.ms.toFixed(1)} ms)`;
  }
  console.log(`${name.padEnd(58)} ${ms.toFixed(1).padStart(9)} ms${ratio}`);
}

const tiny = presetConfig("tiny");
const edge = presetConfig("edge");

console.log("sumac bench (wall-clock, this machine; lower is better)\n");

// 1. event vs stepped engine on ResNet-20 struct-a, tiny preset
{
  const g = loadModel("resnet20:struct-a", { readFile });
  const c = time(() => compileDetailed(g, tiny, { mode: "structured", dtype: "int8" }));
  row("compile resnet20:struct-a int8 (tiny)", c.ms);
  const p = c.value.program;
  const ev = time(() => simulate(p, tiny, { timingOnly: true }), 3);
  const st = time(() => simulate(p, tiny, { timingOnly: true, engine: "stepped" }));
  if (ev.value.schedule.cycles !== st.value.schedule.cycles) throw new Error("engines disagree");
  row(`timing, event engine (${ev.value.schedule.cycles.toLocaleString()} cycles)`, ev.ms, {
    name: "stepped engine",
    ms: st.ms,
  });
  console.log(
    `${"  simulated cycles per wall-clock second (event engine)".padEnd(58)} ${(ev.value.schedule.cycles / (ev.ms / 1e3)).toExponential(2).padStart(12)}`,
  );

  // 2. functional int8 vs the reference executor
  const x = fillNormal(rngFromString("bench"), new Float32Array(3 * 32 * 32)) as Float32Array;
  const fn = time(() => simulate(p, tiny, { input: x }));
  const lp = c.value.layers;
  const scale = p.manifest.inputs[0]!.scale;
  const ref = time(() => runInt8(lp, quantizeInput(x, scale)));
  row("functional int8 simulation, resnet20:struct-a", fn.ms, { name: "reference executor", ms: ref.ms });
}

// 3. whole ResNet-50 timing (edge): compile and simulate
{
  const g = loadModel("resnet50:struct-a", { readFile });
  const c = time(() => compileDetailed(g, edge, { mode: "structured", dtype: "fp32" }));
  row("compile resnet50:struct-a (edge, fp32 layout)", c.ms);
  const sim = time(() => simulate(c.value.program, edge, { timingOnly: true }), 3);
  row(
    `timing ResNet-50 (${c.value.program.instructions.length.toLocaleString()} instructions, ${sim.value.schedule.cycles.toLocaleString()} cycles)`,
    sim.ms,
  );
  const published = [
    { name: "SCALE-Sim, ResNet-50 (scalesim-project/SCALE-Sim#49: ~7 h)", ms: 7 * 3600e3 },
    { name: "VTA tsim, ResNet-18 (apache/tvm#4986: 227.73 s)", ms: 227.73e3 },
  ];
  for (const p of published)
    console.log(`  vs ${p.name}: ${(p.ms / sim.ms).toExponential(1)}× (published figure, not run here)`);
}
