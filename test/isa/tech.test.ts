// Technology and voltage as configuration (issue 11 item 1). Expected values come from low-power-targets.md
// §3.1/§3.2 (Stillmaker & Baas factors evaluated there, the presets' prices), energy-reference.md §2d (CACTI rows)
// and closed forms (CV^2, the alpha-power law, the DIBL leakage model), never from the code under test.
import { expect } from "chai";
import { InputError } from "../../isa/errors.js";
import { parseHwConfig, presetConfig, resolveHw } from "../../isa/hw/config.js";
import { areaFactor, dynamicFactor, leakageFactor, sbEnergy } from "../../isa/hw/tech/nodes.js";
import { CACTI_ROWS, sramFigures } from "../../isa/hw/tech/sram.js";

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

/** The alpha-power law with V_t = 0.35 V, alpha = 1.3 (low-power-targets.md §3.1 item 3). */
const alphaPower = (v: number) => (v - 0.35) ** 1.3 / v;
/** Subthreshold leakage with DIBL: V exp(-0.1 (Vnom - V) / (1.3 kT/q)), kT/q = 25.85 mV. */
const dibl = (v: number, vnom: number) => (v / vnom) * Math.exp((-0.1 * (vnom - v)) / (1.3 * 0.02585));

describe("technology scaling (low-power-targets.md §3.1)", () => {
  it("Stillmaker & Baas dynamic-energy factors at each node's nominal supply, relative to 45 nm at 0.9 V", () => {
    const sb = (nm: number, v: number) => sbEnergy(nm, v) / sbEnergy(45, 0.9);
    expect(sb(28, 0.9)).to.be.closeTo(0.507, 0.001);
    expect(sb(22, 0.8)).to.be.closeTo(0.241, 0.001);
    expect(sb(16, 0.8)).to.be.closeTo(0.142, 0.001);
    expect(sb(7, 0.75)).to.be.closeTo(0.066, 0.001);
    expect(dynamicFactor(28, 0.9).value).to.be.closeTo(0.507, 0.001);
    expect(dynamicFactor(22, 0.8).value).to.be.closeTo(0.241, 0.001);
  });

  it("FinFET nodes are anchored to Jouppi et al. ISCA 2021: k = 0.35 at 7 nm / 0.75 V, not S&B's 0.066", () => {
    expect(dynamicFactor(7, 0.75).value).to.be.closeTo(0.35, 1e-9);
    // between the S&B 28 nm point and the anchor, never below the anchor's switched capacitance
    const c = (nm: number, v: number) => dynamicFactor(nm, v).value / (v / 0.9) ** 2;
    expect(c(16, 0.8)).to.be.within(c(7, 0.75) - 1e-9, c(28, 0.9) + 1e-9);
  });

  it("within a node energy scales with CV^2", () => {
    expect(dynamicFactor(28, 0.7).value / dynamicFactor(28, 0.9).value).to.be.closeTo((0.7 / 0.9) ** 2, 1e-12);
    expect(dynamicFactor(22, 0.5).value).to.be.closeTo(0.241 * (0.5 / 0.8) ** 2, 0.001);
  });

  it("area from S&B's table: 45 -> 28 nm 0.377, -> 22 nm 0.252, -> 7 nm 0.059", () => {
    expect(areaFactor(28).value).to.be.closeTo(0.377, 0.001);
    expect(areaFactor(22).value).to.be.closeTo(0.252, 0.001);
    expect(areaFactor(7).value).to.be.closeTo(0.059, 1e-9);
  });

  it("leakage power: x 0.26 at 0.5 V vs 0.8 V (DIBL, Roy et al. 2003), across nodes like dynamic energy", () => {
    const r = leakageFactor(22, 0.5).value / leakageFactor(22, 0.8).value;
    expect(r).to.be.closeTo(0.26, 0.005);
    expect(r).to.be.closeTo(dibl(0.5, 0.8), 1e-12);
    expect(leakageFactor(28, 0.9).value).to.be.closeTo(0.507, 0.001);
  });
});

