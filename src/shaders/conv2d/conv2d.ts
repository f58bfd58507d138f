// conv2d: NCHW activations, OIHW weights. Forward, input gradient, weight gradient and bias
// gradient are separate kernels; the gradient rule below ties them together for autograd.
// Batches whose tensors exceed one storage binding are processed in sub-batches (tensor/split.ts).
import { needsGrad, record } from '../../autograd/graph.js';
import { EngineError } from '../../tensor/errors.js';
import type { Engine } from '../../tensor/engine.js';
import { elementWorkgroups } from '../../tensor/kernel.js';
import { mapInPlace } from '../../tensor/map.js';
import { Tensor, type Shape } from '../../tensor/tensor.js';
import { reluGrad } from '../elementwise/elementwise.js';
import { imageWindow, skewUniform, subBatches } from '../../tensor/split.js';
import {
  forwardKernel,
  forwardPadded,
  forwardWorkgroups,
  WEIGHT_LAYOUT_KERNEL,
  weightLayoutSize,
  weightLayoutUniforms,
  type ConvGeometry,
} from './forward.wgsl.js';
import { PAD_KERNEL, padDispatches, type PadGeometry } from './pad.wgsl.js';
import {
  availableVariants,
  CONV2D_VARIANTS,
  defaultVariant,
  fitForwardTile,
  fitWeightGradTile,
  isGemm,
  usesSubgroups,
  type Conv2dVariant,
  type Conv2dVariantName,
  type GemmVariant,
  type RegisterVariant,
  type VariantSupport,
} from './tiles.js';
import { gemmFits, gemmForward, gemmInputGrad, gemmWeightGrad, type GemmRun } from './gemm.js';
import { checkStorage, storageFor, type StoragePrecision } from '../precision.js';
import { tunedVariantName, type ConvCase, type ConvKind } from './tuning.js';
import {
  fftConvForward,
  fftConvGrads,
  fftConvInputGrad,
  fftConvWeightGrad,
  canShareDySpectra,
  readsKeptKernel,
  sharingPays,
  type KernelSpectra,
} from './fft-algorithm.js';
import {
  chooseAlgorithm,
  conv2dAlgorithmPolicy,
  fftTileOf,
  fftTiledMix,
  fftVariantNames,
  isCpuAdapter,
  type Conv2dAlgorithm,
  type Conv2dKernelName,
  type FftVariantName,
} from './algorithm.js';
import type { FftRun } from './fft-algorithm.js';
import { MAX_FUSED_T, type FftSize, type TransformPasses } from '../fft/fft.js';
import { BIAS_GRAD_KERNEL, weightGradKernel, weightGradTargets, weightGradLanes, weightGradPadded, weightGradWorkgroups } from './weight-grad.wgsl.js';

export { CONV2D_VARIANTS, conv2dVariants, type Conv2dVariant, type Conv2dVariantName, type GemmVariant, type RegisterVariant } from './tiles.js';
export { setConv2dStorage, type StoragePrecision } from '../precision.js';
export { FFT_VARIANTS, setConv2dAlgorithm, type Conv2dAlgorithm, type Conv2dKernelName, type FftVariantName } from './algorithm.js';

function hasSubgroups8(engine: Engine): boolean {
  return engine.info.features.subgroups && engine.info.adapter.subgroupMinSize >= 8;
}

/** The register-blocked mixing, in its subgroup form where subgroups are lavapipe's 8-lane SIMD rows (spectral-matmul.wgsl.ts). */
function registerMix(engine: Engine): 'register' | 'register-subgroup' {
  return isCpuAdapter(engine) && engine.info.features.subgroups && engine.info.adapter.subgroupMinSize === 8 ? 'register-subgroup' : 'register';
}

