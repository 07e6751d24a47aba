// The hardware configuration: defaults, derived values, precedence, errors, price tables, id/hash.
// Expected numbers come from the brief and energy-reference.md (§2d CACTI rows, §7 "45nm-LP", §8 edge-ref),
// or from closed-form formulas, never from the code under test.
import { expect } from "chai";
import edgeDoc from "../../isa/configs/edge.json" with { type: "json" };
import { ACTION_COUNTER_NAMES, LEAKING_UNITS } from "../../isa/counters.js";
import { InputError } from "../../isa/errors.js";
import { buildFromLayers, parseHwConfig, presetConfig, readLayer, resolveHw } from "../../isa/hw/config.js";
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
    expect([e.techNm, e.clock_mhz, e.mac.rows, e.mac.cols, e.mac.dataflow, e.mac.actBits]).to.deep.equal([
      45,
      500,
      16,
      16,
      "ws",
      8,
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

  it("tiny: 8x8, 64 adders, 200 MHz, 64 KiB act/wgt, 16 KiB acc, 1.6 GB/s = 8 B/cycle", () => {
    const t = presetConfig("tiny");
    expect([t.mac.rows, t.mac.cols, t.pool.lanes, t.clock_mhz]).to.deep.equal([8, 8, 64, 200]);
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
    for (const name of ["edge", "tiny"]) {
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
    expect(c.energy["mac.mult16"]!.value).to.equal(0.4); // untouched
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

  it("a missing price is an error naming the counter", () => {
    const energy: Record<string, unknown> = { ...edgeDoc.energy };
    delete energy["vec.shift32"];
    const layer = readLayer({ ...edgeDoc, energy }, "nopre.json");
    const e = errorOf(() => buildFromLayers([layer], "edge"));
    expect(e.message).to.contain("'vec.shift32'");
    expect(e.message).to.match(/^nopre\.json: the energy table has no price/);
  });
});

describe("hardware config: energy, leakage and area tables", () => {
  const e = presetConfig("edge");

  it("prices every action counter, with a unit and a source", () => {
    for (const c of ACTION_COUNTER_NAMES) {
      const p = e.energy[c];
      expect(p, c).to.not.equal(undefined);
      expect(p!.value, c).to.be.a("number").and.satisfy(Number.isFinite).and.be.at.least(0);
      expect(p!.unit, c).to.equal(c.startsWith("sram.") || c.startsWith("dram.") ? "pJ/byte" : "pJ");
      expect(p!.source.length, c).to.be.greaterThan(10);
    }
    expect(Object.keys(e.energy).sort()).to.deep.equal([...ACTION_COUNTER_NAMES].sort());
  });

  it("prices leakage (uW) and area (um^2) of every leaking unit", () => {
    for (const u of LEAKING_UNITS) {
      expect(e.leakage[u]!.unit, u).to.equal("uW");
      expect(e.area[u]!.unit, u).to.equal("um^2");
      expect(e.leakage[u]!.source.length, u).to.be.greaterThan(10);
      expect(e.area[u]!.value, u).to.be.greaterThan(0);
    }
  });

  it("arithmetic prices follow energy-reference §7 (Horowitz 45 nm) and scale multipliers by the product of widths", () => {
    expect(e.energy["mac.mult8"]!.value).to.equal(0.2);
    expect(e.energy["mac.mult16"]!.value).to.be.closeTo((0.2 * (16 * 8)) / (8 * 8), 1e-12);
    expect(e.energy["vec.mult32"]!.value).to.be.closeTo((0.2 * (32 * 16)) / (8 * 8), 1e-12);
    expect(e.energy["mac.add32"]!.value).to.equal(0.1);
    expect([e.energy["pool.add8"]!.value, e.energy["pool.add16"]!.value, e.energy["pool.add32"]!.value]).to.deep.equal([
      0.03, 0.05, 0.1,
    ]);
    expect(e.energy["vec.shift32"]!.value).to.equal(0.13);
    expect(e.energy["vec.cmp8"]!.value).to.be.closeTo(0.029 * (8 / 32) * 1.151, 1e-4);
    expect(e.energy["dram.read"]!.value).to.equal(8 * 8); // LPDDR4 8 pJ/bit
    expect(e.energy["instr.issue"]!.value).to.be.closeTo(0.01 * 128, 1e-12);
  });

  it("SRAM prices per byte come from the CACTI-45 nm rows of the buffer's geometry (energy-reference §2d)", () => {
    expect(e.energy["sram.act.read"]!.value).to.be.closeTo(45.6 / 16, 1e-9); // 128 KiB, 4 banks, 128-bit
    expect(e.energy["sram.act.write"]!.value).to.be.closeTo(52.8 / 16, 1e-9);
    expect(e.energy["sram.acc.read"]!.value).to.be.closeTo(39.9 / 64, 1e-6); // 32 KiB x 512-bit
    expect(e.energy["sram.acc.write"]!.value).to.be.closeTo(100.3 / 64, 1e-6);
    expect(e.energy["sram.pool.read"]!.value).to.be.closeTo(20.3 / 16, 1e-6); // 32 KiB x 128-bit
    expect(e.leakage["sram.act"]!.value).to.equal(3.84);
    expect(e.area["sram.act"]!.value).to.be.closeTo(0.454e6, 1e-3);
    // 4 KiB has no row: the nearest is named in the source
    expect(e.energy["sram.par.read"]!.source).to.match(/nearest row/);
    const big = resolveHw({ sets: ["sram.act.kib=256"] });
    expect(big.energy["sram.act.read"]!.value).to.be.closeTo(77.5 / 16, 1e-9); // 256 KiB, 4 banks, 128-bit
  });

  it("leakage and area follow energy-reference §7 A7 (int8 MAC) and A2 (16-bit adder)", () => {
    expect(e.leakage["mac"]!.value).to.be.closeTo(6.4, 0.05);
    expect(e.area["mac"]!.value).to.equal(282 + 137);
    expect(e.leakage["pool"]!.value).to.equal(1.38);
    expect(e.area["pool"]!.value).to.equal(67);
    // the adder array next to the MAC array: §8 gives ~0.009 mm^2 and ~0.107 mm^2
    expect((e.area["pool"]!.value * e.peak.addsPerCycle) / 1e6).to.be.closeTo(0.009, 0.0005);
    expect((e.area["mac"]!.value * e.peak.macsPerCycle) / 1e6).to.be.closeTo(0.107, 0.001);
  });

  it("a 16-bit E makes every multiply and every MAC cell dearer", () => {
    const wide = resolveHw({ sets: ["mac.actBits=16", "pool.outBits=32"] });
    expect(wide.energy["mac.mult16"]!.value).to.be.greaterThan(wide.energy["mac.mult8"]!.value);
    expect(wide.leakage["mac"]!.value).to.be.closeTo(3.6 * 2 + 2.76, 1e-9);
    expect(wide.area["mac"]!.value).to.be.closeTo(282 * 2 + 137, 1e-9);
    expect(wide.leakage["pool"]!.value).to.equal(2.76);
  });

  it("reproduces the §8 indicative power: MAC array 256 x 0.30 pJ x 500 MHz = 38 mW, adders 3.2 mW, DRAM 256 mW", () => {
    const mW = (pj: number, perSecond: number) => (pj * perSecond) / 1e9;
    const hz = e.clock_mhz * 1e6;
    expect(mW((e.energy["mac.mult8"]!.value + e.energy["mac.add32"]!.value) * e.peak.macsPerCycle, hz)).to.be.closeTo(
      38.4,
      1e-9,
    );
    expect(mW(e.energy["pool.add16"]!.value * e.peak.addsPerCycle, hz)).to.be.closeTo(3.2, 1e-9);
    expect(mW(e.energy["dram.read"]!.value * e.dram.bytesPerCycle, hz)).to.be.closeTo(256, 1e-9);
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
    default:
      return String((current as number) + 1 <= spec.max ? (current as number) + 1 : (current as number) - 1);
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
    expect(a.id).to.match(/^edge-16x16ws-a8-p128x16sep-v16-act128k-.*500mhz$/);
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
