// conv2d: NCHW activations, OIHW weights. Forward, input gradient, weight gradient and bias
// gradient are separate kernels; the gradient rule below ties them together for autograd.
// Batches whose tensors exceed one storage binding are processed in sub-batches bound at offsets.
import { record } from '../../autograd/graph.js';
import { EngineError } from '../../tensor/errors.js';
import { batchChunks } from '../../tensor/split.js';
import { Tensor, type Shape } from '../../tensor/tensor.js';
import { mapInPlace, reluGrad } from '../elementwise/elementwise.js';
import { dilateKernel, forwardKernel, FORWARD_WORKGROUP, OC_BLOCK, PX_BLOCK, weightLayoutKernel, type ConvGeometry } from './forward.wgsl.js';
import { biasGradKernel, sumSplitsKernel, weightGradKernel, WGRAD_CO_BLOCK, WGRAD_WORKGROUP } from './weight-grad.wgsl.js';

export interface Conv2dOptions {
  stride?: number;
  padding?: number;
  /** Fuse a ReLU into the output (its gradient then masks dy where the output is 0). */
  relu?: boolean;
  /** Split work so no binding exceeds this many bytes (default: the device's limit); for tests. */
  maxBindingBytes?: number;
}

interface Resolved {
  stride: number;
  padding: number;
  relu: boolean;
  maxBindingBytes: number;
}

function resolve(t: Tensor, o: Conv2dOptions): Resolved {
  const stride = o.stride ?? 1;
  const padding = o.padding ?? 0;
  if (!Number.isInteger(stride) || stride < 1) throw new EngineError('conv2d', `stride must be a positive integer, got ${stride}`);
  if (!Number.isInteger(padding) || padding < 0) throw new EngineError('conv2d', `padding must be a non-negative integer, got ${padding}`);
  return { stride, padding, relu: o.relu ?? false, maxBindingBytes: Math.min(o.maxBindingBytes ?? Infinity, t.engine.limits.maxStorageBufferBindingSize) };
}

/** Output size of a convolution, checked. */
export function conv2dOutputShape(x: Shape, w: Shape, stride: number, padding: number): [number, number, number, number] {
  const [n, cin, h, wd] = x as [number, number, number, number];
  const [cout, , kh, kw] = w as [number, number, number, number];
  const ho = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const wo = Math.floor((wd + 2 * padding - kw) / stride) + 1;
  if (ho < 1 || wo < 1) throw new EngineError('conv2d', `input ${h}×${wd} is smaller than kernel ${kh}×${kw} with padding ${padding}`);
  void cin;
  return [n, cout, ho, wo];
}

function checkArgs(x: Tensor, w: Tensor, b: Tensor | null): void {
  if (x.rank !== 4) throw new EngineError('conv2d', `input ${x.describe()} must be 4-D [N, C, H, W]`);
  if (w.rank !== 4) throw new EngineError('conv2d', `weight ${w.describe()} must be 4-D [Cout, Cin, kh, kw] (OIHW)`);
  if (x.shape[1] !== w.shape[1]) throw new EngineError('conv2d', `input ${x.describe()} has ${x.shape[1]} channels but weight ${w.describe()} expects ${w.shape[1]}`);
  if (b && (b.rank !== 1 || b.shape[0] !== w.shape[0])) throw new EngineError('conv2d', `bias ${b.describe()} must be [${w.shape[0]}]`);
}

function layoutWeights(op: string, w: Tensor, transposeFlip: boolean): Tensor {
  const [cout, cin, kh, kw] = w.shape as [number, number, number, number];
  const outC = transposeFlip ? cin : cout;
  const inC = transposeFlip ? cout : cin;
  const wt = Tensor.empty(w.engine, [Math.ceil(outC / OC_BLOCK) * OC_BLOCK * inC * kh * kw], `${op} weights`);
  w.engine.dispatch({ op, kernel: { code: weightLayoutKernel(cout, cin, kh, kw, transposeFlip) }, bindings: [w.binding(op), wt.binding(op)], workgroups: Math.ceil(wt.size / 256) });
  return wt;
}

