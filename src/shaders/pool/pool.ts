// Max and average pooling with Caffe's ceil-mode output size (368→184→92→46 for 3×3/2; 368→46 for 9×9/8).
import { record } from '../../autograd/graph.js';
import { EngineError } from '../../tensor/errors.js';
import { elementWorkgroups } from '../../tensor/kernel.js';
import { imageWindow, skewUniform, subBatches } from '../../tensor/split.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  avgPoolBackwardKernel,
  avgPoolForwardKernel,
  MAX_POOL_GRAD_STRIP,
  MAX_POOL_STRIP,
  maxPoolBackwardKernel,
  maxPoolForwardKernel,
  type PoolGeometry,
} from './pool.wgsl.js';

export interface PoolOptions {
  kernel: number;
  stride: number;
  padding?: number;
  /** Split work so no binding exceeds this many bytes (default: the device's limit); for tests. */
  maxBindingBytes?: number;
}

export interface MaxPoolOptions extends PoolOptions {
  /**
   * Pool ReLU(x) (the two commute: max(0, max x) = max of max(0, x)), with ReLU's gradient: a window's
   * winner gets dY only where it is positive. A conv → ReLU → pool then needs no reluGrad pass, and keeps
   * no unpooled output for backward.
   */
  relu?: boolean;
}

/** Caffe: ceil((H + 2p − k)/s) + 1, minus one if the last window would start in the padding. */
export function caffePoolSize(size: number, k: number, s: number, p: number): number {
  let out = Math.ceil((size + 2 * p - k) / s) + 1;
  if (p > 0 && (out - 1) * s >= size + p) out--;
  return out;
}

function geometry(op: string, x: Tensor, o: PoolOptions): PoolGeometry {
  if (x.rank !== 4) throw new EngineError(op, `input ${x.describe()} must be 4-D [N, C, H, W]`);
  const pad = o.padding ?? 0;
  if (!(o.kernel >= 1 && o.stride >= 1 && pad >= 0 && pad < o.kernel))
    throw new EngineError(op, `invalid kernel ${o.kernel}, stride ${o.stride}, padding ${pad}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (h + 2 * pad < o.kernel || w + 2 * pad < o.kernel) throw new EngineError(op, `input ${x.describe()} is smaller than the ${o.kernel}×${o.kernel} window`);
  return {
    planes: n * c,
    h,
    w,
    ho: caffePoolSize(h, o.kernel, o.stride, pad),
    wo: caffePoolSize(w, o.kernel, o.stride, pad),
    k: o.kernel,
    stride: o.stride,
    pad,
  };
}

function outShape(x: Tensor, g: PoolGeometry): number[] {
  return [x.shape[0]!, x.shape[1]!, g.ho, g.wo];
}

/** Runs a pooling kernel over sub-batches small enough for one binding each (`plane`: elements per channel plane of each binding). */
function dispatchPerImages(
  op: string,
  x: Tensor,
  g: PoolGeometry,
  opts: PoolOptions,
  kernel: (g: PoolGeometry) => string,
  tensors: { t: Tensor; plane: number }[],
  lanesPerPlane: number,
): void {
  const [n, c] = x.shape as [number, number];
  const limit = Math.min(opts.maxBindingBytes ?? Infinity, x.engine.limits.maxStorageBufferBindingSize);
  for (const [n0, count] of subBatches(
    op,
    n,
    tensors.map((b) => c * b.plane),
    limit,
  )) {
    const sub = { ...g, planes: count * c };
    const windows = tensors.map((b) => imageWindow(op, b.t, n0, count, c * b.plane));
    x.engine.dispatch({
      op,
      kernel: { code: kernel(sub) },
      bindings: windows.map((win) => win.binding),
      uniforms: skewUniform(...windows.map((win) => win.skew)),
      workgroups: elementWorkgroups(x.engine, sub.planes * lanesPerPlane),
    });
  }
}

export function maxPool2d(x: Tensor, opts: MaxPoolOptions): Tensor {
  const op = 'maxPool2d';
  const g = geometry(op, x, opts);
  const y = Tensor.empty(x.engine, outShape(x, g), op);
  const argmax = Tensor.empty(x.engine, y.shape, `${op} argmax`);
  const [inPlane, outPlane] = [g.h * g.w, g.ho * g.wo];
  dispatchPerImages(
    op,
    x,
    g,
    opts,
    (sub) => maxPoolForwardKernel(sub, opts.relu === true),
    [
      { t: x, plane: inPlane },
      { t: y, plane: outPlane },
      { t: argmax, plane: outPlane },
    ],
    g.ho * Math.ceil(g.wo / MAX_POOL_STRIP),
  );
  const out = record(
    y,
    op,
    [x],
    (dy, [a]) => {
      const dx = Tensor.empty(x.engine, x.shape, `${op} grad`);
      dispatchPerImages(
        `${op}Grad`,
        x,
        g,
        opts,
        maxPoolBackwardKernel,
        [
          { t: dy, plane: outPlane },
          { t: a!, plane: outPlane },
          { t: dx, plane: inPlane },
        ],
        g.h * Math.ceil(g.w / MAX_POOL_GRAD_STRIP),
      );
      return [dx];
    },
    [argmax],
  );
  argmax.dispose();
  return out;
}

export function avgPool2d(x: Tensor, opts: PoolOptions): Tensor {
  const op = 'avgPool2d';
  const g = geometry(op, x, opts);
  const y = Tensor.empty(x.engine, outShape(x, g), op);
  const [inPlane, outPlane] = [g.h * g.w, g.ho * g.wo];
  dispatchPerImages(
    op,
    x,
    g,
    opts,
    avgPoolForwardKernel,
    [
      { t: x, plane: inPlane },
      { t: y, plane: outPlane },
    ],
    outPlane,
  );
  return record(y, op, [x], (dy) => {
    const dx = Tensor.empty(x.engine, x.shape, `${op} grad`);
    dispatchPerImages(
      `${op}Grad`,
      x,
      g,
      opts,
      avgPoolBackwardKernel,
      [
        { t: dy, plane: outPlane },
        { t: dx, plane: inPlane },
      ],
      inPlane,
    );
    return [dx];
  });
}