/** The register-mixing variants' transforms on CPU adapters are fused (fft.wgsl.ts); the workgroup-tiled (`w`, GPU) variants keep four passes. */
function transformPasses(engine: Engine, T: FftSize, mix: NonNullable<FftRun['mix']>): TransformPasses {
  return isCpuAdapter(engine) && mix.startsWith('register') && T <= MAX_FUSED_T ? 'fused' : 'two-pass';
}

/** What the device offers the variants: subgroups, and room for each GEMM tile (f32; f16 tiles need half the memory). */
function support(engine: Engine): VariantSupport {
  return { hasSubgroups8: hasSubgroups8(engine), gemmFits: (t) => gemmFits(engine, t, false) };
}

/** The direct kernel variants this engine's device can run (the first call's default is `conv2dDefaultVariant`). */
export function conv2dAvailableVariants(engine: Engine): Conv2dVariantName[] {
  return availableVariants(support(engine));
}

/** What runs `c` when nothing is forced and nothing was tuned: the cost model's choice among the direct default and the FFT tiles. */
export function conv2dChoice(engine: Engine, c: ConvCase, maxBindingBytes = engine.limits.maxStorageBufferBindingSize): Conv2dKernelName {
  return chooseAlgorithm(engine, c, fftVariantNames(c, maxBindingBytes), directVariant(engine, c), false);
}

/**
 * The direct variant when nothing is tuned: the default, but on lavapipe two kinds of layer do better
 * with other tiles, and only they compile those pipelines (shared32 for every 1×1 doubled cpm-small's
 * first step on a cold shader cache, 42 → 80 s; cpm-small has neither kind):
 * - 1×1 layers of at least 2^17 channel pairs take 32 output channels a lane (512→512 @46, forward /
 *   dX / dW: 109 / 98 / 137 → 69 / 69 / 105 ms);
 * - the image layer, at most 4 input channels into at least 64, takes 32 channels a lane forward and
 *   8 in dW (9×9 3→128 @368: forward 249–285 → 222–236 ms, dW 166–206 → 146–172 ms).
 */
function directVariant(engine: Engine, c: ConvCase): Conv2dVariantName {
  if (!isCpuAdapter(engine) || !hasSubgroups8(engine)) return conv2dDefaultVariant(engine);
  const wide1x1 = c.kh === 1 && c.kw === 1 && c.cin * c.cout >= 2 ** 17;
  const imageLayer = c.cin <= 4 && c.cout >= 64;
  if (wide1x1 || (imageLayer && c.kind === 'forward')) return 'shared32';
  if (imageLayer && c.kind === 'dW') return 'shared8';
  return conv2dDefaultVariant(engine);
}

/** Every algorithm and variant that can run `c` here: the direct variants, and the FFT tile sizes that fit (stride 1, square kernels). */
export function conv2dCandidates(engine: Engine, c: ConvCase, maxBindingBytes = engine.limits.maxStorageBufferBindingSize): Conv2dKernelName[] {
  return [...conv2dAvailableVariants(engine), ...fftVariantNames(c, maxBindingBytes)];
}

export function conv2dDefaultVariant(engine: Engine): Conv2dVariantName {
  return defaultVariant(support(engine), isCpuAdapter(engine));
}

export interface Conv2dOptions {
  stride?: number;
  padding?: number;
  /** Fuse a ReLU into the output (its gradient then masks dy where the output is 0). */
  relu?: boolean;
  /** `direct` or `fft` (frequency domain; stride 1, square kernels). Default: the autotuner's choice, else the cost model's. */
  algorithm?: Conv2dAlgorithm;
  /** FFT tile size when the algorithm is `fft` (default: the cost model's). */
  fftTile?: FftSize;
  /** A direct register-tile variant (tiles.ts) or an FFT tile (`fft32`…); for tests and autotuning. Overrides `algorithm`. */
  variant?: Conv2dKernelName | Conv2dVariant;
  /** Split work so no binding exceeds this many bytes (default: the device's limit); for tests. */
  maxBindingBytes?: number;
  /** Under autograd, FFT layers share transforms: the forward's kernel spectra serve dX, dX's dY spectra dW (default: layers whose product repays the extra pipelines, sharingPays); for tests. */
  shareSpectra?: boolean;
  /** Operand storage: 'f32', or 'f16' with f32 accumulation (needs shader-f16; runs the GEMM variants and the FFT path's tiled mixing). Default: setConv2dStorage's, else f32. */
  storage?: StoragePrecision;
}