/** Runs the forward kernel over sub-batches: X [N,cin,h,w] → Y [N,cout,ho,wo] with laid-out weights. */
function runForward(op: string, x: Tensor, wt: Tensor, bias: Tensor | null, y: Tensor, g: ConvGeometry, relu: boolean, limit: number): void {
  const xImage = g.cin * g.h * g.w;
  const yImage = g.cout * g.ho * g.wo;
  const dummyBias = bias ?? wt; // bound but unread when there is no bias
  for (const [n0, count] of batchChunks(op, g.n, [xImage * 4, yImage * 4], limit)) {
    const geom = { ...g, n: count };
    const workgroups = count * Math.ceil(g.cout / OC_BLOCK) * Math.ceil((g.ho * Math.ceil(g.wo / PX_BLOCK)) / FORWARD_WORKGROUP);
    x.engine.dispatch({
      op,
      kernel: { code: forwardKernel(geom, bias !== null, relu) },
      bindings: [x.binding(op, n0 * xImage, count * xImage), wt.binding(op), dummyBias.binding(op), y.binding(op, n0 * yImage, count * yImage)],
      workgroups,
    });
  }
}

/** y = conv(x, w) + b (optionally ReLU), without autograd. */
export function conv2dForward(x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  checkArgs(x, w, b);
  const o = resolve(x, opts);
  const [n, cout, ho, wo] = conv2dOutputShape(x.shape, w.shape, o.stride, o.padding);
  const [, cin, h, wd] = x.shape as [number, number, number, number];
  const [, , kh, kw] = w.shape as [number, number, number, number];
  const y = Tensor.empty(x.engine, [n, cout, ho, wo], 'conv2d');
  const wt = layoutWeights('conv2d', w, false);
  runForward('conv2d', x, wt, b, y, { n, cin, cout, h, w: wd, ho, wo, kh, kw, stride: o.stride, padY: o.padding, padX: o.padding }, o.relu, o.maxBindingBytes);
  wt.dispose();
  return y;
}

/** dX of a convolution: the stride-1 convolution of (dilated) dY with the transposed, rotated kernel. */
export function conv2dInputGrad(dy: Tensor, w: Tensor, inputShape: Shape, opts: Conv2dOptions = {}): Tensor {
  const op = 'conv2dInputGrad';
  const o = resolve(dy, opts);
  const [n, cin, h, wd] = inputShape as [number, number, number, number];
  const [cout, , kh, kw] = w.shape as [number, number, number, number];
  const [, , ho, wo] = dy.shape as [number, number, number, number];
  let src = dy;
  let sh = ho;
  let sw = wo;
  if (o.stride > 1) {
    sh = (ho - 1) * o.stride + 1;
    sw = (wo - 1) * o.stride + 1;
    src = Tensor.empty(dy.engine, [n, cout, sh, sw], `${op} dilated`);
    dy.engine.dispatch({ op, kernel: { code: dilateKernel(n, cout, ho, wo, o.stride) }, bindings: [dy.binding(op), src.binding(op)], workgroups: Math.ceil(src.size / 256) });
  }
  const dx = Tensor.empty(dy.engine, [n, cin, h, wd], op);
  const wt = layoutWeights(op, w, true);
  const g: ConvGeometry = { n, cin: cout, cout: cin, h: sh, w: sw, ho: h, wo: wd, kh, kw, stride: 1, padY: kh - 1 - o.padding, padX: kw - 1 - o.padding };
  runForward(op, src, wt, null, dx, g, false, o.maxBindingBytes);
  wt.dispose();
  if (src !== dy) src.dispose();
  return dx;
}

/** Row splits for the weight gradient: enough lanes to keep the device busy, partial buffers kept small. */
function weightGradSplits(g: ConvGeometry): number {
  const lanes = g.cin * g.kh * Math.ceil(g.cout / WGRAD_CO_BLOCK);
  const wanted = Math.ceil(8192 / lanes);
  const byMemory = Math.floor((32 * 2 ** 20) / (g.cout * g.cin * g.kh * g.kw * 4));
  return Math.max(1, Math.min(wanted, byMemory, g.n * g.ho));
}

