// In-process figures behind the whole-process ones: compile time per pass, simulated cycles per second, the
// functional simulation beside the reference executor, and the kernels, each against a peer run here where one
// exists (the cycle-stepped engine, a naive 7-loop conv) or a published figure where none can be (quoted).
import * as fs from "node:fs";
import { loadModel } from "../models/zoo.js";
import { presetConfig } from "../isa/hw/config.js";
import { compileDetailed, type Compiled } from "../compiler/compile.js";
import { runInt8 } from "../compiler/reference/int8.js";
import { quantizeInput } from "../compiler/reference/quant-io.js";
import { simulate } from "../simulator/simulate.js";
import { fillNormal, rngFromString } from "../models/rng.js";
import { projectConv } from "../models/structure/project.js";
import { conv2d, fmap } from "../compiler/reference/kernels.js";
import { runPipeline, FRONT_PASSES } from "../compiler/pipeline.js";

const readFile = (p: string) => fs.readFileSync(p);

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
  console.log(`${name.padEnd(62)} ${ms.toFixed(1).padStart(9)} ms${ratio}`);
}

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

const PASSES = [...FRONT_PASSES.map((p) => p.name), "tile", "allocate", "schedule", "lower", "verify-program"];

/** Compile ResNet-50-A on edge, timing-only (shapes) and functional (weights, calibration), pass by pass. */
function compileTimes(): Compiled {
  const edge = presetConfig("edge");
  const spec = "resnet50:struct-a";
  const shapes = time(() => loadModel(spec, { readFile, weights: "none" }), 1, false);
  row(`load ${spec} (shapes only)`, shapes.ms);
  const timing = time(
    () => compileDetailed(shapes.value, edge, { mode: "structured", dtype: "int8", calibration: "nominal" }),
    1,
    false,
  );
  row(`compile ${spec} timing-only (zero placeholders)`, timing.ms);
  const weights = time(() => loadModel(spec, { readFile }), 1, false);
  row(`load ${spec} (seeded weights, BN calibrated)`, weights.ms);
  // The pipeline alone, for its per-pass wall times (the same passes compileDetailed runs).
  const front = time(
    () => runPipeline(weights.value, { mode: "structured", dtype: "int8", hw: edge }, FRONT_PASSES),
    1,
    false,
  );
  for (const pass of FRONT_PASSES.map((p) => p.name))
    row(`  pass ${pass}, functional int8`, front.value.timings.get(pass) ?? NaN);
  const functional = time(() => compileDetailed(weights.value, edge, { mode: "structured", dtype: "int8" }), 1, false);
  row(`compile ${spec} functional int8 (all ${PASSES.length} passes)`, functional.ms);
  return functional.value;
}

/** Simulated cycles per wall second on ResNet-50-A, and its functional int8 run beside the reference executor. */
function simulation(c: Compiled): void {
  const edge = presetConfig("edge");
  const p = c.program;
  const sim = time(() => simulate(p, edge, { timingOnly: true }), 3);
  const cycles = sim.value.schedule.cycles;
  row(
    `timing ResNet-50-A (${p.instructions.length.toLocaleString()} instructions, ${cycles.toLocaleString()} cycles)`,
    sim.ms,
  );
  console.log(
    `${"  simulated cycles per wall-clock second (event engine)".padEnd(62)} ${(cycles / (sim.ms / 1e3)).toExponential(2).padStart(12)}`,
  );
  for (const peer of [
    { name: "SCALE-Sim, ResNet-50 (scalesim-project/SCALE-Sim#49: ~7 h)", ms: 7 * 3600e3 },
    { name: "VTA tsim, ResNet-18 (apache/tvm#4986: 227.73 s)", ms: 227.73e3 },
  ])
    console.log(`  vs ${peer.name}: ${(peer.ms / sim.ms).toExponential(1)}× (published figure, not run here)`);
  const x = fillNormal(rngFromString("bench/r50"), new Float32Array(3 * 224 * 224)) as Float32Array;
  const fn = time(() => simulate(p, edge, { input: x }), 1, false);
  const scale = p.manifest.inputs[0]!.scale;
  const ref = time(() => runInt8(c.layers, quantizeInput(x, scale)), 1, false);
  row("functional int8 simulation, ResNet-50-A (one image)", fn.ms, { name: "int8 reference executor", ms: ref.ms });
  row("  of which the functional run", fn.value.wallMs.functional);
}

/** The event engine against the cycle-stepped one on a small program (identical cycles by construction). */
function engines(): void {
  const tiny = presetConfig("tiny");
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
  const x = fillNormal(rngFromString("bench"), new Float32Array(3 * 32 * 32)) as Float32Array;
  const fn = time(() => simulate(p, tiny, { input: x }), 5);
  const scale = p.manifest.inputs[0]!.scale;
  const ref = time(() => runInt8(c.value.layers, quantizeInput(x, scale)), 5);
  row("functional int8 simulation, resnet20:struct-a", fn.ms, { name: "reference executor", ms: ref.ms });
}

/** Projection alpha = A⁺W and the fp32 reference conv, against a naive conv. */
function kernels(): void {
  // A 512×512×3×3 layer (ResNet-50's layer4 3×3 size), as struct-a structures it (c = C, n = 2) and with a channel
  // structure as well (c = C/2); no peer: the explicit A⁺ would be 4608×1024.
  const rng = rngFromString("bench/project");
  const W = new Float32Array(512 * 512 * 9);
  for (let i = 0; i < W.length; i++) W[i] = rng.uniform(-1, 1);
  for (const [c, n] of [
    [512, 2],
    [256, 2],
  ] as const)
    row(`projectConv 512×512×3×3 -> (c=${c}, n=${n})`, time(() => projectConv(W, 512, 512, 3, c, n), 3).ms);

  // A dense 3×3 256->256 conv at 16×16 (ResNet-50's layer3 size), vs a naive 7-loop conv written here.
  const C = 256;
  const weight = new Float32Array(C * C * 9);
  for (let i = 0; i < weight.length; i++) weight[i] = rng.uniform(-1, 1);
  const xin = fillNormal(rngFromString("bench/conv"), new Float64Array(C * 16 * 16)) as Float64Array;
  const x = fmap(xin, C, 16, 16);
  const fast = time(() => conv2d(x, weight, C, 3, 3, 1, 1, 1), 3);
  const slow = time(() => naiveConv(xin, C, 16, 16, weight, C, 3), 1, false);
  for (let i = 0; i < slow.value.length; i++)
    if (Math.abs(slow.value[i]! - fast.value.data[i]!) > 1e-9 * (1 + Math.abs(slow.value[i]!)))
      throw new Error("bench: reference conv disagrees with the naive conv");
  const macs = slow.value.length * C * 9;
  row(`fp32 reference conv 256×256×3×3 at 16×16 (${(macs / 1e6).toFixed(0)} MMAC)`, fast.ms, {
    name: "naive 7-loop conv",
    ms: slow.ms,
  });
  console.log(
    `${"  GMAC/s: reference conv / naive conv".padEnd(62)} ${(macs / fast.ms / 1e6).toFixed(2).padStart(9)}    / ${(macs / slow.ms / 1e6).toFixed(2)}`,
  );
}

export function inProcessBench(): void {
  console.log("\nin-process (wall-clock, one run each unless stated; lower is better)\n");
  const compiled = compileTimes();
  simulation(compiled);
  engines();
  kernels();
}