interface Resolved {
  stride: number;
  padding: number;
  relu: boolean;
  /** The direct kernels' variant, or the FFT tile size when the algorithm is `fft`. */
  variant: Conv2dVariant;
  fftTile: FftSize | null;
  /** The FFT path's channel-mixing kernel and tile transforms. */
  mix: NonNullable<FftRun['mix']>;
  transforms: TransformPasses;
  storage: StoragePrecision;
  maxBindingBytes: number;
}

/** A variant as it runs with `storage`: f16 needs the workgroup-tiled kernels (a register variant gives way to the default GEMM tile). */
function withStorage(engine: Engine, v: Conv2dVariant, storage: StoragePrecision): Conv2dVariant {
  if (storage === 'f32' || isGemm(v)) return v;
  const gpuDefault: Conv2dVariant = CONV2D_VARIANTS[defaultVariant({ hasSubgroups8: false, gemmFits: (t) => gemmFits(engine, t, true) }, false)];
  if (!isGemm(gpuDefault)) throw new EngineError('conv2d', 'storage "f16" needs a GEMM tile, and none fits this device\'s workgroup limits');
  return gpuDefault;
}

/**
 * Options checked, and the algorithm and variant: `variant` as given, else `algorithm` as given (with
 * `fftTile` or the cost model's tile), else the autotuner's choice for this shape, else the cost model's.
 */
function resolve(t: Tensor, o: Conv2dOptions, kind: ConvKind, x: Shape, w: Shape): Resolved {
  const stride = o.stride ?? 1;
  const padding = o.padding ?? 0;
  if (!Number.isInteger(stride) || stride < 1) throw new EngineError('conv2d', `stride must be a positive integer, got ${stride}`);
  if (!Number.isInteger(padding) || padding < 0) throw new EngineError('conv2d', `padding must be a non-negative integer, got ${padding}`);
  if (o.algorithm !== undefined && o.algorithm !== 'direct' && o.algorithm !== 'fft')
    throw new EngineError('conv2d', `algorithm must be "direct" or "fft", got ${String(o.algorithm)}`);
  const algorithm = o.algorithm ?? conv2dAlgorithmPolicy(t.engine);
  const maxBindingBytes = Math.min(o.maxBindingBytes ?? Infinity, t.engine.limits.maxStorageBufferBindingSize);
  const [n, cin, h, wd] = x as [number, number, number, number];
  const [cout, , kh, kw] = w as [number, number, number, number];
  const c: ConvCase = { kind, n, cin, h, w: wd, cout, kh, kw, stride, padding };
  const storage = storageFor(t.engine, o.storage);
  checkStorage('conv2d', t.engine, storage);
  const base = {
    stride,
    padding,
    relu: o.relu ?? false,
    maxBindingBytes,
    storage,
    mix: storage === 'f16' ? 'tiled-f16' : 'register',
    transforms: 'two-pass',
  } as const;
  if (typeof o.variant === 'object') return { ...base, variant: withStorage(t.engine, o.variant, storage), fftTile: null };
  const fftNames = fftVariantNames(c, maxBindingBytes);
  const ffts = (name: FftVariantName): Resolved => {
    if (!fftNames.includes(name))
      throw new EngineError(
        'conv2d',
        `${name} cannot run this shape (${caseText(c)}): the FFT path needs stride 1, a square kernel no larger than about half the tile, and kernel spectra inside one binding`,
      );
    const mix = storage === 'f16' ? 'tiled-f16' : fftTiledMix(name) ? 'tiled' : registerMix(t.engine);
    const tile = fftTileOf(name);
    return { ...base, mix, transforms: transformPasses(t.engine, tile, mix), variant: CONV2D_VARIANTS[conv2dDefaultVariant(t.engine)], fftTile: tile };
  };
  const name = o.variant ?? chosenName(t.engine, c, o, algorithm, fftNames, maxBindingBytes);
  if (name.startsWith('fft')) return ffts(name as FftVariantName);
  const variant = CONV2D_VARIANTS[name as Conv2dVariantName] as Conv2dVariant | undefined;
  if (!variant) throw new EngineError('conv2d', `unknown variant ${name}`);
  if (usesSubgroups(variant) && !hasSubgroups8(t.engine))
    throw new EngineError('conv2d', `variant ${name} needs subgroups of at least 8 lanes, which this device lacks`);
  if (isGemm(variant) && !gemmFits(t.engine, variant.gemm, storage === 'f16'))
    throw new EngineError(
      'conv2d',
      `variant ${name} needs more workgroup memory or lanes than this device allows (maxComputeWorkgroupStorageSize ${t.engine.limits.maxComputeWorkgroupStorageSize} B)`,
    );
  return { ...base, variant: withStorage(t.engine, variant, storage), fftTile: null };
}

