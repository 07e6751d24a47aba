// `sumac compile` folds the per-layer E notes of the quantise pass into one line per kind unless --verbose.
import { expect } from "chai";
import { summariseNotes } from "../../cli/commands/compile.js";

describe("sumac compile: E notes", () => {
  const notes = [
    "calibration: nominal ranges (timing-only); give an input to calibrate on data",
    "a.conv: E (window 132, worst case 16764) shifted right by 2 bits to 8-bit MAC inputs",
    "b.conv: E (window 264, worst case 33528) shifted right by 3 bits to 8-bit MAC inputs",
    "c.conv: E exact (32-bit); a worst-case input could overflow the int32 accumulator (window 513 x weight row sum 34711), the calibrated range does not",
  ];

  it("one line per kind: the narrowed layers with their shift range, the exact layers with an overflow risk", () => {
    expect(summariseNotes(notes, false)).to.deep.equal([
      notes[0],
      "2 structured layer(s) shift the sum-pool output E right by 2–3 bit(s) to fit the MAC inputs (--verbose lists them; --e-bits exact keeps every bit)",
      "1 structured layer(s) keep an exact E whose worst-case input could overflow the int32 accumulator; their calibrated range does not (--verbose lists them)",
    ]);
  });

  it("--verbose keeps every note", () => {
    expect(summariseNotes(notes, true)).to.deep.equal(notes);
  });
});
