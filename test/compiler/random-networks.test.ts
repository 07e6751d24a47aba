// Property test of the whole compiler: random small networks (written in the .net language, with random
// structure annotations) on random machines. Each either compiles — and then the simulator's int8 output equals
// the reference executor's bit for bit and its fp32 output is within 1e-5 — or is refused with an InputError.
import { expect } from "chai";
import { compileDetailed } from "../../compiler/compile.js";
import { runFp32 } from "../../compiler/reference/fp32.js";
import { runInt8 } from "../../compiler/reference/int8.js";
import { quantizeInput } from "../../compiler/reference/quant-io.js";
import { isInputError } from "../../isa/errors.js";
import { resolveHw } from "../../isa/hw/config.js";
import { loadNet } from "../../models/net/load.js";
import { initGraphWeights } from "../../models/weights.js";
import { fillNormal, mulberry32 } from "../../models/rng.js";
import { simulate } from "../../simulator/simulate.js";

const rng = mulberry32(4242);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;

function randomNet(): string {
  const lines: string[] = [];
  const inputChannels = pick([3, 4, 8]);
  let ch = inputChannels;
  const size = pick([8, 12, 16]);
  let hw = size;
  const layers = 2 + Math.floor(rng.next() * 3);
  for (let i = 0; i < layers; i++) {
    const k = hw >= 5 ? pick([1, 3, 3, 5]) : 1;
    const stride = hw >= 8 ? pick([1, 1, 2]) : 1;
    const depthwise = k > 1 && ch >= 4 && rng.next() < 0.25;
    const out = depthwise ? ch : pick([4, 8, 12, 16]);
    const pad = Math.floor(k / 2);
    const n = k > 1 ? pick([1, 2, k]) : 1;
    const c = depthwise ? 1 : pick([1, Math.max(1, Math.floor(ch / 2)), ch]);
    const ann = rng.next() < 0.7 ? ` @a(c = ${c}, n = ${n})` : "";
    lines.push(`  conv(${out}, ${k}x${k}, stride=${stride}, pad=${pad}${depthwise ? `, groups=${ch}` : ""})${ann}`);
    lines.push("  bn");
    lines.push(pick(["  relu", "  relu", "  relu6"]));
    hw = Math.floor((hw + 2 * pad - k) / stride) + 1;
    ch = out;
    if (hw >= 4 && rng.next() < 0.3) {
      lines.push(
        "  residual {",
        `    conv(${ch}, 3x3, pad=1) @a(c = ${Math.max(1, ch >> 1)}, n = 2)`,
        "    bn",
        "  }",
        "  relu",
      );
    }
  }
  if (hw >= 4 && rng.next() < 0.4) lines.push("  maxpool(2x2, stride=2)");
  lines.push(
    "  gap",
    "  flatten",
    `  fc(${pick([5, 10])})${rng.next() < 0.5 ? ` @a(R = ${Math.max(1, ch >> 1)})` : ""}`,
  );
  return `network r input [${inputChannels}, ${size}, ${size}] {\n${lines.join("\n")}\n}\n`;
}

function randomMachine(): string[] {
  return [
    `mac.rows=${pick([4, 8, 16])}`,
    `mac.cols=${pick([4, 8, 16])}`,
    `pool.lanes=${pick([8, 32, 128])}`,
    `sram.act.kib=${pick([8, 16, 64])}`,
    `sram.acc.kib=${pick([4, 16])}`,
    `dram.ideal=${pick(["true", "false"])}`,
    `mac.actBits=${pick([8, 16])}`,
  ];
}

const outcome = { checked: 0, refused: 0 };

describe("random networks on random machines", function () {
  this.timeout(180_000);
  after(() => {
    // the generator must mostly produce networks that compile, or the property checks nothing
    expect(outcome.checked, JSON.stringify(outcome)).to.be.at.least(16);
  });
  for (let t = 0; t < 24; t++) {
    const text = randomNet();
    const sets = randomMachine();
    const mode = pick(["dense", "structured"] as const);
    it(`#${t} ${mode} ${sets.join(" ")}`, () => {
      let g;
      try {
        g = initGraphWeights(loadNet(text, `random${t}.net`, { variant: "struct-a" }), `rand-${t}`);
      } catch (e) {
        if (isInputError(e)) return void outcome.refused++; // e.g. an annotation invalid for its layer
        throw e;
      }
      const hw = resolveHw({ preset: "tiny", sets });
      const x = fillNormal(mulberry32(t), new Float32Array(g.input.shape.reduce((a, b) => a * b, 1))) as Float32Array;
      for (const dtype of ["int8", "fp32"] as const) {
        let r;
        try {
          r = compileDetailed(g, hw, { mode, dtype, calibration: [x] });
        } catch (e) {
          if (isInputError(e) && /does not fit|even a 1-row tile|too large|cannot/.test(e.message))
            return void outcome.refused++;
          throw new Error(`${(e as Error).message}\n${text}`, { cause: e });
        }
        const sim = simulate(r.program, hw, { input: x });
        if (dtype === "int8") {
          const ref = runInt8(r.layers, quantizeInput(x, r.program.manifest.inputs[0]!.scale));
          expect(Array.from(sim.outputCodes!), text).to.deep.equal(Array.from(ref));
        } else {
          const ref = runFp32(r.layers, x);
          const peak = Math.max(1e-6, ...Array.from(ref, Math.abs));
          for (let i = 0; i < ref.length; i++)
            expect(Math.abs(sim.output![i]! - ref[i]!), text).to.be.at.most(1e-5 * peak);
        }
      }
      outcome.checked++;
    });
  }
});