/** The kernel when no variant is given: the algorithm asked for, else the autotuner's choice, else the cost model's. */
function chosenName(
  engine: Engine,
  c: ConvCase,
  o: Conv2dOptions,
  algorithm: Conv2dAlgorithm | undefined,
  ffts: FftVariantName[],
  maxBindingBytes: number,
): string {
  // A forced `fft` fails where it cannot run; an engine-wide `fft` (setConv2dAlgorithm) leaves those shapes direct.
  if (algorithm === 'fft' && (o.algorithm === 'fft' || ffts.length > 0)) {
    if (o.fftTile !== undefined) return `fft${o.fftTile}`;
    return ffts.length > 0 ? chooseAlgorithm(engine, c, ffts, conv2dDefaultVariant(engine), true) : 'fft';
  }
  const tuned = tunedVariantName(engine, c, [...conv2dAvailableVariants(engine), ...(algorithm === 'direct' ? [] : ffts)]);
  if (tuned !== undefined) return tuned;
  return algorithm === 'direct' ? directVariant(engine, c) : conv2dChoice(engine, c, maxBindingBytes);
}

/** Whether a layer run through FFT tile r shares its transforms under autograd (`shareSpectra`, else sharingPays). */
function shares(x: Tensor, w: Tensor, o: Conv2dOptions, r: Resolved): boolean {
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  return o.shareSpectra ?? sharingPays({ n, cin, h, w: wd, cout: w.shape[0]!, k: w.shape[2]!, padding: r.padding }, r.fftTile!);
}

const fftRun = (r: Resolved): FftRun => ({ tile: r.fftTile!, relu: r.relu, maxBindingBytes: r.maxBindingBytes, mix: r.mix, transforms: r.transforms });
const gemmRun = (v: GemmVariant, r: Resolved): GemmRun => ({
  tile: v.gemm,
  storage: r.storage,
  padding: r.padding,
  relu: r.relu,
  maxBindingBytes: r.maxBindingBytes,
});

/** The register tiles of a resolved variant (GEMM variants branch off before the register kernels). */
function registerTiles(r: Resolved): RegisterVariant {
  if (isGemm(r.variant)) throw new EngineError('conv2d', 'internal: a GEMM variant reached the register kernels');
  return r.variant;
}

const caseText = (c: ConvCase): string => `${c.kh}×${c.kw} stride ${c.stride}, ${c.cin}→${c.cout} at ${c.h}×${c.w}`;

