// The hardware configuration: defaults, derived values, precedence, errors, price tables, id/hash.
// Expected numbers come from the brief and energy-reference.md (§2d CACTI rows, §7 "45nm-LP", §8 edge-ref),
// or from closed-form formulas, never from the code under test.
import { expect } from "chai";
import { ACTION_COUNTER_NAMES, LEAKING_UNITS } from "../../isa/counters.js";
import { InputError } from "../../isa/errors.js";
import { PRESET_NAMES, parseHwConfig, presetConfig, resolveHw } from "../../isa/hw/config.js";
import { configFitsIsa } from "../../isa/hw/fits.js";
import { LEAVES, type LeafSpec } from "../../isa/hw/schema.js";
import type { HwConfig } from "../../isa/hw/types.js";

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("hardware config: presets and derived values", () => {
  it("edge: 500 MHz, 16x16 WS int8, 128 16-bit separable adders, 16 vector lanes, 4 GB/s (DESIGN §2)", () => {
    const e = presetConfig("edge");
    expect([e.techNm, e.vdd, e.clock_mhz, e.mac.rows, e.mac.cols, e.mac.dataflow, e.mac.actBits]).to.deep.equal([
      45,
      0.9,
      500,
      16,
      16,
      "ws",
      16, // 16x8 multipliers: the exact 16-bit E reaches the MACs whole (issue 11, lead's decision 2)
    ]);
    expect([e.pool.lanes, e.pool.outBits, e.pool.mode, e.vector.lanes]).to.deep.equal([128, 16, "separable", 16]);
    expect([e.sram.act.kib, e.sram.wgt.kib, e.sram.pool.kib, e.sram.acc.kib, e.sram.par.kib]).to.deep.equal([
      128, 128, 32, 32, 4,
    ]);
    expect([e.sram.act.banks, e.sram.act.rowBits, e.sram.acc.rowBits]).to.deep.equal([4, 128, 512]);
    expect([e.dram.gbps, e.dram.ideal]).to.deep.equal([4, false]);
  });

  it("edge derives 4e9 / 500e6 = 8 B/cycle, 256 MACs, 128 adds and 16 vector ops per cycle, SRAM bytes", () => {
    const e = presetConfig("edge");
    expect(e.dram.bytesPerCycle).to.equal(4e9 / 500e6);
    expect(e.peak).to.deep.equal({ macsPerCycle: 16 * 16, addsPerCycle: 128, vecPerCycle: 16 });
    expect(e.sram.act.bytes).to.equal(131072);
    expect(e.sram.acc.bytes).to.equal(32768);
  });

  it("tiny: 8x8 with 8x8 multipliers, 64 adders, 200 MHz, 64 KiB act/wgt, 16 KiB acc, 1.6 GB/s = 8 B/cycle", () => {
    const t = presetConfig("tiny");
    expect([t.mac.rows, t.mac.cols, t.mac.actBits, t.pool.lanes, t.clock_mhz]).to.deep.equal([8, 8, 8, 64, 200]);
    expect([t.sram.act.kib, t.sram.wgt.kib, t.sram.acc.kib, t.dram.gbps]).to.deep.equal([64, 64, 16, 1.6]);
    expect(t.dram.bytesPerCycle).to.be.closeTo(1.6e9 / 200e6, 1e-12);
    expect(t.peak.macsPerCycle).to.equal(64);
  });

  it("dram.ideal gives infinite bandwidth and zero latency", () => {
    const c = resolveHw({ preset: "edge", sets: ["dram.ideal=true"] });
    expect(c.dram.bytesPerCycle).to.equal(Infinity);
    expect(c.dram.latency).to.equal(0);
  });

  it("every scalar of every preset has a real source (not just the preset's name)", () => {
    for (const name of PRESET_NAMES) {
      const c = presetConfig(name);
      for (const [path] of LEAVES) {
        const s = c.sources?.[path] ?? "";
        expect(s.length, `${name} ${path}`).to.be.greaterThan(15);
      }
    }
  });

  it("the result is frozen", () => {
    const c = presetConfig("edge");
    expect(Object.isFrozen(c)).to.equal(true);
    expect(Object.isFrozen(c.mac)).to.equal(true);
    expect(Object.isFrozen(c.energy["mac.mult8"])).to.equal(true);
    expect(() => {
      (c.mac as { rows: number }).rows = 3;
    }).to.throw(TypeError);
  });
});