/** dW of a convolution (accumulated over the batch), without autograd. */
export function conv2dWeightGrad(x: Tensor, dy: Tensor, weightShape: Shape, opts: Conv2dOptions = {}): Tensor {
  const op = 'conv2dWeightGrad';
  const o = resolve(x, opts);
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, , kh, kw] = weightShape as [number, number, number, number];
  const [, , ho, wo] = dy.shape as [number, number, number, number];
  const size = cout * cin * kh * kw;
  const dw = Tensor.empty(x.engine, weightShape, op);
  const xImage = cin * h * wd;
  const yImage = cout * ho * wo;
  const chunks = batchChunks(op, n, [xImage * 4, yImage * 4], o.maxBindingBytes);
  chunks.forEach(([n0, count], k) => {
    const g: ConvGeometry = { n: count, cin, cout, h, w: wd, ho, wo, kh, kw, stride: o.stride, padY: o.padding, padX: o.padding };
    const splits = weightGradSplits(g);
    const partial = splits === 1 && k === 0 ? dw : Tensor.empty(x.engine, [splits * size], `${op} partial`);
    const workgroups = Math.ceil((cin * kh) / WGRAD_WORKGROUP) * Math.ceil(cout / WGRAD_CO_BLOCK) * splits;
    x.engine.dispatch({
      op,
      kernel: { code: weightGradKernel(g, splits) },
      bindings: [x.binding(op, n0 * xImage, count * xImage), dy.binding(op, n0 * yImage, count * yImage), partial.binding(op)],
      workgroups,
    });
    if (partial === dw) return;
    if (k === 0) {
      x.engine.dispatch({ op, kernel: { code: sumSplitsKernel(size, splits) }, bindings: [partial.binding(op), dw.binding(op)], workgroups: Math.ceil(size / 256) });
    } else {
      const sum = Tensor.empty(x.engine, weightShape, `${op} chunk`);
      x.engine.dispatch({ op, kernel: { code: sumSplitsKernel(size, splits) }, bindings: [partial.binding(op), sum.binding(op)], workgroups: Math.ceil(size / 256) });
      mapInPlace(op, 'a + b', dw, sum);
      sum.dispose();
    }
    partial.dispose();
  });
  return dw;
}

/** db = Σ over batch and space of dY. */
export function conv2dBiasGrad(dy: Tensor): Tensor {
  const op = 'conv2dBiasGrad';
  const [n, cout, ho, wo] = dy.shape as [number, number, number, number];
  const db = Tensor.empty(dy.engine, [cout], op);
  dy.engine.dispatch({ op, kernel: { code: biasGradKernel(n, cout, ho * wo) }, bindings: [dy.binding(op), db.binding(op)], workgroups: Math.ceil(cout / 64) });
  return db;
}

/** 2-D convolution with autograd: x [N,Cin,H,W], w [Cout,Cin,kh,kw], b [Cout] or null. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  const y = conv2dForward(x, w, b, opts);
  const inputs = b ? [x, w, b] : [x, w];
  const xNeedsGrad = x.requiresGrad || x.node !== null;
  return record(
    y,
    'conv2d',
    inputs,
    (dyIn, [sx, sw, sy]) => {
      const dy = opts.relu ? reluGrad(sy!, dyIn) : dyIn;
      const dx = xNeedsGrad ? conv2dInputGrad(dy, sw!, sx!.shape, opts) : null;
      const dw = conv2dWeightGrad(sx!, dy, sw!.shape, opts);
      const db = b ? conv2dBiasGrad(dy) : null;
      if (dy !== dyIn) dy.dispose();
      return b ? [dx, dw, db] : [dx, dw];
    },
    opts.relu ? [x, w, y] : [x, w],
  );
}