/** Output size of a convolution, checked. */
export function conv2dOutputShape(x: Shape, w: Shape, stride: number, padding: number): [number, number, number, number] {
  const [n, , h, wd] = x as [number, number, number, number];
  const [cout, , kh, kw] = w as [number, number, number, number];
  const ho = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const wo = Math.floor((wd + 2 * padding - kw) / stride) + 1;
  if (ho < 1 || wo < 1) throw new EngineError('conv2d', `input ${h}×${wd} is smaller than kernel ${kh}×${kw} with padding ${padding}`);
  return [n, cout, ho, wo];
}

function checkArgs(x: Tensor, w: Tensor, b: Tensor | null): void {
  if (x.rank !== 4) throw new EngineError('conv2d', `input ${x.describe()} must be 4-D [N, C, H, W]`);
  if (w.rank !== 4) throw new EngineError('conv2d', `weight ${w.describe()} must be 4-D [Cout, Cin, kh, kw] (OIHW)`);
  if (x.shape[1] !== w.shape[1])
    throw new EngineError('conv2d', `input ${x.describe()} has ${x.shape[1]} channels but weight ${w.describe()} expects ${w.shape[1]}`);
  if (b && (b.rank !== 1 || b.shape[0] !== w.shape[0])) throw new EngineError('conv2d', `bias ${b.describe()} must be [${w.shape[0]}]`);
}

function layoutWeights(op: string, w: Tensor, oc: number, transposeFlip: boolean): Tensor {
  const [cout, cin, kh, kw] = w.shape as [number, number, number, number];
  const size = transposeFlip ? weightLayoutSize(cin, cout, kh, kw, oc) : weightLayoutSize(cout, cin, kh, kw, oc);
  const wt = Tensor.empty(w.engine, [size], `${op} weights`);
  w.engine.dispatch({
    op,
    kernel: { code: WEIGHT_LAYOUT_KERNEL },
    bindings: [w.binding(op), wt.binding(op)],
    uniforms: weightLayoutUniforms(cout, cin, kh, kw, oc, transposeFlip),
    workgroups: elementWorkgroups(w.engine, size),
  });
  return wt;
}

/** A zero-padded (optionally dilated) copy of images [n0, n0 + count) of `src`. */
function padImages(op: string, src: Tensor, n0: number, count: number, channels: number, g: Omit<PadGeometry, 'planes'>): Tensor {
  const perImage = channels * g.srcH * g.srcW;
  const out = Tensor.empty(src.engine, [count * channels * g.outH * g.outW], `${op} padded`);
  const win = imageWindow(op, src, n0, count, perImage);
  for (const d of padDispatches(op, { ...g, planes: count * channels }, win.skew, src.engine.limits.maxComputeWorkgroupsPerDimension)) {
    src.engine.dispatch({ op, kernel: { code: PAD_KERNEL }, bindings: [win.binding, out.binding(op)], ...d });
  }
  return out;
}

/** How the forward kernel reads its input: the source tensor's spatial size, padding and dilation. */
interface ForwardSource {
  h: number;
  w: number;
  padY: number;
  padX: number;
  dil: number;
}

/** A stride-1 1×1 convolution without padding reads its input as is, each image plane as one row of h·w pixels. */
function readsInputDirectly(s: ForwardSource, g: ConvGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.stride === 1 && s.padY === 0 && s.padX === 0 && s.dil === 1 && (s.h * s.w) % 4 === 0;
}

