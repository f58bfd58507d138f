// TensorFlow.js's WebGPU backend on the same adapter, in the same process (peers-measured.md's shims).
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
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = wt[((a * i + b) * kh + y) * kw + x]!;
  return out;
}

/** Times `f` (which must end with a readback) like peers-measured.md: median of reps after warm-up. */
export async function timeTf(f: () => Promise<void>, reps: number): Promise<number> {
  await f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}
