// Runs sweep points on worker threads, one per core, and returns results in job order.
import * as os from "node:os";
import { Worker } from "node:worker_threads";
import type { PointRequest, PointResult } from "./evaluate.js";

export interface PoolOptions {
  readonly workers?: number;
  readonly onDone?: (done: number, total: number) => void;
}

export interface PoolRun {
  readonly results: PointResult[];
  /** Distinct worker threads that evaluated at least one point. */
  readonly threadsUsed: number;
}

/** Evaluates every request on a pool of worker threads. A failing point rejects with its error message. */
export async function runPool(jobs: readonly PointRequest[], opts: PoolOptions = {}): Promise<PoolRun> {
  const fromSource = import.meta.url.endsWith(".ts");
  const script = new URL(fromSource ? "./worker.ts" : "./worker.js", import.meta.url);
  const n = Math.max(1, Math.min(opts.workers ?? os.availableParallelism(), jobs.length));
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
  return { results, threadsUsed: used.size };
}