describe("SRAM prices from a fit over the CACTI rows (no snapping)", () => {
  it("reproduces every CACTI 7 row of energy-reference §2d within 20 % (read, write) and 12 % (leakage, area at 45 nm)", () => {
    for (const r of CACTI_ROWS) {
      const f = sramFigures(r.kib, r.rowBits, r.banks, r.nm, r.nm === 65 ? 1.1 : r.nm === 45 ? 0.9 : 0.9);
      const what = `${r.nm} nm ${r.kib} KiB x ${r.rowBits}-bit x ${r.banks}`;
      expect(f.readPj / r.readPj, what).to.be.within(0.8, 1.2);
      expect(f.writePj / r.writePj, what).to.be.within(0.8, 1.2);
      if (r.nm === 45) {
        expect(f.leakUw45 / r.leakUw, what).to.be.within(0.88, 1.12);
        expect(f.areaMm2_45 / r.areaMm2, what).to.be.within(0.88, 1.12);
      }
    }
  });

  it("a larger buffer costs more per access: 512 KiB < 1 MiB < 2 MiB (nearest-row snapping priced them alike)", () => {
    const read = (kib: number) => resolveHw({ sets: [`sram.act.kib=${kib}`] }).energy["sram.act.read"]!.value;
    expect(read(512)).to.be.lessThan(read(1024));
    expect(read(1024)).to.be.lessThan(read(2048));
    expect(read(1024) / read(512)).to.be.greaterThan(1.2);
  });
});

