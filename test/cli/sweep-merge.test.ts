import { expect } from "chai";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";
import { gridId, type GridIdentity } from "../../cli/sweep/part.js";

// A small user network (test/fixtures/net/tiny.net) on two machines × two array heights: 4 grid points.
const MODEL = "test/fixtures/net/tiny.net:struct-lite";
const GRID = ["--hw", "tiny,edge", "--set", "mac.rows=4,8"];
const decode = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
type Files = Record<string, string | Uint8Array>;
/** A part file as plain JSON, for editing it into a broken one. */
interface RawPart {
  version: unknown;
  grid: { axes: { values: string[] }[]; dtype: string; sumac: string; id: string };
  points: { dense: Record<string, unknown> }[];
}

async function sumac(args: readonly string[], files: Files = {}) {
  const io = memoryIo(files);
  const code = await main(args, io);
  return { code, io, file: (f: string) => decode(io.files.get(f)) };
}

/** Runs every shard of the grid with --part and returns the part files by name. */
async function shards(count: number, grid: readonly string[] = GRID, prefix = `p${count}`): Promise<Files> {
  const parts: Files = {};
  for (let i = 1; i <= count; i++) {
    const name = `${prefix}-${i}.json`;
    const r = await sumac(["sweep", MODEL, ...grid, "--workers", "1", "--shard", `${i}/${count}`, "--part", name]);
    expect(r.code, r.io.err).to.equal(0);
    expect(r.io.out).to.match(new RegExp(`^shard ${i}/${count} of grid [0-9a-f]{16}: `));
    parts[name] = r.io.files.get(name)!;
  }
  return parts;
}

/** Expects exit 2 with one `sumac: error:` line (a JSON error adds the line and a caret) matching every pattern. */
function refused(r: { code: number; io: { err: string } }, ...patterns: RegExp[]) {
  expect(r.code, r.io.err).to.equal(2);
  const lines = r.io.err.trim().split("\n");
  expect(lines.length, r.io.err).to.equal(/invalid JSON/.test(lines[0]!) ? 3 : 1);
  expect(r.io.err).to.match(/^sumac: error: /);
  for (const p of patterns) expect(lines[0]).to.match(p);
}

