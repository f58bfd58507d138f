// The authors' released Caffe models (.caffemodel, `layer` or V1 `layers` layout) as our
// parameters and a configuration: Caffe layer names mapped onto ours (docs/network.md#caffe,
// #names), every shape checked, stages and joints taken from the file. Pure: bytes in, tensors out.
import textformat from 'protobufjs/ext/textformat.js';
import type { SafeTensor } from '../../io/safetensors.js';
import { validateConfig, type CpmConfig } from '../config.js';
import { checkShapes, configFromShapes, namedConfigLike, stageCount } from '../shapes.js';
import { NetParameter, toInt, V1_CONVOLUTION, type BlobMessage, type ConvolutionMessage, type LayerMessage, type NetMessage } from './schema.js';

/** Caffe layer name → our layer name, or null when the layer is not one of the CPM's convolutions. */
export function cpmLayerName(caffe: string): string | null {
  const m = /^(M?)conv(\d+)_stage(\d+)$/.exec(caffe);
  if (!m) return null;
  const [i, t] = [Number(m[2]), Number(m[3])];
  if (m[1]) return t >= 2 && i <= 5 ? `stage${t}.mconv${i}` : null;
  if (t === 1) return i <= 7 ? `stage1.conv${i}` : null;
  if (t === 2) return i <= 3 ? `trunk.conv${i}` : i === 4 ? 'stage2.features' : null;
  return i === 1 ? `stage${t}.features` : null;
}

/** Our layer name → Caffe layer name (the inverse of cpmLayerName). */
export function caffeLayerName(layer: string): string {
  const [block, conv] = layer.split('.') as [string, string];
  const t = Number(block.replace('stage', ''));
  if (block === 'trunk') return `${conv}_stage2`;
  if (conv === 'features') return t === 2 ? 'conv4_stage2' : `conv1_stage${t}`;
  if (conv.startsWith('mconv')) return `Mconv${conv.slice(5)}_stage${t}`;
  return `${conv}_stage1`;
}

/** Names one of our parameters by the Caffe layer it comes from, for errors. */
const label = (param: string) => `layer ${caffeLayerName(param.replace(/\.(weight|bias)$/, ''))} (${param})`;

/** Layers of the VGG-19-based CPM (pose_deploy_resize), which is a different network. */
const VGG_LAYER = /^conv\d_\d$|_CPM$/;

export interface CaffeImportOptions {
  /** Check every shape against this configuration (stages and joints still come from the file). Default: widths from the shapes. */
  config?: CpmConfig;
  /** Crop size written into the configuration (default: the configuration's, else 368). */
  inputSize?: number;
  /** The deploy .prototxt: its convolutions must be exactly the file's, with the same widths and kernels. */
  prototxt?: { text: string; source: string };
  /** Map and check the shapes only; blobs need no values and `params` hold empty data (checks the full-size bookkeeping cheaply). */
  shapesOnly?: boolean;
}

export interface CaffeImport {
  config: CpmConfig;
  /** Our parameter name → OIHW weights and biases. */
  params: Map<string, SafeTensor>;
  layout: 'layer' | 'V1 layers';
  /** The network's own name in the file. */
  netName: string;
}

function decodeNet(bytes: Uint8Array, source: string): NetMessage {
  try {
    return NetParameter.decode(bytes) as unknown as NetMessage;
  } catch (e) {
    throw new Error(`${source}: truncated or not a Caffe model (protobuf: ${(e as Error).message})`);
  }
}

function parsePrototxt(text: string, source: string): NetMessage {
  try {
    return textformat.fromText(NetParameter, text) as unknown as NetMessage;
  } catch (e) {
    throw new Error(`${source}: cannot read as a Caffe deploy prototxt (${(e as Error).message})`);
  }
}

/** The layers of either layout; a file holding both is refused (Caffe itself refuses it). */
function netLayers(net: NetMessage, source: string): { layers: LayerMessage[]; layout: CaffeImport['layout'] } {
  const { layer = [], layers = [] } = net;
  if (layer.length > 0 && layers.length > 0) throw new Error(`${source}: holds both "layer" and V1 "layers" fields`);
  if (layer.length === 0 && layers.length === 0) throw new Error(`${source}: no layers; not a Caffe NetParameter`);
  return layer.length > 0 ? { layers: layer, layout: 'layer' } : { layers, layout: 'V1 layers' };
}

/** Our layer that a Caffe layer maps to; refuses the VGG model and layers that are no part of a CPM. */
function mapLayer(name: string, source: string): string {
  if (VGG_LAYER.test(name)) {
    throw new Error(
      `${source}: layer "${name}" belongs to the VGG-19-based CPM (pose_deploy_resize: a VGG trunk shared by every stage, 7×7 stage convs); ` +
        'that is a different network from the one this engine builds, and is not imported. Use the centerMap models (LSP, MPII, MPII+LSP) or FLIC.',
    );
  }
  const layer = cpmLayerName(name);
  if (!layer)
    throw new Error(
      `${source}: unknown layer "${name}" with weights: not a layer of the CPM centerMap network (conv1_stage1 … conv7_stage1, conv1_stage2 … conv4_stage2, conv1_stage{t}, Mconv1_stage{t} … Mconv5_stage{t})`,
    );
  return layer;
}

/** Blob shape from `shape`, or from the legacy num/channels/height/width. */
function blobShape(b: BlobMessage): number[] {
  return b.shape && b.shape.dim.length > 0 ? b.shape.dim.map(toInt) : [b.num, b.channels, b.height, b.width];
}

