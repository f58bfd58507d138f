// TensorFlow.js's WebGPU backend on the same adapter, in the same process (docs/benchmarks.md#tfjs).
import { nodeGPU } from '../src/tensor/gpu-node.js';

type Tf = typeof import('@tensorflow/tfjs');
export type TfTensor = ReturnType<Tf['tensor']>;

let tf: Tf | null = null;

/** Loads tfjs with the WebGPU backend on Dawn's GPU object (the one our engine uses). */
export async function loadTfjs(): Promise<Tf> {
  if (tf) return tf;
  const gpu = nodeGPU();
  (globalThis as { navigator?: unknown }).navigator = { gpu, userAgent: 'node' };
  const lib = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  await lib.setBackend('webgpu');
  await lib.ready();
  tf = lib;
  return lib;
}

/** NCHW → NHWC (and OIHW → HWIO for weights) on the CPU. */
export function nchwToNhwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = x[(b * c + ch) * h * w + i]!;
  return out;
}

export function oihwToHwio(wt: Float32Array, o: number, i: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(wt.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = wt[((a * i + b) * kh + y) * kw + x]!;
  return out;
}

export interface TfTiming {
  /** Median wall milliseconds until TF.js's timestamps resolved (the GPU finished; no readback), or with the readback where timestamps are missing. */
  wallMs: number;
  /** Median GPU milliseconds of TF.js's kernels from its own timestamp queries (tf.time), or null without them. */
  gpuMs: number | null;
  /** The output of the first (warm-up) call, for comparing with ours. */
  first: Float32Array;
}

/** Times `run` (one op, result disposed) after a warm-up with readback: tf.time gives wall and kernel time. Fewer than `maxReps` when one run is slower than budgetMs / maxReps. */
export async function timeTf(tf: Tf, run: () => TfTensor, maxReps: number, budgetMs = 8000): Promise<TfTiming> {
  let first: Float32Array | null = null;
  const withReadback = async () => {
    const t0 = performance.now();
    const r = run();
    const values = (await r.data()) as Float32Array;
    first ??= values;
    r.dispose();
    return performance.now() - t0;
  };
  const reps = Math.max(1, Math.min(maxReps, Math.floor(budgetMs / (await withReadback()))));
  const wall: number[] = [];
  const gpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const info = (await tf.time(() => void run().dispose())) as { kernelMs: number | { error: string } | null; wallMs: number };
    if (typeof info.kernelMs === 'number' && info.kernelMs > 0) {
      gpu.push(info.kernelMs);
      wall.push(info.wallMs);
    } else wall.push(await withReadback()); // without timestamps tf.time does not wait for the GPU
  }
  return { wallMs: median(wall), gpuMs: gpu.length === reps ? median(gpu) : null, first: first! };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Largest |ours − theirs| relative to the largest |ours|, with theirs read through `at` (layout change). */
export function maxRelDiff(mine: Float32Array, at: (i: number) => number): number {
  let maxDiff = 0,
    maxAbs = 1e-12;
  for (let i = 0; i < mine.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(mine[i]! - at(i)));
    maxAbs = Math.max(maxAbs, Math.abs(mine[i]!));
  }
  return maxDiff / maxAbs;
}

/** Index of NCHW element i in the NHWC array of the same tensor. */
export function nhwcIndexOfNchw(i: number, c: number, hw: number): number {
  const b = Math.floor(i / (c * hw)),
    ch = Math.floor(i / hw) % c,
    p = i % hw;
  return (b * hw + p) * c + ch;
}