describe("hardware config: layers and precedence", () => {
  it("parseHwConfig fills missing keys from the edge preset", () => {
    const c = parseHwConfig({ mac: { rows: 4 } }, "x.json");
    expect([c.mac.rows, c.mac.cols, c.clock_mhz, c.preset]).to.deep.equal([4, 16, 500, "edge"]);
    expect(c.sources?.["mac.rows"]).to.equal("file x.json");
  });

  it("preset < --hw file < --set", () => {
    const c = resolveHw({
      preset: "tiny",
      file: { path: "hw.json", text: JSON.stringify({ mac: { rows: 4, cols: 4 } }) },
      sets: ["mac.cols=2"],
    });
    expect(c.clock_mhz).to.equal(200); // from the preset
    expect(c.mac.rows).to.equal(4); // the file over the preset
    expect(c.mac.cols).to.equal(2); // --set over the file
    const twice = resolveHw({ preset: "edge", sets: ["mac.rows=8", "mac.rows=12"] });
    expect(twice.mac.rows).to.equal(12); // later --set wins
  });

  it('a file may name "preset" as its base', () => {
    const c = resolveHw({ file: { path: "hw.json", text: '{ "preset": "tiny", "vector": { "lanes": 4 } }' } });
    expect([c.preset, c.clock_mhz, c.vector.lanes]).to.deep.equal(["tiny", 200, 4]);
  });

  it("--set converts values by the key's type", () => {
    const c = resolveHw({ sets: ["dram.ideal=true", "mac.actBits=16", "mac.dataflow=os", "dram.gbps=12.8"] });
    expect(c.dram.ideal).to.equal(true);
    expect(c.mac.actBits).to.equal(16);
    expect(c.mac.dataflow).to.equal("os");
    expect(c.dram.gbps).to.equal(12.8);
  });

  it("--set energy.<counter>=v sets the value and marks it a user override", () => {
    const c = resolveHw({ preset: "edge", sets: ["energy.mac.mult8=0.25", "energy.sram.act.read=3"] });
    expect(c.energy["mac.mult8"]).to.deep.equal({ value: 0.25, unit: "pJ", source: "user override" });
    expect(c.energy["sram.act.read"]).to.deep.equal({ value: 3, unit: "pJ/byte", source: "user override" });
    expect(c.energy["mac.mult16"]!.value).to.equal(0.4); // untouched: Horowitz 0.2 pJ x (16*8)/(8*8)
  });
});

