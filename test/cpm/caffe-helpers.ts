// Test fixtures: random CPM parameters, the beliefs a model gives with them, and a .caffemodel
// written from them (protobuf-encoded with the importer's schema, in either layout).
import textformat from 'protobufjs/ext/textformat.js';
import { layers, type CpmConfig } from '../../src/cpm/config.js';
import { caffeLayerName } from '../../src/cpm/caffe/import.js';
import { NetParameter, V1_CONVOLUTION } from '../../src/cpm/caffe/schema.js';
import { CpmModel } from '../../src/cpm/model.js';
import type { SafeTensor } from '../../src/io/safetensors.js';
import { noGrad } from '../../src/autograd/graph.js';
import type { Engine } from '../../src/tensor/engine.js';
import { fromArray } from '../../src/tensor/tensor.js';

/** Uniform values in [−0.3, 0.3), different per layer (a swapped layer would change the beliefs). */
export function randomParams(c: CpmConfig, seed = 1): Map<string, SafeTensor> {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 0.6;
  };
  const out = new Map<string, SafeTensor>();
  for (const l of layers(c)) {
    const w = [l.cout, l.cin, l.kernel, l.kernel];
    out.set(`${l.name}.weight`, { shape: w, data: Float32Array.from({ length: w.reduce((a, b) => a * b) }, next) });
    out.set(`${l.name}.bias`, { shape: [l.cout], data: Float32Array.from({ length: l.cout }, next) });
  }
  return out;
}

/** Every stage's beliefs of a model of `c` loaded with `params`, on a fixed image and centered map. */
export async function beliefsOf(engine: Engine, c: CpmConfig, params: Map<string, SafeTensor>): Promise<Float32Array[]> {
  const model = new CpmModel(engine, c);
  model.load(params);
  const S = c.inputSize;
  const image = Float32Array.from({ length: 3 * S * S }, (_, i) => Math.sin(i * 0.37) * 0.5);
  const center = Float32Array.from({ length: S * S }, (_, i) => Math.exp(-(((i % S) - S / 2) ** 2 + (Math.floor(i / S) - S / 2) ** 2) / (2 * (S / 8) ** 2)));
  const out = noGrad(engine, () => engine.tidy(() => model.forward(fromArray(engine, image, [1, 3, S, S]), fromArray(engine, center, [1, 1, S, S]))));
  const values = await Promise.all(out.map((t) => t.read()));
  for (const t of out) t.dispose();
  model.dispose();
  return values;
}

export interface CaffeFixtureOptions {
  layout: 'layer' | 'v1';
  /** Leave blob values out (shapes only). */
  noData?: boolean;
  /** Extra layers with weights, e.g. an unknown or a VGG one. */
  extra?: { name: string; shape: number[] }[];
  /** convolution_param fields to change, by Caffe layer name. */
  convParam?: Record<string, Record<string, unknown>>;
}

/** A .caffemodel of these parameters (docs/network.md#names): each conv followed by a ReLU, as the deploy files have them. */
export function caffeModelBytes(params: Map<string, SafeTensor>, opts: CaffeFixtureOptions): Uint8Array {
  const convs = [...new Set([...params.keys()].map((n) => n.replace(/\.(weight|bias)$/, '')))];
  const v1 = opts.layout === 'v1';
  const blob = (t: SafeTensor, bias: boolean) => {
    const data = opts.noData ? [] : Array.from(t.data);
    if (!v1) return { shape: { dim: t.shape }, data };
    const [num, channels, height, width] = bias ? [1, 1, 1, t.shape[0]!] : t.shape;
    return { num, channels, height, width, data };
  };
  const fake = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b)) });
  const entries = [
    ...convs.map((c) => ({ name: caffeLayerName(c), weight: params.get(`${c}.weight`)!, bias: params.get(`${c}.bias`)! })),
    ...(opts.extra ?? []).map((e) => ({ name: e.name, weight: fake(e.shape), bias: fake([e.shape[0]!]) })),
  ];
  const list = entries.flatMap((e) => {
    const k = e.weight.shape[2]!;
    const conv = {
      name: e.name,
      type: v1 ? V1_CONVOLUTION : 'Convolution',
      bottom: ['x'],
      top: [e.name],
      blobs: [blob(e.weight, false), blob(e.bias, true)],
      convolutionParam: { numOutput: e.weight.shape[0], pad: [(k - 1) / 2], kernelSize: [k], ...opts.convParam?.[e.name] },
    };
    const relu = { name: `relu_${e.name}`, type: v1 ? 18 : 'ReLU', bottom: [e.name], top: [e.name] };
    return [conv, relu];
  });
  return NetParameter.encode(NetParameter.fromObject({ name: 'CPM', ...(v1 ? { layers: list } : { layer: list }) })).finish();
}

/** The deploy prototxt of such a model: the same layers in text format, without weights. */
export function prototxtOf(caffemodel: Uint8Array): string {
  const net = NetParameter.toObject(NetParameter.decode(caffemodel)) as { layer?: { blobs?: unknown }[]; layers?: { blobs?: unknown }[] };
  for (const l of [...(net.layer ?? []), ...(net.layers ?? [])]) delete l.blobs;
  return textformat.toText(NetParameter, NetParameter.fromObject(net));
}
