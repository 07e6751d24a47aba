// The ONNX ops sumac reads, each with its translator. Anything else is an InputError naming the node and op.
import type { OpTranslator } from "./context.js";
import { opBatchNormalization, opClip, opHardSigmoid, opHardSwish, opRelu, opSigmoid } from "./ops-activation.js";
import { opCast, opConstant, opConstantOfShape, opDropout, opGather, opIdentity, opShape } from "./ops-constants.js";
import { opAdd, opMul } from "./ops-elementwise.js";
import { opConv, opGemm, opMatMul } from "./ops-linear.js";
import { opAveragePool, opGlobalAveragePool, opMaxPool } from "./ops-pool.js";
import { opDequantizeLinear, opQuantizeLinear } from "./ops-qdq.js";
import { opResize, opUpsample } from "./ops-resize.js";
import { opFlatten, opReshape, opSqueeze, opTranspose, opUnsqueeze } from "./ops-shape.js";
import { opConcat, opPad, opSlice } from "./shortcut-a.js";

export const SUPPORTED_OPS = [
  "Add",
  "AveragePool",
  "BatchNormalization",
  "Cast",
  "Clip",
  "Concat",
  "Constant",
  "ConstantOfShape",
  "Conv",
  "DequantizeLinear",
  "Dropout",
  "Flatten",
  "Gather",
  "Gemm",
  "GlobalAveragePool",
  "HardSigmoid",
  "HardSwish",
  "Identity",
  "MatMul",
  "MaxPool",
  "Mul",
  "Pad",
  "QuantizeLinear",
  "Relu",
  "Reshape",
  "Resize",
  "Shape",
  "Sigmoid",
  "Slice",
  "Squeeze",
  "Transpose",
  "Unsqueeze",
  "Upsample",
] as const;

export type SupportedOp = (typeof SUPPORTED_OPS)[number];

// Typed by SUPPORTED_OPS, so the compiler holds the list and the table to each other.
const TRANSLATORS: Record<SupportedOp, OpTranslator> = {
  Add: opAdd,
  AveragePool: opAveragePool,
  BatchNormalization: opBatchNormalization,
  Cast: opCast,
  Clip: opClip,
  Concat: opConcat,
  Constant: opConstant,
  ConstantOfShape: opConstantOfShape,
  Conv: opConv,
  DequantizeLinear: opDequantizeLinear,
  Dropout: opDropout,
  Flatten: opFlatten,
  Gather: opGather,
  Gemm: opGemm,
  GlobalAveragePool: opGlobalAveragePool,
  HardSigmoid: opHardSigmoid,
  HardSwish: opHardSwish,
  Identity: opIdentity,
  MatMul: opMatMul,
  MaxPool: opMaxPool,
  Mul: opMul,
  Pad: opPad,
  QuantizeLinear: opQuantizeLinear,
  Relu: opRelu,
  Reshape: opReshape,
  Resize: opResize,
  Shape: opShape,
  Sigmoid: opSigmoid,
  Slice: opSlice,
  Squeeze: opSqueeze,
  Transpose: opTranspose,
  Unsqueeze: opUnsqueeze,
  Upsample: opUpsample,
};

export function translatorFor(op: string): OpTranslator | undefined {
  return (SUPPORTED_OPS as readonly string[]).includes(op) ? TRANSLATORS[op as SupportedOp] : undefined;
}