/** Same padding, stride 1, no groups or dilation: what the CPM's convolutions are. */
function checkConvParam(p: ConvolutionMessage | null | undefined, kernel: number, where: string): void {
  if (!p) return;
  const bad = (what: string) => {
    throw new Error(`${where}: ${what}; CPM convolutions have stride 1 and pad (k − 1)/2`);
  };
  const { kernelSize = [], stride = [], pad = [], dilation = [], group = 1 } = p;
  if (kernelSize.some((k) => k !== kernel)) bad(`kernel_size ${kernelSize} does not match the ${kernel}×${kernel} weights`);
  if (stride.some((s) => s !== 1)) bad(`stride ${stride}`);
  if (pad.some((s) => s !== (kernel - 1) / 2)) bad(`pad ${pad} for kernel ${kernel}`);
  if (group !== 1) bad(`group ${group}`);
  if (dilation.some((d) => d !== 1)) bad(`dilation ${dilation}`);
}

/** Weights [O, I, k, k] and bias [O] of one convolution layer. */
function layerTensors(l: LayerMessage, source: string, shapesOnly: boolean): [SafeTensor, SafeTensor] {
  const where = `${source}: layer ${l.name}`;
  if (l.blobs.length !== 2) throw new Error(`${where}: ${l.blobs.length} blob(s); a CPM convolution has weights and a bias`);
  const [w, b] = l.blobs.map((blob, i) => {
    let shape = blobShape(blob);
    if (i === 1) shape = [shape.reduce((a, d) => a * d, 1)]; // legacy biases are 1×1×1×O
    const count = shape.reduce((a, d) => a * d, 1);
    const what = i === 0 ? 'weights' : 'bias';
    if (!(count > 0)) throw new Error(`${where}: ${what} blob has no shape`);
    if (shapesOnly) return { shape, data: new Float32Array(0) };
    const values = blob.data.length > 0 ? blob.data : blob.doubleData;
    if (values.length !== count) throw new Error(`${where}: ${what} blob holds ${values.length} values, its shape [${shape}] needs ${count} (truncated?)`);
    return { shape, data: Float32Array.from(values) };
  }) as [SafeTensor, SafeTensor];
  if (w.shape.length !== 4 || w.shape[2] !== w.shape[3]) throw new Error(`${where}: weights of shape [${w.shape}] are not a square 4-D convolution kernel`);
  if (b.shape[0] !== w.shape[0]) throw new Error(`${where}: bias of ${b.shape[0]} values for ${w.shape[0]} output channels`);
  checkConvParam(l.convolutionParam, w.shape[2]!, where);
  return [w, b];
}

/** The deploy file's convolutions must be the model's, one for one, with the same widths and kernels. */
function checkPrototxt(text: string, source: string, params: ReadonlyMap<string, SafeTensor>): void {
  const convs = netLayers(parsePrototxt(text, source), source).layers.filter((l) => l.type === 'Convolution' || l.type === V1_CONVOLUTION);
  const seen = new Set<string>();
  for (const l of convs) {
    const layer = mapLayer(l.name, source);
    const w = params.get(`${layer}.weight`);
    if (!w) throw new Error(`${source}: convolution ${l.name} has no weights in the caffemodel`);
    if (l.convolutionParam?.numOutput !== undefined && l.convolutionParam.numOutput !== w.shape[0]) {
      throw new Error(`${source}: layer ${l.name}: num_output ${l.convolutionParam.numOutput}, the caffemodel's weights have ${w.shape[0]}`);
    }
    checkConvParam(l.convolutionParam, w.shape[2]!, `${source}: layer ${l.name}`);
    seen.add(layer);
  }
  for (const name of params.keys()) {
    const layer = name.replace(/\.(weight|bias)$/, '');
    if (!seen.has(layer)) throw new Error(`${source}: no layer ${caffeLayerName(layer)}, which the caffemodel has`);
  }
}

/** Decodes a .caffemodel and returns its parameters (our names) with the configuration they form. */
export function importCaffeModel(bytes: Uint8Array, source: string, opts: CaffeImportOptions = {}): CaffeImport {
  const net = decodeNet(bytes, source);
  const { layers, layout } = netLayers(net, source);
  const params = new Map<string, SafeTensor>();
  for (const l of layers) {
    if (l.blobs.length === 0) continue; // ReLU, pooling, concat, data and loss layers hold no weights
    const layer = mapLayer(l.name, source);
    if (params.has(`${layer}.weight`)) throw new Error(`${source}: layer ${l.name} appears twice`);
    const [w, b] = layerTensors(l, source, opts.shapesOnly ?? false);
    params.set(`${layer}.weight`, w);
    params.set(`${layer}.bias`, b);
  }
  if (params.size === 0) throw new Error(`${source}: no layer holds weights (a deploy .prototxt has none: pass the .caffemodel)`);
  const shapes = new Map([...params].map(([n, t]) => [n, t.shape]));
  let config: CpmConfig;
  if (opts.config) {
    const base = opts.config;
    const stages = stageCount(shapes.keys());
    const joints = (shapes.get('stage1.conv7.weight')?.[0] ?? base.joints + 1) - 1;
    const sized = { ...base, stages, joints, inputSize: opts.inputSize ?? base.inputSize };
    const named =
      stages === base.stages && joints === base.joints ? base.name : (namedConfigLike(sized)?.name ?? `${base.name}-${stages}stages-${joints}joints`);
    config = validateConfig({ ...sized, name: named });
    checkShapes(config, shapes, source, { label });
  } else {
    config = configFromShapes(shapes, source, { label, inputSize: opts.inputSize });
  }
  if (opts.prototxt) checkPrototxt(opts.prototxt.text, opts.prototxt.source, params);
  return { config, params, layout, netName: net.name };
}