describe("hardware config: errors name the key", () => {
  it("an unknown key names the full path and the nearest valid key", () => {
    const e = errorOf(() => resolveHw({ file: { path: "hw.json", text: '{ "mac": { "rowz": 8 } }' } }));
    expect(e.message).to.equal("hw.json: unknown key 'mac.rowz' (did you mean 'mac.rows'?)");
    expect(errorOf(() => parseHwConfig({ clock_mhzz: 5 }, "a.json")).message).to.contain("(did you mean 'clock_mhz'?)");
    expect(errorOf(() => parseHwConfig({ sram: { act: { kb: 5 } } }, "a.json")).message).to.contain(
      "'sram.act.kb' (did you mean 'sram.act.kib'?)",
    );
    expect(errorOf(() => resolveHw({ sets: ["mac.rowz=8"] })).message).to.contain(
      "unknown key 'mac.rowz' (did you mean 'mac.rows'?)",
    );
    expect(errorOf(() => resolveHw({ sets: ["energy.mac.mul8=1"] })).message).to.contain(
      "(did you mean 'energy.mac.mult8'?)",
    );
  });

  it("out-of-range and wrong-type values name the key and the allowed range", () => {
    expect(errorOf(() => resolveHw({ sets: ["mac.rows=0"] })).message).to.match(
      /mac\.rows = 0 is out of range \(allowed: integer 1\.\.256\)/,
    );
    expect(errorOf(() => resolveHw({ sets: ["mac.rows=3.5"] })).message).to.match(/mac\.rows must be integer 1\.\.256/);
    expect(errorOf(() => resolveHw({ sets: ["mac.actBits=12"] })).message).to.match(
      /mac\.actBits must be 8\|16, got 12/,
    );
    expect(errorOf(() => resolveHw({ sets: ["dram.gbps=0"] })).message).to.match(/dram\.gbps = 0 is out of range/);
    expect(errorOf(() => resolveHw({ sets: ["dram.ideal=maybe"] })).message).to.match(
      /dram\.ideal must be true\|false/,
    );
    expect(errorOf(() => parseHwConfig({ mac: { rows: "16" } }, "a.json")).message).to.equal(
      'a.json: mac.rows must be integer 1..256, got "16"',
    );
    expect(errorOf(() => parseHwConfig({ mac: 16 }, "a.json")).message).to.match(/^a\.json: mac must be an object/);
    expect(errorOf(() => resolveHw({ sets: ["energy.mac.mult8=-1"] })).message).to.match(
      /energy\.mac\.mult8 must be a number >= 0/,
    );
    expect(
      errorOf(() => parseHwConfig({ energy: { "mac.mult8": { value: 1, unit: "nJ" } } }, "a.json")).message,
    ).to.match(/energy\.mac\.mult8 is priced in pJ/);
  });

  it("--set without '=' is an error", () => {
    expect(errorOf(() => resolveHw({ sets: ["foo"] })).message).to.match(/--set 'foo': expected key=value/);
  });

  it("an unknown preset suggests the nearest", () => {
    expect(errorOf(() => resolveHw({ preset: "edg" })).message).to.contain(
      "unknown preset 'edg' (did you mean 'edge'?)",
    );
  });

  it("malformed JSON names the file, line and column of the error", () => {
    const text = '{\n  "mac": {\n    "rows": 8,,\n  }\n}\n';
    const line3 = '    "rows": 8,,';
    const col = line3.indexOf(",,") + 2; // the second comma, 1-based
    const e = errorOf(() => resolveHw({ file: { path: "bad.json", text } }));
    expect(e.message).to.match(new RegExp(`^bad\\.json:3:${col}: invalid JSON`));
    expect(e.details[0]).to.equal(line3);
    expect(e.details[1]).to.equal(`${" ".repeat(col - 1)}^`);
  });

  it("truncated JSON points just past the end", () => {
    const e = errorOf(() => resolveHw({ file: { path: "cut.json", text: '{ "mac": {' } }));
    expect(e.message).to.match(/^cut\.json:1:11: invalid JSON/);
  });

  it("a price given in a document holds at that document's node and supply, and wins there", () => {
    const c = parseHwConfig({ energy: { "mac.mult8": { value: 0.25, source: "my synthesis" } } }, "p.json");
    expect(c.energy["mac.mult8"]).to.deep.equal({ value: 0.25, unit: "pJ", source: "my synthesis" });
  });
});

