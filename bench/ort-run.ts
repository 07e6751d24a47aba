// The ONNX Runtime peer, as a whole process: load an ONNX model (and its external data) and run it once on a
// seeded N(0,1) input of the model's input shape. Usage: node dist/bench/ort-run.js MODEL.onnx
import { fillNormal, rngFromString } from "../models/rng.js";

const model = process.argv[2];
if (!model) throw new Error("usage: ort-run.js MODEL.onnx");
const ort = await import("onnxruntime-node");
const session = await ort.InferenceSession.create(model);
const name = session.inputNames[0]!;
const meta = session.inputMetadata[0];
const dims = meta && "shape" in meta ? meta.shape.map((d) => (typeof d === "number" ? d : 1)) : [1, 3, 224, 224];
const x = fillNormal(rngFromString("bench/ort"), new Float32Array(dims.reduce((a, b) => a * b, 1))) as Float32Array;
const out = await session.run({ [name]: new ort.Tensor("float32", x, dims) });
if (Object.keys(out).length === 0) throw new Error("ONNX Runtime returned no output");