describe("sumac sweep --shard and sweep merge", function () {
  this.timeout(120_000);
  let whole: { csv: string; html: string; summary: string };
  let three: Files;

  before(async () => {
    // The reference: the unsharded sweep (in this thread; test-slurm/ compares worker threads with Slurm's shards).
    const r = await sumac(["sweep", MODEL, ...GRID, "--workers", "1", "--csv", "all.csv", "--html", "all.html"]);
    expect(r.code, r.io.err).to.equal(0);
    whole = { csv: r.file("all.csv"), html: r.file("all.html"), summary: r.io.out.split("\n").slice(1).join("\n") };
    three = await shards(3);
  });

  it("the unsharded sweep crosses the machines (slowest) with the --set list", () => {
    const settings = whole.csv
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",").slice(0, 2).join(" "));
    expect(settings).to.deep.equal(
      ["hw=tiny mac.rows=4", "hw=tiny mac.rows=8", "hw=edge mac.rows=4", "hw=edge mac.rows=8"].flatMap((p) => [
        `${p} dense`,
        `${p} structured`,
      ]),
    );
  });

  it("2, 3 and 5 shards (5 > 4 points: one shard is empty) merge to the unsharded CSV byte for byte, and the same Pareto front", async () => {
    for (const [count, parts] of [
      [2, await shards(2)],
      [3, three],
      [5, await shards(5)],
    ] as const) {
      const r = await sumac(["sweep", "merge", ...Object.keys(parts).reverse(), "--csv", "merged.csv"], parts);
      expect(r.code, r.io.err).to.equal(0);
      expect(r.file("merged.csv"), `${count} shards`).to.equal(whole.csv);
      expect(r.io.out).to.match(new RegExp(`^8 runs \\(4 points × 2 lowerings\\) merged from ${count} part file`));
      expect(r.io.out.split("\n").slice(1).join("\n")).to.equal(whole.summary.replace("all.csv", "merged.csv"));
    }
  });

  it("the merged HTML page is the unsharded one, byte for byte, with the saving per machine on one chart", async () => {
    const r = await sumac(["sweep", "merge", ...Object.keys(three), "--html", "merged.html"], three);
    expect(r.code, r.io.err).to.equal(0);
    expect(r.file("merged.html")).to.equal(whole.html);
    expect(whole.html).to.contain('data-chart="Structured / dense energy and latency at each design point"');
    for (const p of ["hw=tiny mac.rows=4", "hw=edge mac.rows=8"]) expect(whole.html).to.contain(`<td>${p}</td>`);
  });

  it("refuses missing, duplicated and foreign shards, naming the files", async () => {
    refused(
      await sumac(["sweep", "merge", "p3-1.json", "p3-3.json"], three),
      /missing shard 2\/3/,
      /p3-1\.json = 1\/3/,
    );
    const dup = { ...three, "copy.json": three["p3-2.json"]! };
    refused(
      await sumac(["sweep", "merge", "p3-1.json", "p3-2.json", "copy.json", "p3-3.json"], dup),
      /p3-2\.json and copy\.json are both shard 2\/3/,
    );
    refused(await sumac(["sweep", "merge", "p3-1.json", "p3-1.json"], three), /p3-1\.json is given twice/);
    const other = await shards(2, ["--hw", "tiny,edge", "--set", "mac.rows=4,16"], "other");
    refused(
      await sumac(["sweep", "merge", "p3-1.json", "other-2.json"], { ...three, ...other }),
      /p3-1\.json and other-2\.json are parts of different sweeps: axes differs \(mac\.rows=4,8 vs mac\.rows=4,16\)/,
    );
    const two = await shards(2);
    refused(
      await sumac(["sweep", "merge", "p3-1.json", "p2-2.json"], { ...three, ...two }),
      /p3-1\.json is shard 1\/3 but p2-2\.json is shard 2\/2/,
    );
  });

  it("refuses part files that are unreadable, not parts, edited, truncated or from another sumac version", async () => {
    const edit = (f: (p: RawPart) => unknown) => {
      const copy = JSON.parse(decode(three["p3-1.json"] as Uint8Array)) as RawPart;
      f(copy);
      return JSON.stringify(copy);
    };
    const cases: [Files, RegExp[]][] = [
      [{}, [/nothere\.json: cannot read the part file \(ENOENT\)/]],
      [{ "bad.json": '{"format": "sumac-sweep-part",\n  "version": 1,, }' }, [/bad\.json:2:16: invalid JSON/]],
      [{ "bad.json": '{ "preset": "tiny" }' }, [/bad\.json: not a sumac sweep part file/]],
      [{ "bad.json": edit((p) => (p.version = 7)) }, [/bad\.json: part format version 7/]],
      [{ "bad.json": edit((p) => p.grid.axes[0]!.values.push("16")) }, [/bad\.json: grid\.points must be 6/]],
      [{ "bad.json": edit((p) => (p.grid.dtype = "fp32")) }, [/bad\.json: grid\.id does not match/]],
      [{ "bad.json": edit((p) => p.points.pop()) }, [/bad\.json: points must hold grid points 0, 3 .* but hold 0/]],
      [
        { "bad.json": edit((p) => (p.points[0]!.dense["cycles"] = "many")) },
        [/bad\.json: points\[0\]\.dense\.cycles must be a number/],
      ],
    ];
    for (const [files, patterns] of cases) {
      const name = Object.keys(files)[0] ?? "nothere.json";
      const others = ["p3-2.json", "p3-3.json"];
      refused(await sumac(["sweep", "merge", name, ...others], { ...three, ...files }), ...patterns);
    }
    // parts from another version of sumac: each one consistent, but not this sumac's
    const older: Files = {};
    for (const [name, bytes] of Object.entries(three)) {
      const p = JSON.parse(decode(bytes as Uint8Array)) as RawPart;
      p.grid.sumac = "0.0.1";
      p.grid.id = gridId(p.grid as unknown as GridIdentity);
      older[name] = JSON.stringify(p);
    }
    refused(
      await sumac(["sweep", "merge", ...Object.keys(older)], older),
      /written by sumac 0\.0\.1 and this is sumac /,
    );
    refused(
      await sumac(["sweep", "merge", "p3-1.json", "p3-2.json", "old.json"], {
        ...three,
        "old.json": older["p3-3.json"]!,
      }),
      /p3-1\.json and old\.json are parts of different sweeps: sumac differs \(.* vs "0\.0\.1"\)/,
    );
  });

  it("--shard needs --part, keeps --csv/--html for the merge, and --shards goes with auto", async () => {
    const run = (...flags: string[]) => sumac(["sweep", MODEL, ...GRID, "--workers", "1", ...flags]);
    refused(await run("--shard", "2/3"), /add --part FILE/);
    refused(await run("--shard", "2/3", "--part", "p.json", "--csv", "x.csv"), /--csv with --shard 2\/3/);
    refused(await run("--shard", "4/3", "--part", "p.json"), /numbered 1 to 3/);
    refused(await run("--shard", "1/3", "--shards", "3", "--part", "p.json"), /--shards goes with --shard auto/);
    refused(await run("--workers", "0"), /--workers must be a whole number/);
    refused(await sumac(["sweep", MODEL, "p.json", ...GRID]), /unexpected argument p\.json/);
    refused(await sumac(["sweep", "merge", "p3-1.json", "--set", "mac.rows=4"], three), /--set belongs to the sweep/);
  });

  it("--shard auto takes the shard from Slurm's array variables", async () => {
    const vars = {
      SLURM_JOB_ID: "9",
      SLURM_ARRAY_TASK_ID: "2",
      SLURM_ARRAY_TASK_MIN: "0",
      SLURM_ARRAY_TASK_MAX: "2",
      SLURM_ARRAY_TASK_COUNT: "3",
    };
    const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
    Object.assign(process.env, vars);
    try {
      const r = await sumac(["sweep", MODEL, ...GRID, "--workers", "1", "--shard", "auto", "--part", "auto.json"]);
      expect(r.code, r.io.err).to.equal(0);
      expect(r.io.out).to.match(/^shard 3\/3 /);
      expect(r.file("auto.json")).to.equal(decode(three["p3-3.json"] as Uint8Array));
    } finally {
      for (const [k, v] of saved)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});

describe("sumac sweep --hw lists", function () {
  this.timeout(120_000);
  const rows = (csv: string) =>
    csv
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));

  it("a list of presets and JSON files alone is a grid: each machine gives what --hw/--set give for it", async () => {
    const files = { "four-rows.json": '{ "preset": "tiny", "mac": { "rows": 4 } }' };
    const list = await sumac(
      ["sweep", MODEL, "--hw", "tiny,four-rows.json", "--workers", "1", "--csv", "l.csv"],
      files,
    );
    expect(list.code, list.io.err).to.equal(0);
    const got = rows(list.file("l.csv"));
    expect(got.map((r) => `${r[0]} ${r[1]}`)).to.deep.equal([
      "hw=tiny dense",
      "hw=tiny structured",
      "hw=four-rows.json dense",
      "hw=four-rows.json structured",
    ]);
    // the same machines through the older flags: tiny has 8 rows
    const viaSet = await sumac([
      "sweep",
      MODEL,
      "--hw",
      "tiny",
      "--set",
      "mac.rows=8,4",
      "--workers",
      "1",
      "--csv",
      "s.csv",
    ]);
    expect(viaSet.code, viaSet.io.err).to.equal(0);
    expect(got.map((r) => r.slice(1))).to.deep.equal(rows(viaSet.file("s.csv")).map((r) => r.slice(1)));
    // the terminal summary gives structured / dense per machine, from the rows above
    for (const [dense, structured] of [[got[0]!, got[1]!] as const, [got[2]!, got[3]!] as const]) {
      const energy = (Number(structured[5]) / Number(dense[5])).toFixed(3);
      const latency = (Number(structured[4]) / Number(dense[4])).toFixed(3);
      expect(list.io.out).to.contain(`${energy.padStart(8)} ${latency.padStart(8)}  ${dense[0]}`);
    }
  });

  it("refuses empty, repeated and unknown entries, and a sweep with nothing to vary", async () => {
    refused(await sumac(["sweep", MODEL, "--hw", "tiny,,edge"]), /--hw 'tiny,,edge': empty entry/);
    refused(await sumac(["sweep", MODEL, "--hw", "tiny,tiny"]), /'tiny' is given twice/);
    refused(await sumac(["sweep", MODEL, "--hw", "tiny,edgy"]), /--hw 'edgy': neither a preset.*edge/);
    refused(await sumac(["sweep", MODEL, "--hw", "tiny,missing.json"]), /missing\.json: cannot read/);
    refused(await sumac(["sweep", MODEL, "--hw", "tiny"]), /at least one --set .* or a --hw list/);
  });
});