describe("hardware config: energy, leakage and area tables at 45 nm (edge)", () => {
  const e = presetConfig("edge");
  const unitOf = (c: string) =>
    c.startsWith("sram.") || c.startsWith("dram.") || c.startsWith("lbuf.") || c === "wstore.read"
      ? "pJ/byte"
      : c === "mac.reg"
        ? "pJ/bit"
        : c === "wire.bitmm"
          ? "pJ/bit-mm"
          : c.startsWith("clock.")
            ? "pJ/cycle"
            : "pJ";

  it("prices every action counter, with a unit and a source", () => {
    for (const c of ACTION_COUNTER_NAMES) {
      const p = e.energy[c];
      expect(p, c).to.not.equal(undefined);
      expect(p!.value, c).to.be.a("number").and.satisfy(Number.isFinite).and.be.at.least(0);
      expect(p!.unit, c).to.equal(unitOf(c));
      expect(p!.source.length, c).to.be.greaterThan(10);
    }
    expect(Object.keys(e.energy).sort()).to.deep.equal([...ACTION_COUNTER_NAMES].sort());
  });

  it("prices leakage (uW) and area (um^2) of every leaking unit; a unit the machine lacks has none", () => {
    for (const u of LEAKING_UNITS) {
      expect(e.leakage[u]!.unit, u).to.equal("uW");
      expect(e.area[u]!.unit, u).to.equal("um^2");
      expect(e.leakage[u]!.source.length, u).to.be.greaterThan(10);
      if (u !== "wstore") expect(e.area[u]!.value, u).to.be.greaterThan(0);
    }
    expect([e.wstore.kib, e.area["wstore"]!.value, e.instances["wstore"]]).to.deep.equal([0, 0, 0]);
  });

  it("arithmetic prices follow energy-reference §7 (Horowitz 45 nm 0.9 V) and scale multipliers by the product of widths", () => {
    expect(e.energy["mac.mult8"]!.value).to.equal(0.2);
    expect(e.energy["mac.mult16"]!.value).to.be.closeTo((0.2 * (16 * 8)) / (8 * 8), 1e-12);
    expect(e.energy["vec.mult32"]!.value).to.be.closeTo((0.2 * (32 * 16)) / (8 * 8), 1e-12);
    expect(e.energy["mac.add32"]!.value).to.equal(0.1);
    expect([e.energy["pool.add8"]!.value, e.energy["pool.add16"]!.value, e.energy["pool.add32"]!.value]).to.deep.equal([
      0.03, 0.05, 0.1,
    ]);
    expect(e.energy["vec.shift32"]!.value).to.equal(0.13);
    expect(e.energy["vec.cmp8"]!.value).to.be.closeTo(0.029 * (8 / 32) * 1.151, 1e-12);
    expect(e.energy["dram.read"]!.value).to.equal(8 * 8); // LPDDR4 8 pJ/bit
    // M1: Aladdin register 0.009 pJ/bit at 40 nm x 1.151 to 45 nm
    expect(e.energy["mac.reg"]!.value).to.be.closeTo(0.009 * 1.151, 1e-12);
    expect(e.energy["instr.issue"]!.value).to.be.closeTo(128 * 0.009 * 1.151, 1e-12);
    // Aladdin wire: 0.2 activity x 1.627 fF/um x 1 mm x V^2, at 0.9 V
    expect(e.energy["wire.bitmm"]!.value).to.be.closeTo(0.2 * 1.627 * 0.81, 1e-12);
    // Aladdin 32-bit counter 0.2063 pJ x 1.151 + a 32-bit add 0.1 pJ
    expect(e.energy["dma.addr"]!.value).to.be.closeTo(0.2063 * 1.151 + 0.1, 1e-12);
  });

  it("a clock tree charges 1 fF x V^2 per flip-flop and busy cycle: 16x16 cells of 16 + 28 + 8 bits at 0.9 V", () => {
    // partial sums of 16 rows of 16x8 products: 16 + 8 + log2(16) = 28 bits (Gemmini's 20 for 8x8)
    expect(e.mac.psumBits).to.equal(28);
    expect(e.energy["clock.mac"]!.value).to.be.closeTo(256 * (16 + 28 + 8) * 1e-3 * 0.81, 1e-9);
    expect(e.energy["clock.pool"]!.value).to.be.closeTo(128 * 2 * 16 * 1e-3 * 0.81, 1e-9);
    expect(presetConfig("tiny").mac.psumBits).to.equal(8 + 8 + 3);
  });

  it("leakage and area of a MAC cell: multiplier + 32-bit adder + its pipeline registers (§7 A4, A3, M1)", () => {
    const reg = { leak: 0.07 * 1.151, area: 5.98 * 1.462 };
    const bits = 16 + 28 + 8;
    expect(e.leakage["mac"]!.value).to.be.closeTo(3.6 * 2 + 2.76 + bits * reg.leak, 1e-9);
    expect(e.area["mac"]!.value).to.be.closeTo(282 * 2 + 137 + bits * reg.area, 1e-9);
    const t = presetConfig("tiny");
    expect(t.area["mac"]!.value).to.be.closeTo(282 + 137 + (8 + 19 + 8) * reg.area, 1e-9);
    expect(e.leakage["pool"]!.value).to.be.closeTo(1.38 + 32 * reg.leak, 1e-9);
    expect(e.area["pool"]!.value).to.be.closeTo(67 + 32 * reg.area, 1e-9);
  });

  it("reproduces the §8 indicative power with 8x8 multipliers: MAC array 256 x 0.30 pJ x 500 MHz = 38 mW, adders 3.2 mW, DRAM 256 mW", () => {
    const a8 = resolveHw({ sets: ["mac.actBits=8"] });
    const mW = (pj: number, perSecond: number) => (pj * perSecond) / 1e9;
    const hz = a8.clock_mhz * 1e6;
    expect(
      mW((a8.energy["mac.mult8"]!.value + a8.energy["mac.add32"]!.value) * a8.peak.macsPerCycle, hz),
    ).to.be.closeTo(38.4, 1e-9);
    expect(mW(a8.energy["pool.add16"]!.value * a8.peak.addsPerCycle, hz)).to.be.closeTo(3.2, 1e-9);
    expect(mW(a8.energy["dram.read"]!.value * a8.dram.bytesPerCycle, hz)).to.be.closeTo(256, 1e-9);
  });
});

