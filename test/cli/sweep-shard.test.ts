import { expect } from "chai";
import { parseShard, shardFromEnv, shardIndices } from "../../cli/sweep/shard.js";

describe("sweep shards", () => {
  it("the shards of a grid hold every point exactly once, balanced to within one point, for N below and above the grid size", () => {
    for (const points of [0, 1, 5, 7, 12])
      for (let count = 1; count <= points + 3; count++) {
        const owner = new Array<number>(points).fill(0);
        const sizes: number[] = [];
        for (let index = 1; index <= count; index++) {
          const mine = shardIndices(points, { index, count });
          sizes.push(mine.length);
          expect(mine, `points ${points}, shard ${index}/${count}: ascending`).to.deep.equal(
            [...mine].sort((a, b) => a - b),
          );
          for (const i of mine) {
            expect(i).to.be.within(0, points - 1);
            owner[i]!++;
          }
        }
        expect(
          owner.every((n) => n === 1),
          `points ${points}, ${count} shards: each point once`,
        ).to.equal(true);
        // balanced: the sizes are the floor and ceiling of points / count
        expect(Math.max(...sizes)).to.equal(Math.ceil(points / count));
        expect(Math.min(...sizes)).to.equal(Math.floor(points / count));
      }
  });

  it("round-robin: shard 2 of 3 over 7 points holds points 1 and 4", () => {
    expect(shardIndices(7, { index: 2, count: 3 })).to.deep.equal([1, 4]);
  });

  it("parses I/N, numbered from 1, and rejects everything else", () => {
    expect(parseShard("2/4")).to.deep.equal({ index: 2, count: 4 });
    expect(parseShard("1/1")).to.deep.equal({ index: 1, count: 1 });
    expect(() => parseShard("0/3")).to.throw(/numbered 1 to 3/);
    expect(() => parseShard("4/3")).to.throw(/numbered 1 to 3/);
    expect(() => parseShard("1/0")).to.throw(/at least 1/);
    expect(() => parseShard("2")).to.throw(/expected I\/N/);
    expect(() => parseShard("a/b")).to.throw(/expected I\/N/);
  });

  describe("--shard auto", () => {
    const slurm = (id: number, min: number, max: number, count: number, step?: number) => ({
      SLURM_JOB_ID: "77",
      SLURM_ARRAY_JOB_ID: "77",
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_MIN: String(min),
      SLURM_ARRAY_TASK_MAX: String(max),
      SLURM_ARRAY_TASK_COUNT: String(count),
      ...(step === undefined ? {} : { SLURM_ARRAY_TASK_STEP: String(step) }),
    });

    it("Slurm arrays numbered from 0 or from 1 give shards 1..N in order", () => {
      for (const first of [0, 1]) {
        const got = [0, 1, 2, 3].map((k) => shardFromEnv(slurm(first + k, first, first + 3, 4, 1)));
        expect(got).to.deep.equal([1, 2, 3, 4].map((index) => ({ index, count: 4 })));
      }
    });

    it("a Slurm array with a step (--array=10-40:10) is numbered by position", () => {
      expect(shardFromEnv(slurm(30, 10, 40, 4, 10))).to.deep.equal({ index: 3, count: 4 });
    });

    it("agrees with --shards when both are given, and refuses when they differ", () => {
      expect(shardFromEnv(slurm(2, 1, 4, 4), 4)).to.deep.equal({ index: 2, count: 4 });
      expect(() => shardFromEnv(slurm(2, 1, 4, 4), 3)).to.throw(/--shards 3 disagrees .* 4 tasks/);
    });

    it("refuses a Slurm environment that is missing a variable or is not one evenly spaced range", () => {
      const noCount: Record<string, string> = { ...slurm(1, 0, 3, 4) };
      delete noCount["SLURM_ARRAY_TASK_COUNT"];
      expect(() => shardFromEnv(noCount)).to.throw(/SLURM_ARRAY_TASK_COUNT is not set/);
      const noMin: Record<string, string> = { ...slurm(1, 0, 3, 4) };
      delete noMin["SLURM_ARRAY_TASK_MIN"];
      expect(() => shardFromEnv(noMin)).to.throw(/SLURM_ARRAY_TASK_MIN is not set/);
      // --array=0,2,5: three tasks spread over 0..5
      expect(() => shardFromEnv(slurm(2, 0, 5, 3, 1))).to.throw(/not one evenly spaced range/);
      expect(() => shardFromEnv(slurm(7, 0, 3, 4))).to.throw(/not an index of the array/);
      expect(() => shardFromEnv({ ...slurm(1, 0, 3, 4), SLURM_ARRAY_TASK_ID: "one" })).to.throw(
        /SLURM_ARRAY_TASK_ID='one' is not a whole number/,
      );
      expect(() => shardFromEnv({ SLURM_JOB_ID: "12" })).to.throw(/not an array job.*--array/);
    });

    it("Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX from 0 with --shards N", () => {
      expect(shardFromEnv({ JOB_COMPLETION_INDEX: "0" }, 3)).to.deep.equal({ index: 1, count: 3 });
      expect(shardFromEnv({ JOB_COMPLETION_INDEX: "2" }, 3)).to.deep.equal({ index: 3, count: 3 });
      expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "2" })).to.throw(/add --shards N/);
      expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "3" }, 3)).to.throw(/outside --shards 3/);
    });

    it("refuses when there is no job array, or two of them", () => {
      expect(() => shardFromEnv({})).to.throw(/neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX/);
      expect(() => shardFromEnv({ ...slurm(0, 0, 1, 2), JOB_COMPLETION_INDEX: "0" }, 2)).to.throw(/both/);
    });
  });
});