/** Runs the forward kernel over sub-batches: src [N, cin, src.h, src.w] → Y [N, cout, ho, wo] with laid-out weights. */
function runForward(op: string, src: Tensor, s: ForwardSource, wt: Tensor, bias: Tensor | null, y: Tensor, g: ConvGeometry, r: Resolved): void {
  const direct = readsInputDirectly(s, g);
  const geometry = direct ? { ...g, ho: 1, wo: g.ho * g.wo } : g;
  const tile = fitForwardTile(registerTiles(r).forward, g.cout, geometry.wo);
  const input = direct ? { hp: 1, wp: s.h * s.w } : forwardPadded(geometry, tile.px);
  const srcImage = g.cin * s.h * s.w;
  const yImage = g.cout * g.ho * g.wo;
  const dummyBias = bias ?? wt; // bound but unread when there is no bias
  for (const [n0, count] of subBatches(op, g.n, [srcImage, g.cin * input.hp * input.wp, yImage], r.maxBindingBytes)) {
    const xWindow = direct ? imageWindow(op, src, n0, count, srcImage) : null;
    const xp = xWindow
      ? null
      : padImages(op, src, n0, count, g.cin, { srcH: s.h, srcW: s.w, outH: input.hp, outW: input.wp, offY: s.padY, offX: s.padX, dil: s.dil });
    const out = imageWindow(op, y, n0, count, yImage);
    y.engine.dispatch({
      op,
      kernel: { code: forwardKernel({ ...geometry, n: count }, tile, bias !== null, r.relu, input) },
      bindings: [xWindow?.binding ?? xp!.binding(op), wt.binding(op), dummyBias.binding(op), out.binding],
      uniforms: skewUniform(out.skew, (xWindow?.skew ?? 0) / 4),
      workgroups: forwardWorkgroups({ ...geometry, n: count }, tile),
    });
    xp?.dispose();
  }
}

/** y = conv(x, w) + b (optionally ReLU), without autograd. */
export function conv2dForward(x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  return forward(x, w, b, opts, false).y;
}

/** The forward; with `keepKernel`, an FFT forward also returns w's spectra for the layer's dX (the caller disposes them). */
function forward(x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions, keepKernel: boolean): { y: Tensor; kernel: KernelSpectra | null } {
  checkArgs(x, w, b);
  const r = resolve(x, opts, 'forward', x.shape, w.shape);
  const [n, cout, ho, wo] = conv2dOutputShape(x.shape, w.shape, r.stride, r.padding);
  const [, cin, h, wd] = x.shape as [number, number, number, number];
  const [, , kh, kw] = w.shape as [number, number, number, number];
  const y = Tensor.empty(x.engine, [n, cout, ho, wo], 'conv2d');
  if (r.fftTile !== null) {
    // Kept only where the layer's dX will read them.
    const dx = keepKernel ? resolve(x, opts, 'dX', x.shape, w.shape) : null;
    const keep = dx?.fftTile != null && shares(x, w, opts, r) && readsKeptKernel(r.fftTile, fftRun(dx));
    return { y, kernel: fftConvForward(x, w, b, r.padding, y, fftRun(r), keep) };
  }
  const g: ConvGeometry = { n, cin, cout, ho, wo, kh, kw, stride: r.stride };
  if (isGemm(r.variant)) {
    gemmForward('conv2d', x, w, b, y, g, { h, w: wd }, gemmRun(r.variant, r));
    return { y, kernel: null };
  }
  const wt = layoutWeights('conv2d', w, fitForwardTile(r.variant.forward, cout, wo).oc, false);
  runForward('conv2d', x, { h, w: wd, padY: r.padding, padX: r.padding, dil: 1 }, wt, b, y, g, r);
  wt.dispose();
  return { y, kernel: null };
}

/** dX of a convolution: the stride-1 convolution of (dilated) dY with the transposed, rotated kernel. */
export function conv2dInputGrad(dy: Tensor, w: Tensor, inputShape: Shape, opts: Conv2dOptions = {}): Tensor {
  return inputGrad(dy, w, inputShape, opts, null);
}

