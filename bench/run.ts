// `npm run bench`: speed of the compiler and simulator, each against a peer measured in the same run.
//  - event engine vs the cycle-stepped engine (same program, identical cycles: the peer is the naive way);
//  - functional int8 simulation vs the reference executor (plain loops, no timing);
//  - the front half's hot paths: seeded weights, projection alpha = A⁺W, the fp32 reference conv (vs a naive
//    7-loop conv), and the structure/calibrate passes on ResNet-50;
//  - whole-network timing on ResNet-50, against the published speed of cycle-level peers (quoted, not run here).
import * as fs from "node:fs";
import { loadModel } from "../models/zoo.js";
import { presetConfig } from "../isa/hw/config.js";
import { compileDetailed } from "../compiler/compile.js";
import { runInt8 } from "../compiler/reference/int8.js";
import { quantizeInput } from "../compiler/reference/quant-io.js";
import { simulate } from "../simulator/simulate.js";
import { fillNormal, rngFromString } from "../models/rng.js";
import { projectConv } from "../models/structure/project.js";
import { conv2d, fmap } from "../compiler/reference/kernels.js";
import { FRONT_PASSES, runPipeline } from "../compiler/pipeline.js";

const readFile = (p: string) => fs.readFileSync(p);

/** The textbook conv (7 nested loops, no padding, stride 1): the peer of the reference executor's conv2d. */
function naiveConv(x: Float64Array, C: number, H: number, Wd: number, w: ArrayLike<number>, cout: number, k: number) {
  const oh = H - k + 1;
  const ow = Wd - k + 1;
  const out = new Float64Array(cout * oh * ow);
  for (let o = 0; o < cout; o++)
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++) {
        let a = 0;
        for (let i = 0; i < C; i++)
          for (let j = 0; j < k; j++)
            for (let q = 0; q < k; q++) a += w[((o * C + i) * k + j) * k + q]! * x[(i * H + y + j) * Wd + z + q]!;
        out[(o * oh + y) * ow + z] = a;
      }
  return out;
}

/** Mean wall time of `repeat` calls, after one warm-up call unless `warm` is false (for the multi-second ones). */
function time<T>(f: () => T, repeat = 1, warm = true): { ms: number; value: T } {
  let value = warm ? f() : (undefined as T);
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

// 0. the front half's hot paths: random weights, projection, the fp32 reference conv, calibration
{
  const t = time(() => loadModel("resnet50:struct-a", { readFile }), 1, false);
  row("load resnet50:struct-a (seeded weights, BN calibrated)", t.ms);
  const g = t.value;

  // Projection alpha = A⁺W of a 512×512×3×3 layer (ResNet-50's layer4 3×3 size), as struct-a structures it
  // (c = C, n = 2) and with a channel structure as well (c = C/2); no peer: the explicit A⁺ would be 4608×1024.
  const rng = rngFromString("bench/project");
  const W = new Float32Array(512 * 512 * 9);
  for (let i = 0; i < W.length; i++) W[i] = rng.uniform(-1, 1);
  for (const [c, n] of [
    [512, 2],
    [256, 2],
  ] as const) {
    const p = time(() => projectConv(W, 512, 512, 3, c, n), 3);
    row(`projectConv 512×512×3×3 -> (c=${c}, n=${n})`, p.ms);
  }

  // fp32 reference conv on one ResNet-50 layer (layer3.1.conv2, dense 3×3 256->256 at 14×14), vs a naive
  // 7-loop conv written here.
  const node = g.nodes.find((nd) => nd.name === "layer3.1.conv2");
  if (node?.op !== "conv" || !node.weight) throw new Error("bench: layer3.1.conv2 not found");
  const xin = fillNormal(rngFromString("bench/conv"), new Float64Array(node.cin * 16 * 16)) as Float64Array;
  const x = fmap(xin, node.cin, 16, 16);
  const weight = node.weight;
  const fast = time(() => conv2d(x, weight, node.cout, 3, 3, 1, 1, 1), 3);
  const slow = time(() => naiveConv(xin, node.cin, 16, 16, weight, node.cout, 3), 1, false);
  for (let i = 0; i < slow.value.length; i++)
    if (Math.abs(slow.value[i]! - fast.value.data[i]!) > 1e-9 * (1 + Math.abs(slow.value[i]!)))
      throw new Error("bench: reference conv disagrees with the naive conv");
  const macs = slow.value.length * node.cin * 9;
  row(
    `fp32 reference conv ${node.name} (${((fast.value.data.length * node.cin * 9) / 1e6).toFixed(0)} MMAC)`,
    fast.ms,
    {
      name: "naive 7-loop conv",
      ms: slow.ms,
    },
  );
  console.log(
    `${"  GMAC/s: reference conv / naive conv".padEnd(58)} ${(macs / fast.ms / 1e6).toFixed(2).padStart(9)}    / ${(macs / slow.ms / 1e6).toFixed(2)}`,
  );

  // The front half of the compiler on ResNet-50 (int8: calibration runs the fp32 reference on one 224×224 image).
  const front = time(() => runPipeline(g, { mode: "structured", dtype: "int8", hw: edge }, FRONT_PASSES), 1, false);
  for (const pass of ["normalise", "structure", "calibrate", "quantise"])
    row(`  pass ${pass}, resnet50:struct-a int8`, front.value.timings.get(pass) ?? NaN);
}

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
  const fn = time(() => simulate(p, tiny, { input: x }), 5);
  const lp = c.value.layers;
  const scale = p.manifest.inputs[0]!.scale;
  const ref = time(() => runInt8(lp, quantizeInput(x, scale)), 5);
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
