// A sharded sweep on a real Slurm. Outside `npm test` (it needs root and Slurm): `npm run test:slurm` builds sumac
// and runs this file under scripts/cluster/slurm-local.sh, which starts a one-node Slurm on localhost and stops it
// afterwards. The shards and the merge go through the shipped scripts (submit-sweep.sh, sweep.slurm, merge.slurm)
// unchanged; the reference is the unsharded sweep of the same build on worker threads.
import { expect } from "chai";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "cli", "sumac.js");
const model = path.join(root, "test", "fixtures", "net", "tiny.net") + ":struct-lite";
// 2 machines × 3 array heights = 6 points over 4 shards: two shards hold two points, two hold one.
const grid = ["--hw", "tiny,edge", "--set", "mac.rows=4,8,16"];

describe("sharded sweep on a real Slurm (scripts/cluster/slurm-local.sh)", function () {
  this.timeout(300_000);
  let dir: string;

  before(function () {
    expect(process.env["SLURM_CONF"], "run through `npm run test:slurm` (a one-node Slurm must be up)").to.be.a(
      "string",
    );
    expect(fs.existsSync(cli), `${cli}: run npm run build first`).to.equal(true);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sumac-slurm-"));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a 4-task array job of shards and its dependent merge job give the unsharded CSV and HTML byte for byte", async () => {
    const whole = path.join(dir, "whole");
    const started = Date.now();
    await run(process.execPath, [cli, "sweep", model, ...grid, "--csv", `${whole}.csv`, "--html", `${whole}.html`]);
    const unshardedMs = Date.now() - started;

    const out = path.join(dir, "run");
    const env = {
      ...process.env,
      SUMAC: `${process.execPath} ${cli}`,
      SUMAC_MODEL: model,
      SUMAC_GRID: grid.join(" "),
      SUMAC_SHARDS: "4",
      SUMAC_OUT: out,
    };
    const submitted = Date.now();
    const { stdout } = await run("bash", [path.join(root, "scripts", "cluster", "submit-sweep.sh"), "--wait"], {
      env,
      cwd: dir,
    });
    const slurmMs = Date.now() - submitted;
    expect(stdout).to.match(/array job \d+: 4 shards/);

    const parts = fs.readdirSync(path.join(out, "parts")).sort();
    expect(parts).to.deep.equal(["part-0.json", "part-1.json", "part-2.json", "part-3.json"]);
    const shardOf = (f: string) =>
      (JSON.parse(fs.readFileSync(path.join(out, "parts", f), "utf8")) as { shard: { index: number; count: number } })
        .shard;
    expect(parts.map(shardOf)).to.deep.equal(
      [1, 2, 3, 4].map((index) => ({ index, count: 4, partition: "round-robin" })),
    );
    const csv = fs.readFileSync(path.join(out, "sweep.csv"), "utf8");
    expect(csv.trim().split("\n")).to.have.length(1 + 6 * 2);
    expect(csv).to.equal(fs.readFileSync(`${whole}.csv`, "utf8"));
    expect(fs.readFileSync(path.join(out, "sweep.html"), "utf8")).to.equal(fs.readFileSync(`${whole}.html`, "utf8"));
    console.log(`      unsharded sweep ${unshardedMs} ms; Slurm array of 4 shards + merge job ${slurmMs} ms`);
  });

  it("a failing shard fails the submission: the merge job is cancelled, not left waiting", async () => {
    const out = path.join(dir, "bad");
    const env = {
      ...process.env,
      SUMAC: `${process.execPath} ${cli}`,
      SUMAC_MODEL: model,
      SUMAC_GRID: "--hw tiny,edge --set mac.rowz=4,8",
      SUMAC_SHARDS: "2",
      SUMAC_OUT: out,
    };
    const err = await run("bash", [path.join(root, "scripts", "cluster", "submit-sweep.sh"), "--wait"], {
      env,
      cwd: dir,
    }).then(
      () => null,
      (e: Error & { code?: number; stderr?: string }) => e,
    );
    expect(err, "submit-sweep.sh --wait must fail").to.not.equal(null);
    expect(err!.stderr).to.match(/the merge job did not succeed/);
    const taskLog = fs.readdirSync(out).find((f) => /^sumac-sweep-\d+_0\.out$/.test(f));
    expect(taskLog, "the first task's log").to.be.a("string");
    expect(fs.readFileSync(path.join(out, taskLog!), "utf8")).to.match(/^sumac: error: .*mac\.rowz/m);
    expect(fs.existsSync(path.join(out, "sweep.csv"))).to.equal(false);
  });
});
