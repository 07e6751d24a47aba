// A random-weight copy of an ONNX model saved with external data (test/fixtures/onnx/resnet50.onnx: torchvision's
// graph with every initializer present but its weight file deliberately absent), so that ONNX Runtime loads the
// ~100 MB of weights a real export has. Values are seeded He-uniform (bound sqrt(6 / fan-in)); only their size
// matters for the load-and-run time.
import * as fs from "node:fs";
import * as path from "node:path";
import { modelProto, type ModelProtoObj } from "../models/onnx/schema.js";
import { rngFromString } from "../models/rng.js";

/** Writes MODEL and its data file into `dir`; returns the model's path. */
export function writeRandomWeights(source: string, dir: string): string {
  const type = modelProto();
  const model = type.toObject(type.decode(fs.readFileSync(source)), { longs: Number }) as ModelProtoObj;
  const inits = model.graph?.initializer ?? [];
  const files = new Map<string, { size: number; blocks: { offset: number; dims: number[]; name: string }[] }>();
  for (const t of inits) {
    const ext = new Map((t.externalData ?? []).map((e) => [e.key ?? "", e.value ?? ""]));
    const location = ext.get("location");
    if (!location) continue;
    if (t.dataType !== 1) throw new Error(`${source}: initializer ${t.name} is not float32`);
    const offset = Number(ext.get("offset") ?? 0);
    const length = Number(ext.get("length") ?? 0);
    const f = files.get(location) ?? { size: 0, blocks: [] };
    f.size = Math.max(f.size, offset + length);
    f.blocks.push({ offset, dims: t.dims ?? [], name: t.name ?? "" });
    files.set(location, f);
  }
  if (files.size === 0) throw new Error(`${source}: no initializer keeps its data in an external file`);
  for (const [location, f] of files) {
    const bytes = new Uint8Array(f.size);
    for (const b of f.blocks) {
      const n = b.dims.reduce((a, d) => a * d, 1);
      const fanIn = b.dims.length > 1 ? n / b.dims[0]! : n;
      const bound = Math.sqrt(6 / fanIn);
      const rng = rngFromString(`bench/${b.name}`);
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = rng.uniform(-bound, bound);
      bytes.set(new Uint8Array(values.buffer), b.offset); // offsets need not be 4-byte aligned
    }
    fs.writeFileSync(path.join(dir, location), bytes);
  }
  const out = path.join(dir, path.basename(source));
  fs.copyFileSync(source, out);
  return out;
}
