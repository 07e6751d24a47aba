import { expect } from "chai";
import * as os from "node:os";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

describe("sumac sweep", function () {
  this.timeout(240_000);

  it("two parameters × three values: one CSV row per point and mode, evaluated on every core", async () => {
    const io = memoryIo();
    const args = [
      "sweep",
      "resnet20:struct-a",
      "--hw",
      "tiny",
      "--dtype",
      "fp32",
      "--set",
      "mac.rows=4,8,16",
      "--set",
      "pool.lanes=16,32,64",
      "--csv",
      "out/sweep-test.csv",
    ];
    const code = await main(args, io);
    expect(code, io.err).to.equal(0);
    const lines = new TextDecoder().decode(io.files.get("out/sweep-test.csv")).trim().split("\n");
    expect(lines[0]).to.match(/^settings,mode,hw_id,cycles,latency_ms,energy_uj/);
    expect(lines).to.have.length(1 + 3 * 3 * 2);
    const rows = lines.slice(1).map((l) => l.split(","));
    const keys = new Set(rows.map((r) => `${r[0]}|${r[1]}`));
    expect(keys.size).to.equal(18);
    // MAC work does not depend on the array size; cycles do: the 16-row array is faster than the 4-row one.
    const cycles = (rowsSetting: string, mode: string) =>
      rows.filter((r) => r[0]!.startsWith(`mac.rows=${rowsSetting} `) && r[1] === mode).map((r) => Number(r[3]));
    expect(Math.max(...cycles("16", "dense"))).to.be.below(Math.min(...cycles("4", "dense")));
    const threads = Number(/on (\d+) worker thread/.exec(io.out)?.[1]);
    expect(threads).to.equal(Math.min(os.availableParallelism(), 18));
    expect(io.out).to.contain("Pareto front");
  });

  it("a bad key in the value lists is bad input before any work starts", async () => {
    const io = memoryIo();
    expect(await main(["sweep", "resnet20", "--set", "mac.rowz=4,8"], io)).to.equal(2);
    expect(io.err).to.match(/mac\.rowz/);
  });
});
