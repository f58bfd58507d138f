// The part of Caffe's caffe.proto (BVLC, field numbers unchanged) that a CPM .caffemodel and its
// deploy .prototxt use. Binary decoding skips every field not named here (data layers, solver
// settings of Caffe forks); text decoding of a prototxt needs each field it holds, so the deploy
// files' layer parameters are listed too.
import protobuf from 'protobufjs';

const CAFFE_PROTO = `
syntax = "proto2";
package caffe;

message BlobShape { repeated int64 dim = 1 [packed = true]; }

message BlobProto {
  optional BlobShape shape = 7;
  repeated float data = 5 [packed = true];
  repeated double double_data = 8 [packed = true];
  optional int32 num = 1 [default = 0];
  optional int32 channels = 2 [default = 0];
  optional int32 height = 3 [default = 0];
  optional int32 width = 4 [default = 0];
}

message FillerParameter {
  optional string type = 1 [default = "constant"];
  optional float value = 2;
  optional float std = 6;
}

message ParamSpec {
  optional string name = 1;
  optional float lr_mult = 3;
  optional float decay_mult = 4;
}

message ConvolutionParameter {
  optional uint32 num_output = 1;
  optional bool bias_term = 2 [default = true];
  repeated uint32 pad = 3;
  repeated uint32 kernel_size = 4;
  optional uint32 group = 5 [default = 1];
  repeated uint32 stride = 6;
  repeated uint32 dilation = 18;
  optional FillerParameter weight_filler = 7;
  optional FillerParameter bias_filler = 8;
}

message PoolingParameter {
  enum PoolMethod { MAX = 0; AVE = 1; STOCHASTIC = 2; }
  optional PoolMethod pool = 1 [default = MAX];
  optional uint32 pad = 4 [default = 0];
  optional uint32 kernel_size = 2;
  optional uint32 stride = 3 [default = 1];
}

message SliceParameter {
  optional int32 axis = 3 [default = 1];
  repeated uint32 slice_point = 2;
}

message ConcatParameter { optional int32 axis = 2 [default = 1]; }

message LayerParameter {
  optional string name = 1;
  optional string type = 2;
  repeated string bottom = 3;
  repeated string top = 4;
  repeated ParamSpec param = 6;
  repeated BlobProto blobs = 7;
  optional ConcatParameter concat_param = 104;
  optional ConvolutionParameter convolution_param = 106;
  optional PoolingParameter pooling_param = 121;
  optional SliceParameter slice_param = 126;
}

// The pre-2015 layout: layers in field 2, the type as an enum (4 = CONVOLUTION).
message V1LayerParameter {
  repeated string bottom = 2;
  repeated string top = 3;
  optional string name = 4;
  optional int32 type = 5;
  repeated BlobProto blobs = 6;
  optional ConcatParameter concat_param = 9;
  optional ConvolutionParameter convolution_param = 10;
  optional PoolingParameter pooling_param = 19;
}

message NetParameter {
  optional string name = 1;
  repeated string input = 3;
  repeated BlobShape input_shape = 8;
  repeated int32 input_dim = 4;
  repeated LayerParameter layer = 100;
  repeated V1LayerParameter layers = 2;
}
`;

/** int64 fields decode as a number or, past 2^53, a Long. */
export type CaffeInt = number | protobuf.Long;

export interface BlobMessage {
  shape?: { dim: CaffeInt[] } | null;
  data: number[];
  doubleData: number[];
  num: number;
  channels: number;
  height: number;
  width: number;
}

/** Fields left unset are absent when decoded from text. */
export interface ConvolutionMessage {
  numOutput?: number;
  biasTerm?: boolean;
  pad?: number[];
  kernelSize?: number[];
  group?: number;
  stride?: number[];
  dilation?: number[];
}

/** A layer of either layout, as decoded (V1's `type` is the enum number). */
export interface LayerMessage {
  name: string;
  type: string | number;
  bottom: string[];
  top: string[];
  blobs: BlobMessage[];
  convolutionParam?: ConvolutionMessage | null;
}

/** Repeated fields are absent, not empty, when decoded from text. */
export interface NetMessage {
  name: string;
  layer?: LayerMessage[];
  layers?: LayerMessage[];
}

/** caffe.NetParameter, for decoding .caffemodel files (and for tests that write them). */
export const NetParameter: protobuf.Type = protobuf.parse(CAFFE_PROTO, { keepCase: false }).root.lookupType('caffe.NetParameter');

export const V1_CONVOLUTION = 4;

export function toInt(v: CaffeInt): number {
  return typeof v === 'number' ? v : v.high * 2 ** 32 + (v.low >>> 0);
}
