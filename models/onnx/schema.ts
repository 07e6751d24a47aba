// The part of onnx.proto that the frontend reads (and that tests use to build small models), for protobufjs 8.
// Field numbers are those of onnx/onnx.in.proto (ONNX IR 7+); fields we do not list are skipped by the decoder,
// so a subset is enough. Kept as proto2, like the original, so that presence and packing match real files.
// protobufjs loads on first use (modelProto()): only commands that read or write an ONNX file pay for it.
import { createRequire } from "node:module";
import type * as Protobuf from "protobufjs";

export const ONNX_PROTO_SUBSET = `
syntax = "proto2";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; SPARSE_TENSOR = 11; SPARSE_TENSORS = 12;
    TYPE_PROTO = 13; TYPE_PROTOS = 14; }
  optional string name = 1; optional string ref_attr_name = 21; optional string doc_string = 13;
  optional AttributeType type = 20;
  optional float f = 2; optional int64 i = 3; optional bytes s = 4; optional TensorProto t = 5; optional GraphProto g = 6;
  repeated float floats = 7; repeated int64 ints = 8; repeated bytes strings = 9;
  repeated TensorProto tensors = 10; repeated GraphProto graphs = 11;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3; }
message NodeProto {
  repeated string input = 1; repeated string output = 2; optional string name = 3; optional string op_type = 4;
  optional string domain = 7; repeated AttributeProto attribute = 5; optional string doc_string = 6;
}
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message ModelProto {
  optional int64 ir_version = 1; repeated OperatorSetIdProto opset_import = 8; optional string producer_name = 2;
  optional string producer_version = 3; optional string domain = 4; optional int64 model_version = 5;
  optional string doc_string = 6; optional GraphProto graph = 7; repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5;
  optional string doc_string = 10; repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}
message TensorProto {
  enum DataType { UNDEFINED = 0; FLOAT = 1; UINT8 = 2; INT8 = 3; UINT16 = 4; INT16 = 5; INT32 = 6;
    INT64 = 7; STRING = 8; BOOL = 9; FLOAT16 = 10; DOUBLE = 11; UINT32 = 12; UINT64 = 13; BFLOAT16 = 16; }
  enum DataLocation { DEFAULT = 0; EXTERNAL = 1; }
  repeated int64 dims = 1; optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8; optional string doc_string = 12; optional bytes raw_data = 9;
  repeated StringStringEntryProto external_data = 13;
  optional DataLocation data_location = 14;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } optional string denotation = 3; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
  optional string denotation = 6;
}
`;

let modelProtoType: Protobuf.Type | undefined;

/** The onnx.ModelProto message type (decode, encode, toObject), built from ONNX_PROTO_SUBSET on first use. */
export function modelProto(): Protobuf.Type {
  if (!modelProtoType) {
    const protobuf = createRequire(import.meta.url)("protobufjs") as typeof Protobuf;
    modelProtoType = protobuf.parse(ONNX_PROTO_SUBSET, { keepCase: false }).root.lookupType("onnx.ModelProto");
  }
  return modelProtoType;
}

/** TensorProto.DataType values used by the frontend. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

export const DATA_LOCATION_EXTERNAL = 1;

// Plain-object views of the decoded messages (protobufjs toObject with longs as numbers, camelCase names).
export interface StringStringEntry {
  key?: string;
  value?: string;
}
export interface TensorProtoObj {
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  uint64Data?: number[];
  name?: string;
  rawData?: Uint8Array;
  externalData?: StringStringEntry[];
  dataLocation?: number;
}
export interface AttributeProtoObj {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProtoObj;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}
export interface NodeProtoObj {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: AttributeProtoObj[];
}
export interface DimensionObj {
  dimValue?: number;
  dimParam?: string;
}
export interface ValueInfoProtoObj {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: DimensionObj[] } } };
}
export interface GraphProtoObj {
  node?: NodeProtoObj[];
  name?: string;
  initializer?: TensorProtoObj[];
  input?: ValueInfoProtoObj[];
  output?: ValueInfoProtoObj[];
  valueInfo?: ValueInfoProtoObj[];
}
export interface ModelProtoObj {
  irVersion?: number;
  opsetImport?: { domain?: string; version?: number }[];
  producerName?: string;
  producerVersion?: string;
  graph?: GraphProtoObj;
}

/** Encodes a model object (camelCase fields) to bytes: for tests and tools that build small ONNX files. */
export function encodeModel(model: ModelProtoObj | Record<string, unknown>): Uint8Array {
  const type = modelProto();
  const err = type.verify(model);
  if (err) throw new Error(`ModelProto: ${err}`);
  return type.encode(type.fromObject(model)).finish();
}
