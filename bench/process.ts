// Whole-process measurements: wall time from spawn to exit, CPU time and peak resident set (from bench/usage.ts,
// preloaded into the child), repeated in rounds so that every case sees the same machine load.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export interface Case {
  readonly name: string;
  /** Arguments to node (the script and its arguments). */
  readonly args: readonly string[];
}

export interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMiB: number;
}

const USAGE = path.join(path.dirname(fileURLToPath(import.meta.url)), "usage.js");

/** Runs node with `args` once; a failing child is an error (a benchmark of a crash is no benchmark). */
export function runOnce(c: Case, cwd: string): Sample {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sumac-usage-")), "usage.json");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", USAGE, ...c.args], {
    cwd,
    env: { ...process.env, SUMAC_BENCH_USAGE: file },
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 << 20,
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`bench: '${c.name}' exited ${r.status ?? r.signal}: ${String(r.stderr).slice(0, 2000)}`);
  const u = JSON.parse(fs.readFileSync(file, "utf8")) as { maxRssKiB: number; cpuUs: number };
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return { wallMs, cpuMs: u.cpuUs / 1e3, rssMiB: u.maxRssKiB / 1024 };
}

/** `rounds` rounds, each running every case once in order; samples per case. */
export function measureRounds(cases: readonly Case[], rounds: number, cwd: string): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) for (const c of cases) out.get(c.name)!.push(runOnce(c, cwd));
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
