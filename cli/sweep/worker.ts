// Worker thread body: evaluates sweep points posted by the pool.
import { parentPort } from "node:worker_threads";
import { isInputError } from "../../isa/errors.js";
import { evaluatePoint, type PointRequest } from "./evaluate.js";

parentPort!.on("message", (m: { index: number; job: PointRequest }) => {
  try {
    parentPort!.postMessage({ index: m.index, result: evaluatePoint(m.job) });
  } catch (e) {
    parentPort!.postMessage({
      index: m.index,
      error: e instanceof Error ? e.message : String(e),
      input: isInputError(e),
    });
  }
});
