import { expect } from "chai";
import { crossProduct, parseAxes } from "../../cli/sweep/grid.js";
import { paretoFront } from "../../cli/sweep/pareto.js";

describe("sweep grid and Pareto front", () => {
  it("the cross product of 2 × 3 values has 6 points, first axis slowest", () => {
    const pts = crossProduct(parseAxes(["mac.rows=8,16", "pool.lanes=32,64,128"]));
    expect(pts).to.have.length(6);
    expect(pts[0]).to.deep.equal(["mac.rows=8", "pool.lanes=32"]);
    expect(pts[5]).to.deep.equal(["mac.rows=16", "pool.lanes=128"]);
  });

  it("rejects malformed axes", () => {
    expect(() => parseAxes(["mac.rows"])).to.throw(/key=v1/);
    expect(() => parseAxes(["mac.rows=8,,16"])).to.throw(/empty value/);
    expect(() => parseAxes(["a=1", "a=2"])).to.throw(/twice/);
  });

  it("finds exactly the non-dominated points", () => {
    // brute force as the independent check
    const pts = Array.from({ length: 40 }, (_, i) => ({ x: ((i * 37) % 17) + 1, y: ((i * 53) % 23) + 1 }));
    const expected = new Set<number>();
    pts.forEach((p, i) => {
      const dominated = pts.some((q, j) => j !== i && q.x <= p.x && q.y <= p.y && (q.x < p.x || q.y < p.y));
      const duplicateEarlier = pts.some((q, j) => j < i && q.x === p.x && q.y === p.y);
      if (!dominated && !duplicateEarlier) expected.add(i);
    });
    expect([...paretoFront(pts)].sort((a, b) => a - b)).to.deep.equal([...expected].sort((a, b) => a - b));
  });
});
