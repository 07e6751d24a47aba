// `npm run bench [-- --rounds N] [-- --whole | --in-process]`: the speed of the whole process (start-up,
// compile and simulate: what a design-space loop pays per point), each figure as a ratio to a peer measured in the
// same run on the same machine — ONNX Runtime loading and running ResNet-50 (fp32, ~100 MB of weights), and a bare
// `node -e ""` for start-up — then the in-process figures behind them (bench/in-process.ts).
//
// The machine may be shared: cases run in rounds (each round runs every case once, in order) and each ratio is the
// median over rounds of that round's ratio, beside the median times. Targets are those of issue 12.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { inProcessBench } from "./in-process.js";
import { measureRounds, median, type Case, type Sample } from "./process.js";
import { writeRandomWeights } from "./random-onnx.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SUMAC = path.join(ROOT, "dist", "cli", "sumac.js");
const ORT_RUN = path.join(ROOT, "dist", "bench", "ort-run.js");
const RESNET50_ONNX = path.join(ROOT, "test", "fixtures", "onnx", "resnet50.onnx");

interface Figure {
  readonly name: string;
  readonly args: readonly string[];
  /** The peer case this one is a ratio to, and the target for that ratio. */
  readonly peer?: string;
  readonly target?: number;
  /** Largest peak RSS allowed, MiB. */
  readonly rssTarget?: number;
}

interface BenchArgs {
  readonly rounds: number;
  readonly whole: boolean;
  readonly inProcess: boolean;
  /** Only the whole-process cases whose name matches (their peers always run). */
  readonly only?: RegExp;
}

function parseArgs(argv: readonly string[]): BenchArgs {
  let rounds = 5;
  let whole = true;
  let inProcess = true;
  let only: RegExp | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--rounds") rounds = Number(argv[++i]);
    else if (a === "--whole") inProcess = false;
    else if (a === "--in-process") whole = false;
    else if (a === "--only") only = new RegExp(argv[++i] ?? "");
    else throw new Error(`bench: unknown argument '${a}' (--rounds N, --whole, --in-process, --only REGEX)`);
  }
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error("bench: --rounds needs a positive integer");
  return { rounds, whole, inProcess, ...(only ? { only } : {}) };
}

const fmt = (x: number, digits = 0) => x.toFixed(digits).padStart(8);

function wholeProcessBench(rounds: number, only?: RegExp): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sumac-bench-"));
  try {
    const model = writeRandomWeights(RESNET50_ONNX, tmp);
    const dataBytes = fs.readdirSync(tmp).reduce((s, f) => s + fs.statSync(path.join(tmp, f)).size, 0);
    const ort = "onnxruntime-node: ResNet-50 fp32 load + run";
    const node = 'node -e ""';
    const all: Figure[] = [
      { name: node, args: ["-e", ""] },
      { name: ort, args: [ORT_RUN, model] },
      { name: "sumac --help", args: [SUMAC, "--help"], peer: node, target: 5 },
      { name: "sumac hw", args: [SUMAC, "hw"], peer: node },
      { name: "sumac models", args: [SUMAC, "models"], peer: node },
      {
        name: "sumac run resnet50:struct-a --timing-only",
        args: [SUMAC, "run", "resnet50:struct-a", "--timing-only"],
        peer: ort,
        target: 1.5,
      },
      {
        name: "sumac run resnet50.onnx --timing-only (no data)",
        args: [SUMAC, "run", RESNET50_ONNX, "--timing-only"],
        peer: ort,
      },
      {
        name: "sumac run resnet50:struct-a (functional int8)",
        args: [SUMAC, "run", "resnet50:struct-a"],
        peer: ort,
        target: 15,
        rssTarget: 1536,
      },
    ];
    const figures = all.filter((f) => !only || !f.peer || only.test(f.name));
    console.log(
      `whole processes on this machine (${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}), ${rounds} round(s); ORT loads ${(dataBytes / 1e6).toFixed(0)} MB\n`,
    );
    const samples = measureRounds(
      figures.map((f): Case => ({ name: f.name, args: f.args })),
      rounds,
      ROOT,
    );
    console.log(
      `${"case".padEnd(50)} ${"wall ms".padStart(8)} ${"cpu ms".padStart(8)} ${"RSS MiB".padStart(8)}   ratio (wall)`,
    );
    for (const f of figures) {
      const s = samples.get(f.name)!;
      const wall = median(s.map((x) => x.wallMs));
      const rss = Math.max(...s.map((x) => x.rssMiB));
      let ratio = "";
      if (f.peer) {
        const p = samples.get(f.peer)!;
        const r = median(s.map((x: Sample, i) => x.wallMs / p[i]!.wallMs));
        const verdict =
          f.target === undefined
            ? ""
            : r <= f.target
              ? `  (target ≤ ${f.target}×: met)`
              : `  (target ≤ ${f.target}×: NOT met)`;
        ratio = `${r.toFixed(2)}× ${f.peer === node ? "bare node" : "ONNX Runtime"}${verdict}`;
      } else ratio = "(peer)";
      if (f.rssTarget !== undefined)
        ratio += `; peak RSS ${rss < f.rssTarget ? "<" : "NOT <"} ${(f.rssTarget / 1024).toFixed(1)} GiB`;
      console.log(`${f.name.padEnd(50)} ${fmt(wall)} ${fmt(median(s.map((x) => x.cpuMs)))} ${fmt(rss)}   ${ratio}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const opts = parseArgs(process.argv.slice(2));
console.log("sumac bench (lower is better)\n");
if (opts.whole) wholeProcessBench(opts.rounds, opts.only);
if (opts.inProcess) inProcessBench();
