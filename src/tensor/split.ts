// Splitting a batch so that no storage binding exceeds the device's limit (lavapipe: 128 MiB; one
// CPM conv1 output at 368² is 69 MiB per image). Each sub-batch binds a window that starts at a
// 256-byte aligned offset, and the kernel skips the `skew` elements before its first image (so any
// per-image size works, not only multiples of 256 bytes).
import type { BufferBinding } from './engine.js';
import { EngineError } from './errors.js';
import type { Tensor } from './tensor.js';

const ALIGN_ELEMS = 64; // 256 bytes of f32

export interface Window {
  binding: BufferBinding;
  /** Elements between the bound start and the sub-batch's first image. */
  skew: number;
}

/** A binding over images [n0, n0 + count) of `t`, whose images hold `perImage` elements each. */
export function imageWindow(op: string, t: Tensor, n0: number, count: number, perImage: number): Window {
  const first = n0 * perImage;
  const start = Math.floor(first / ALIGN_ELEMS) * ALIGN_ELEMS;
  return { binding: t.binding(op, start, first - start + count * perImage), skew: first - start };
}

/** [first image, count] sub-batches such that `count · perImage + skew` fits `limitBytes` for every size given. */
export function subBatches(op: string, n: number, perImageElems: number[], limitBytes: number): [number, number][] {
  const worst = Math.max(...perImageElems);
  const limit = Math.floor(limitBytes / 4);
  if (worst * n <= limit) return [[0, n]];
  const per = Math.floor((limit - (ALIGN_ELEMS - 1)) / worst);
  if (per < 1) {
    throw new EngineError(
      op,
      `one image needs ${((worst * 4) / 2 ** 20).toFixed(1)} MiB in a single binding, over the ${(limitBytes / 2 ** 20).toFixed(1)} MiB limit`,
    );
  }
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += per) out.push([s, Math.min(per, n - s)]);
  return out;
}

/** The uniform block carrying up to four skews (u32s, padded to 16 bytes), in the order the kernel declares them. */
export function skewUniform(...skews: number[]): Uint32Array {
  const u = new Uint32Array(4);
  u.set(skews);
  return u;
}