/** A different valid value for a leaf, or undefined when it has only one. */
function otherValue(spec: LeafSpec, current: unknown): string | undefined {
  switch (spec.type) {
    case "boolean":
      return String(!current);
    case "enum": {
      const v = spec.values.find((x) => x !== current);
      return v === undefined ? undefined : String(v);
    }
    default: {
      const x = current as number;
      const ok = (v: number) =>
        v <= spec.max && (spec.type === "number" && spec.minExclusive ? v > spec.min : v >= spec.min);
      return String([x + 1, x - 1, x * 0.9].find(ok));
    }
  }
}

function valueAt(c: HwConfig, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], c);
}

describe("hardware config: id and hash", () => {
  it("are stable, and the same when a value is set to what it already is", () => {
    const a = resolveHw({ preset: "edge" });
    const b = resolveHw({ preset: "edge", sets: ["mac.rows=16", "energy.mac.mult8=0.2"] });
    expect(b.id).to.equal(a.id);
    expect(b.hash).to.equal(a.hash);
    expect(a.hash).to.match(/^[0-9a-f]{16}$/);
    expect(a.id).to.match(/^edge-16x16ws-a16-p128x16sep-v16-act128k-.*-45nm0v9-500mhz$/);
    expect(presetConfig("tiny").id).to.match(/^tiny-8x8ws-/);
  });

  it("differ whenever any parameter or price differs, and never collide", () => {
    const base = presetConfig("edge");
    const seenIds = new Map<string, string>([[base.id, "edge"]]);
    const seenHashes = new Set([base.hash]);
    const variants: string[] = [];
    for (const [path, spec] of LEAVES) {
      const v = otherValue(spec, valueAt(base, path));
      if (v !== undefined) variants.push(`${path}=${v}`);
    }
    variants.push("energy.mac.mult8=0.21", "leakage.mac=7", "area.sram.par=1", "energy.sram.act.read=2");
    expect(variants.length).to.be.greaterThan(25);
    for (const s of variants) {
      const c = resolveHw({ preset: "edge", sets: [s] });
      expect(seenIds.has(c.id), `${s} shares id ${c.id} with ${seenIds.get(c.id)}`).to.equal(false);
      expect(seenHashes.has(c.hash), s).to.equal(false);
      expect(c.id.startsWith("edge-"), s).to.equal(true);
      seenIds.set(c.id, s);
      seenHashes.add(c.hash);
    }
    // with an ideal DRAM the bandwidth is not in the id string, yet two ideal configs still differ
    const i1 = resolveHw({ sets: ["dram.ideal=true"] });
    const i2 = resolveHw({ sets: ["dram.ideal=true", "dram.gbps=8"] });
    expect(i1.id).to.not.equal(i2.id);
  });

  it("a config from the same inputs through another route gets the same id", () => {
    const viaFile = resolveHw({ file: { path: "t.json", text: '{ "preset": "tiny", "mac": { "rows": 4 } }' } });
    const viaSet = resolveHw({ preset: "tiny", sets: ["mac.rows=4"] });
    expect(viaFile.id).to.equal(viaSet.id);
    expect(viaFile.hash).to.equal(viaSet.hash);
  });
});

describe("configFitsIsa", () => {
  it("accepts the presets", () => {
    configFitsIsa(presetConfig("edge"));
    configFitsIsa(presetConfig("tiny"));
  });

  it("rejects a buffer beyond the 16-bit x 16-byte SRAM address space (1 MiB), naming the key", () => {
    configFitsIsa(resolveHw({ sets: ["sram.act.kib=1024"] }));
    const e = errorOf(() => configFitsIsa(resolveHw({ sets: ["sram.act.kib=1025"] })));
    expect(e.message).to.contain("sram.act.kib = 1025");
    expect(e.message).to.contain("1024 KiB");
  });
});