/** dX, with the forward's kernel spectra where it kept them. */
function inputGrad(dy: Tensor, w: Tensor, inputShape: Shape, opts: Conv2dOptions, kernel: KernelSpectra | null): Tensor {
  const op = 'conv2dInputGrad';
  const r = resolve(dy, opts, 'dX', inputShape, w.shape);
  const [n, cin, h, wd] = inputShape as [number, number, number, number];
  const [cout, , kh, kw] = w.shape as [number, number, number, number];
  const [, , ho, wo] = dy.shape as [number, number, number, number];
  const dx = Tensor.empty(dy.engine, [n, cin, h, wd], op);
  if (r.fftTile !== null) {
    fftConvInputGrad(dy, w, r.padding, dx, fftRun(r), kernel);
    return dx;
  }
  if (isGemm(r.variant)) {
    gemmInputGrad(op, dy, w, dx, { n, cin, cout, ho, wo, kh, kw, stride: r.stride }, { h, w: wd }, gemmRun(r.variant, r));
    return dx;
  }
  const wt = layoutWeights(op, w, fitForwardTile(r.variant.forward, cin, wd).oc, true);
  // Input row iy sees dilated dY rows iy + p − (kh − 1) … iy + p: pad by kh − 1 − p (negative crops).
  const src: ForwardSource = { h: ho, w: wo, padY: kh - 1 - r.padding, padX: kw - 1 - r.padding, dil: r.stride };
  runForward(op, dy, src, wt, null, dx, { n, cin: cout, cout: cin, ho: h, wo: wd, kh, kw, stride: 1 }, { ...r, relu: false });
  wt.dispose();
  return dx;
}

/** Row splits for the weight gradient: enough lanes to keep a device busy, partial buffers kept small. */
function weightGradSplits(g: ConvGeometry, lanes: number): number {
  const byMemory = Math.floor((32 * 2 ** 20) / (g.cout * g.cin * g.kh * g.kw * 4));
  return Math.max(1, Math.min(Math.ceil(4096 / lanes), byMemory, g.n * g.ho));
}

/** dW of a convolution (accumulated over the batch), without autograd. */
export function conv2dWeightGrad(x: Tensor, dy: Tensor, weightShape: Shape, opts: Conv2dOptions = {}): Tensor {
  const op = 'conv2dWeightGrad';
  const r = resolve(x, opts, 'dW', x.shape, weightShape);
  if (r.fftTile !== null) {
    const dw = Tensor.empty(x.engine, weightShape, op);
    fftConvWeightGrad(x, dy, r.padding, dw, fftRun(r));
    return dw;
  }
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, , kh, kw] = weightShape as [number, number, number, number];
  const [, , ho, wo] = dy.shape as [number, number, number, number];
  const g: ConvGeometry = { n, cin, cout, ho, wo, kh, kw, stride: r.stride };
  if (isGemm(r.variant)) {
    const dw = Tensor.empty(x.engine, weightShape, op);
    gemmWeightGrad(op, x, dy, dw, g, { h, w: wd }, gemmRun(r.variant, r));
    return dw;
  }
  const t = fitWeightGradTile(r.variant.weightGrad, cout, wo, kw);
  const { hp, wp, woq } = weightGradPadded(g, t);
  const dw = Tensor.empty(x.engine, weightShape, op);
  const chunks = subBatches(op, n, [cin * h * wd, cout * ho * wo, cin * hp * wp, cout * ho * woq], r.maxBindingBytes);
  chunks.forEach(([n0, count], k) => {
    const gc = { ...g, n: count };
    const xp = padImages(op, x, n0, count, cin, { srcH: h, srcW: wd, outH: hp, outW: wp, offY: r.padding, offX: r.padding, dil: 1 });
    // dY rows that are already a whole number of steps are read in place when the sub-batch starts on the bound offset.
    const dyWindow = woq === wo ? imageWindow(op, dy, n0, count, cout * ho * wo) : null;
    const dyp = dyWindow?.skew === 0 ? null : padImages(op, dy, n0, count, cout, { srcH: ho, srcW: wo, outH: ho, outW: woq, offY: 0, offX: 0, dil: 1 });
    const lanes = weightGradLanes(gc, t);
    const splits = weightGradSplits(gc, lanes);
    const { partial, finish } = weightGradTargets(op, dw, k, splits);
    x.engine.dispatch({
      op,
      kernel: { code: weightGradKernel(gc, t, splits) },
      bindings: [xp.binding(op), dyp?.binding(op) ?? dyWindow!.binding, partial.binding(op)],
      workgroups: weightGradWorkgroups(gc, t, splits),
    });
    xp.dispose();
    dyp?.dispose();
    finish();
  });
  return dw;
}