describe("low-power presets (low-power-targets.md §3.2)", () => {
  // add8, add16, add32, mult8, mult16x8 in pJ, and a 128 KiB SRAM read per byte, as tabulated there
  const table: Record<string, { k: number; ops: number[]; sram: number; nm: number; vdd: number }> = {
    lp28: { k: 0.507, ops: [0.015, 0.025, 0.051, 0.101, 0.203], sram: 1.29, nm: 28, vdd: 0.9 },
    "lp28-0v7": { k: 0.307, ops: [0.009, 0.015, 0.031, 0.061, 0.123], sram: 0.78, nm: 28, vdd: 0.7 },
    "iot22-0v8": { k: 0.241, ops: [0.0072, 0.012, 0.024, 0.048, 0.096], sram: 0.69, nm: 22, vdd: 0.8 },
    "iot22-0v5": { k: 0.094, ops: [0.0028, 0.0047, 0.0094, 0.019, 0.038], sram: 0.53, nm: 22, vdd: 0.5 },
    "mcu-4x4": { k: 0.136, ops: [0.0041, 0.0068, 0.014, 0.027, 0.054], sram: 0.53, nm: 22, vdd: 0.6 },
    mobile7: { k: 0.35, ops: [0.0105, 0.0175, 0.035, 0.07, 0.14], sram: 1.0, nm: 7, vdd: 0.75 },
  };
  for (const [name, t] of Object.entries(table))
    it(`${name}: ${t.nm} nm at ${t.vdd} V, k = ${t.k}; arithmetic and a 128 KiB SRAM read as tabulated`, () => {
      const c = presetConfig(name);
      expect([c.techNm, c.vdd]).to.deep.equal([t.nm, t.vdd]);
      expect(c.tech.dynamic.value).to.be.closeTo(t.k, 0.002);
      const ops = ["pool.add8", "pool.add16", "pool.add32", "mac.mult8", "mac.mult16"].map((k) => c.energy[k]!.value);
      ops.forEach((v, i) => expect(v / t.ops[i]!, `op ${i}`).to.be.within(0.96, 1.04));
      const sram = resolveHw({ preset: name, sets: ["sram.act.kib=128", "sram.act.banks=4"] }).energy["sram.act.read"]!;
      expect(sram.value / t.sram, sram.source).to.be.within(0.9, 1.1);
      expect(c.energy["mac.mult8"]!.source).to.match(/x 0\.\d+ \(/); // the factor and why
    });

  it("lp28-0v7 and iot22-0v5 derive their clock by the alpha-power law from their base preset", () => {
    expect(presetConfig("lp28-0v7").clock_mhz).to.equal(Math.floor((500 * alphaPower(0.7)) / alphaPower(0.9)));
    expect(presetConfig("iot22-0v5").clock_mhz).to.equal(Math.floor((250 * alphaPower(0.5)) / alphaPower(0.8)));
    expect(presetConfig("iot22-0v5").vddSram).to.equal(0.7); // SRAM on its 0.7 V floor
    expect(presetConfig("mcu-4x4").clock_mhz).to.equal(100); // given, below the 155 MHz the law allows at 0.6 V
  });

  it("IoT presets keep parameters in a 512 KiB on-chip weight store; edge has none", () => {
    for (const n of ["iot22-0v8", "iot22-0v5", "mcu-4x4"]) expect(presetConfig(n).wstore.bytes).to.equal(512 * 1024);
    expect(presetConfig("edge").wstore.bytes).to.equal(0);
  });
});

describe("technology precedence: preset < --hw file < --set", () => {
  it("--set techNm=22 --set vdd=0.6 re-derives prices, clock and leakage from edge's 45 nm / 0.9 V / 500 MHz", () => {
    const c = resolveHw({ preset: "edge", sets: ["techNm=22", "vdd=0.6"] });
    const k = (sbEnergy(22, 0.8) / sbEnergy(45, 0.9)) * (0.6 / 0.8) ** 2;
    expect(c.energy["mac.mult8"]!.value).to.be.closeTo(0.2 * k, 1e-9);
    expect(c.energy["pool.add16"]!.value).to.be.closeTo(0.05 * k, 1e-9);
    // delay ~ node (Accelergy), speed ~ (V - Vt)^1.3 / V
    expect(c.clock_mhz).to.equal(Math.floor(((500 * 45) / 22) * (alphaPower(0.6) / alphaPower(0.9))));
    const kLeak = (sbEnergy(22, 0.8) / sbEnergy(45, 0.9)) * dibl(0.6, 0.8);
    const reg = 0.07 * 1.151;
    expect(c.leakage["pool"]!.value).to.be.closeTo((1.38 + 32 * reg) * kLeak, 1e-9);
    expect(c.vddSram).to.equal(0.7);
    expect(c.sources?.["clock_mhz"]).to.match(/^derived: 500 MHz at 45 nm 0\.9 V .* alpha-power law/);
  });

  it("changing only the node moves vdd to that node's nominal supply", () => {
    const c = resolveHw({ sets: ["techNm=7"] });
    expect([c.vdd, c.vddSram]).to.deep.equal([0.75, 0.75]);
    expect(c.energy["mac.mult8"]!.value).to.be.closeTo(0.2 * 0.35, 1e-9);
  });

  it("an explicit clock wins over the derived one when the design can reach it; a faster one is impossible", () => {
    expect(resolveHw({ sets: ["vdd=0.7", "clock_mhz=300"] }).clock_mhz).to.equal(300);
    expect(resolveHw({ sets: ["clock_mhz=300", "vdd=0.7"] }).clock_mhz).to.equal(300); // one layer, any order
    const max = (500 * alphaPower(0.7)) / alphaPower(0.9);
    const e = errorOf(() => resolveHw({ sets: ["vdd=0.7", "clock_mhz=400"] }));
    expect(e.message).to.contain("clock_mhz = 400 is impossible at 45 nm and 0.7 V");
    expect(e.message).to.contain(`at most ${Number(max.toPrecision(6))} MHz`);
    // at the design's own supply a clock is the designer's claim
    expect(resolveHw({ sets: ["clock_mhz=1000"] }).clock_mhz).to.equal(1000);
  });

  it("a supply at or below the threshold, or above 1.1 x nominal, is an error naming vdd", () => {
    expect(errorOf(() => resolveHw({ sets: ["vdd=0.35"] })).message).to.contain(
      "vdd = 0.35 V does not exceed the threshold voltage vth = 0.35 V",
    );
    expect(errorOf(() => resolveHw({ preset: "mobile7", sets: ["vdd=0.9"] })).message).to.contain(
      "vdd = 0.9 V is above 1.1 x the 7 nm nominal supply (0.75 V)",
    );
  });

  it("a price given in a file holds at the file's node: a later node change scales it, the same layer does not", () => {
    const file = { path: "p.json", text: '{ "energy": { "mac.mult8": 0.25 } }' };
    const scaled = resolveHw({ file, sets: ["techNm=28"] });
    expect(scaled.energy["mac.mult8"]!.value).to.be.closeTo(0.25 * (sbEnergy(28, 0.9) / sbEnergy(45, 0.9)), 1e-9);
    expect(scaled.energy["mac.mult8"]!.source).to.match(/given at 45 nm 0\.9 V, scaled to 28 nm 0\.9 V/);
    const here = parseHwConfig({ techNm: 28, energy: { "mac.mult8": 0.25 } }, "q.json");
    expect(here.energy["mac.mult8"]!.value).to.equal(0.25);
    const set = resolveHw({ sets: ["techNm=28", "energy.mac.mult8=0.25"] });
    expect(set.energy["mac.mult8"]!.value).to.equal(0.25);
  });
});
