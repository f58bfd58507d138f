// Max and average pooling over NCHW planes, with Caffe's window rules. One lane per output (forward)
// or per input pixel (backward, a gather over the windows that contain it: no atomics, deterministic).
import { perElementMain } from '../../tensor/kernel.js';

export interface PoolGeometry {
  planes: number; // N·C
  h: number;
  w: number;
  ho: number;
  wo: number;
  k: number;
  stride: number;
  pad: number;
}

/** Y = max over each window; A = the winning input's index within its plane (u32, in a tensor's buffer). First max wins ties. */
export function maxPoolForwardKernel(g: PoolGeometry): string {
  return /* wgsl */ `@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> A: array<u32>;
${perElementMain(g.planes * g.ho * g.wo, `  let ox = i % ${g.wo}u;
  let oy = (i / ${g.wo}u) % ${g.ho}u;
  let plane = i / ${g.ho * g.wo}u;
  let y0 = max(i32(oy * ${g.stride}u) - ${g.pad}, 0);
  let x0 = max(i32(ox * ${g.stride}u) - ${g.pad}, 0);
  let y1 = min(i32(oy * ${g.stride}u) - ${g.pad} + ${g.k}, ${g.h});
  let x1 = min(i32(ox * ${g.stride}u) - ${g.pad} + ${g.k}, ${g.w});
  var best = -3.402823e38;
  var arg = 0u;
  for (var y = y0; y < y1; y++) {
    for (var x = x0; x < x1; x++) {
      let idx = u32(y) * ${g.w}u + u32(x);
      let v = X[plane * ${g.h * g.w}u + idx];
      if (v > best) { best = v; arg = idx; }
    }
  }
  Y[i] = best;
  A[i] = arg;`)}`;
}

/** First and last output index (inclusive range, may be empty) whose window covers input coordinate v. */
const WINDOW_RANGE = (g: PoolGeometry) => `
fn first_window(v: i32, n: i32) -> i32 { return max(0, (v + ${g.pad} - ${g.k} + ${g.stride}) / ${g.stride}); }
fn last_window(v: i32, n: i32) -> i32 { return min(n - 1, (v + ${g.pad}) / ${g.stride}); }`;

/** dX[p] = Σ dY over the windows whose argmax is p. */
export function maxPoolBackwardKernel(g: PoolGeometry): string {
  return /* wgsl */ `@group(0) @binding(1) var<storage, read> DY: array<f32>;
@group(0) @binding(2) var<storage, read> A: array<u32>;
@group(0) @binding(3) var<storage, read_write> DX: array<f32>;
${WINDOW_RANGE(g)}
${perElementMain(g.planes * g.h * g.w, `  let x = i32(i % ${g.w}u);
  let y = i32((i / ${g.w}u) % ${g.h}u);
  let plane = i / ${g.h * g.w}u;
  let idx = u32(y) * ${g.w}u + u32(x);
  var acc = 0.0;
  for (var oy = first_window(y, ${g.ho}); oy <= last_window(y, ${g.ho}); oy++) {
    for (var ox = first_window(x, ${g.wo}); ox <= last_window(x, ${g.wo}); ox++) {
      let o = plane * ${g.ho * g.wo}u + u32(oy) * ${g.wo}u + u32(ox);
      if (A[o] == idx) { acc += DY[o]; }
    }
  }
  DX[i] = acc;`)}`;
}

/** Caffe AVE pooling: divide by the window clipped to H+pad, then clip the window to H. */
const AVG_WINDOW = (g: PoolGeometry) => `
fn pool_size(oy: i32, ox: i32) -> f32 {
  let hs = oy * ${g.stride} - ${g.pad};
  let ws = ox * ${g.stride} - ${g.pad};
  let he = min(hs + ${g.k}, ${g.h + g.pad});
  let we = min(ws + ${g.k}, ${g.w + g.pad});
  return f32((he - hs) * (we - ws));
}`;

export function avgPoolForwardKernel(g: PoolGeometry): string {
  return /* wgsl */ `@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
${AVG_WINDOW(g)}
${perElementMain(g.planes * g.ho * g.wo, `  let ox = i32(i % ${g.wo}u);
  let oy = i32((i / ${g.wo}u) % ${g.ho}u);
  let plane = i / ${g.ho * g.wo}u;
  let y0 = max(oy * ${g.stride} - ${g.pad}, 0);
  let x0 = max(ox * ${g.stride} - ${g.pad}, 0);
  let y1 = min(oy * ${g.stride} - ${g.pad} + ${g.k}, ${g.h});
  let x1 = min(ox * ${g.stride} - ${g.pad} + ${g.k}, ${g.w});
  var acc = 0.0;
  for (var y = y0; y < y1; y++) {
    for (var x = x0; x < x1; x++) { acc += X[plane * ${g.h * g.w}u + u32(y) * ${g.w}u + u32(x)]; }
  }
  Y[i] = acc / pool_size(oy, ox);`)}`;
}

export function avgPoolBackwardKernel(g: PoolGeometry): string {
  return /* wgsl */ `@group(0) @binding(1) var<storage, read> DY: array<f32>;
@group(0) @binding(2) var<storage, read_write> DX: array<f32>;
${AVG_WINDOW(g)}
${WINDOW_RANGE(g)}
${perElementMain(g.planes * g.h * g.w, `  let x = i32(i % ${g.w}u);
  let y = i32((i / ${g.w}u) % ${g.h}u);
  let plane = i / ${g.h * g.w}u;
  var acc = 0.0;
  for (var oy = first_window(y, ${g.ho}); oy <= last_window(y, ${g.ho}); oy++) {
    for (var ox = first_window(x, ${g.wo}); ox <= last_window(x, ${g.wo}); ox++) {
      acc += DY[plane * ${g.ho * g.wo}u + u32(oy) * ${g.wo}u + u32(ox)] / pool_size(oy, ox);
    }
  }
  DX[i] = acc;`)}`;
}