/** db = Σ over batch and space of dY. */
export function conv2dBiasGrad(dy: Tensor, opts: Pick<Conv2dOptions, 'maxBindingBytes'> = {}): Tensor {
  const op = 'conv2dBiasGrad';
  const [n, cout, ho, wo] = dy.shape as [number, number, number, number];
  const limit = Math.min(opts.maxBindingBytes ?? Infinity, dy.engine.limits.maxStorageBufferBindingSize);
  const db = Tensor.empty(dy.engine, [cout], op);
  subBatches(op, n, [cout * ho * wo], limit).forEach(([n0, count], k) => {
    const part = k === 0 ? db : Tensor.empty(dy.engine, [cout], `${op} chunk`);
    const win = imageWindow(op, dy, n0, count, cout * ho * wo);
    dy.engine.dispatch({
      op,
      kernel: { code: BIAS_GRAD_KERNEL },
      bindings: [win.binding, part.binding(op)],
      uniforms: new Uint32Array([win.skew, count, cout, ho * wo]),
      workgroups: Math.ceil(cout / 64),
    });
    if (k > 0) {
      mapInPlace(op, 'a + b', db, part);
      part.dispose();
    }
  });
  return db;
}

/** dX and dW of a layer: through shared dY spectra where both run the same FFT tile (fftConvGrads), else each on its own. */
function inputAndWeightGrads(dy: Tensor, x: Tensor, w: Tensor, opts: Conv2dOptions, kernel: KernelSpectra | null): [Tensor, Tensor] {
  const rx = resolve(dy, opts, 'dX', x.shape, w.shape);
  const rw = resolve(x, opts, 'dW', x.shape, w.shape);
  if (rx.fftTile === null || rw.fftTile === null || !shares(x, w, opts, rx) || !canShareDySpectra(fftRun(rx), fftRun(rw)))
    return [inputGrad(dy, w, x.shape, opts, kernel), conv2dWeightGrad(x, dy, w.shape, opts)];
  const dx = Tensor.empty(dy.engine, x.shape, 'conv2dInputGrad');
  const dw = Tensor.empty(dy.engine, w.shape, 'conv2dWeightGrad');
  fftConvGrads(dy, x, w, rx.padding, dx, dw, fftRun(rx), kernel);
  return [dx, dw];
}

/** 2-D convolution with autograd: x [N,Cin,H,W], w [Cout,Cin,kh,kw], b [Cout] or null. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  const inputs = b ? [x, w, b] : [x, w];
  const xNeedsGrad = x.requiresGrad || x.node !== null;
  const { y, kernel } = forward(x, w, b, opts, xNeedsGrad && needsGrad(inputs));
  const saved = [x, w, ...(opts.relu ? [y] : []), ...(kernel ? [kernel.spectra] : [])];
  const out = record(
    y,
    'conv2d',
    inputs,
    (dyIn, [sx, sw, ...rest]) => {
      const dy = opts.relu ? reluGrad(rest[0]!, dyIn) : dyIn;
      // The kept spectra are the graph's handle (record retained it), released with the node.
      const keptKernel = kernel ? { ...kernel, spectra: rest.at(-1)! } : null;
      const [dx, dw] = xNeedsGrad ? inputAndWeightGrads(dy, sx!, sw!, opts, keptKernel) : [null, conv2dWeightGrad(sx!, dy, sw!.shape, opts)];
      const db = b ? conv2dBiasGrad(dy, opts) : null;
      if (dy !== dyIn) dy.dispose();
      return b ? [dx, dw, db] : [dx, dw];
    },
    saved,
  );
  kernel?.spectra.dispose();
  return out;
}
