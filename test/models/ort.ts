// ONNX Runtime (onnxruntime-node) as the independent oracle of the frontend and executor tests.
import * as ort from "onnxruntime-node";

/** The first output of the model on one input tensor. */
export async function ortRun(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", x, dims) });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}
