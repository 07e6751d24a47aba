// Runs sweep points on worker threads, one per core, and returns results in job order. With one worker (asked
// for, or one core, or one job) the points run in this thread: a worker thread costs its own module loading.
import * as os from "node:os";
import { Worker } from "node:worker_threads";
import type { PointRequest, PointResult } from "./evaluate.js";

export interface PoolOptions {
  readonly workers?: number;
  readonly onDone?: (done: number, total: number) => void;
}

export interface PoolRun {
  readonly results: PointResult[];
  /** Distinct worker threads that evaluated at least one point (1 when they ran in this thread). */
  readonly threadsUsed: number;
  readonly inProcess: boolean;
}

async function runInProcess(jobs: readonly PointRequest[], opts: PoolOptions): Promise<PoolRun> {
  const { evaluatePoint } = await import("./evaluate.js");
  const results: PointResult[] = [];
  for (const job of jobs) {
    results.push(evaluatePoint(job));
    opts.onDone?.(results.length, jobs.length);
    await new Promise((resolve) => setImmediate(resolve)); // let a progress bar redraw
  }
  return { results, threadsUsed: 1, inProcess: true };
}

/** Evaluates every request on a pool of worker threads. A failing point rejects with its error message. */
export async function runPool(jobs: readonly PointRequest[], opts: PoolOptions = {}): Promise<PoolRun> {
  const fromSource = import.meta.url.endsWith(".ts");
  const script = new URL(fromSource ? "./worker.ts" : "./worker.js", import.meta.url);
  const n = Math.max(1, Math.min(opts.workers ?? os.availableParallelism(), jobs.length));
  if (n === 1) return runInProcess(jobs, opts);
  const results: PointResult[] = new Array<PointResult>(jobs.length);
  const used = new Set<number>();
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      if (jobs.length === 0) return resolve();
      const feed = (w: Worker): void => {
        if (next >= jobs.length) return;
        const index = next++;
        w.postMessage({ index, job: jobs[index] });
      };
      for (let i = 0; i < n; i++) {
        // From source (tests, tsx) the worker registers tsx's loader itself: Node 20 workers do not inherit it.
        const w = fromSource
          ? new Worker(
              `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(script.href)}); });`,
              { eval: true },
            )
          : new Worker(script);
        workers.push(w);
        w.on("message", (m: { index: number; result?: PointResult; error?: string; input?: boolean }) => {
          if (m.error !== undefined) return reject(Object.assign(new Error(m.error), { input: m.input === true }));
          results[m.index] = m.result!;
          used.add(w.threadId);
          done++;
          opts.onDone?.(done, jobs.length);
          if (done === jobs.length) resolve();
          else feed(w);
        });
        w.on("error", reject);
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { results, threadsUsed: used.size, inProcess: false };
}
