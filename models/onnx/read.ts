// Bytes → decoded ModelProto, with every way a file can be wrong turned into one InputError line naming it.
import { InputError } from "../../isa/errors.js";
import { modelProto, type GraphProtoObj, type ModelProtoObj } from "./schema.js";

export const MIN_OPSET = 11;
export const MAX_OPSET = 21;

export interface DecodedModel {
  readonly model: ModelProtoObj;
  readonly graph: GraphProtoObj;
  /** Opset of the default ("" / "ai.onnx") domain. */
  readonly opset: number;
}

export function decodeModel(bytes: Uint8Array, path: string): DecodedModel {
  if (bytes.length === 0) throw new InputError(`${path}: not an ONNX model (the file is empty)`);
  let model: ModelProtoObj;
  try {
    model = modelProto().toObject(modelProto().decode(bytes), { longs: Number });
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new InputError(`${path}: not an ONNX model (truncated or corrupt protobuf: ${why})`);
  }
  const graph = model.graph;
  if (!graph || (graph.node?.length ?? 0) === 0) {
    throw new InputError(`${path}: not an ONNX model (no graph with nodes in the protobuf)`);
  }
  if ((graph.input?.length ?? 0) === 0 || (graph.output?.length ?? 0) === 0) {
    throw new InputError(`${path}: not an ONNX model (the graph declares no inputs or no outputs)`);
  }
  const defaultDomain = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  if (!defaultDomain) throw new InputError(`${path}: the model imports no opset of the default ONNX domain`);
  const opset = Number(defaultDomain.version ?? 0);
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new InputError(`${path}: opset ${opset} is not supported (sumac reads opsets ${MIN_OPSET}–${MAX_OPSET})`);
  }
  return { model, graph, opset };
}
