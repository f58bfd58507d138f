// Max and average pooling over NCHW planes, with Caffe's window rules. A lane per output or strip of outputs (forward)
// or per input pixel or strip (backward, a gather over the windows that contain it: no atomics, deterministic).
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

/**
 * The uniform block of the bindings' skews (see tensor/split.ts): elements before the sub-batch's first
 * image in each bound window, one u32 per name in binding order, padded to 16 bytes.
 */
function skewBlock(names: string[]): string {
  const fields = [...names, 'pad0', 'pad1', 'pad2'].slice(0, 4).map((f) => `${f}: u32`);
  return `struct Skews { ${fields.join(', ')} }
@group(0) @binding(0) var<uniform> skew: Skews;`;
}

/** Outputs per lane of the max-pool forward: a row strip shares the lane's index math and its windows' overlapping taps. */
export const MAX_POOL_STRIP = 4;

/** The lowest f32: out-of-range taps hold it and never win (the comparison is strict). */
const LOWEST = '-3.402823e38';

/** The argmax of a window whose gradient is zero (a fused ReLU's output 0): it matches no input pixel. */
export const NO_ARGMAX = 0xffffffff;

/**
 * Y = max over each window; A = the winning input's index within its plane (u32, in a tensor's buffer). First max wins ties.
 * With `relu`, Y = max(that, 0) (ReLU and max pooling commute) and A = NO_ARGMAX where it is 0, ReLU's zero gradient.
 * A lane loads the taps of its strip's windows once, unrolled (out-of-range taps masked): no lane-dependent loops, which
 * lavapipe runs with per-lane masks.
 */
export function maxPoolForwardKernel(g: PoolGeometry, relu = false): string {
  const strips = Math.ceil(g.wo / MAX_POOL_STRIP);
  const cols = (MAX_POOL_STRIP - 1) * g.stride + g.k;
  // Unpadded rows of whole vec4s whose strips start on a vec4 load their taps as vec4s (3×3/2 over 128×368²: 48 → 28–39 ms).
  const vec4Taps = g.pad === 0 && g.w % 4 === 0 && (MAX_POOL_STRIP * g.stride) % 4 === 0;
  const taps: string[] = [];
  for (let r = 0; r < g.k; r++) {
    taps.push(`let y${r} = top + ${r};`, `let row${r} = base + u32(clamp(y${r}, 0, ${g.h - 1})) * ${g.w}u;`);
    if (vec4Taps) {
      // Left is a multiple of 4 and never negative; taps past the row's end or in rows past the last are masked.
      for (let v = 0; v * 4 < cols; v++) taps.push(`let q${r}_${v} = X[min((row${r} + u32(left)) / 4u + ${v}u, arrayLength(&X) - 1u)];`);
      for (let c = 0; c < cols; c++) taps.push(`let v${r}_${c} = select(${LOWEST}, q${r}_${c >> 2}.${'xyzw'[c & 3]}, y${r} < ${g.h} && left + ${c} < ${g.w});`);
      continue;
    }
    for (let c = 0; c < cols; c++) {
      taps.push(
        `let v${r}_${c} = select(${LOWEST}, X[row${r} + u32(clamp(left + ${c}, 0, ${g.w - 1}))], y${r} >= 0 && y${r} < ${g.h} && left + ${c} >= 0 && left + ${c} < ${g.w});`,
      );
    }
  }
  const outputs: string[] = [];
  for (let j = 0; j < MAX_POOL_STRIP; j++) {
    const steps: string[] = [];
    for (let r = 0; r < g.k; r++) {
      for (let c = j * g.stride; c < j * g.stride + g.k; c++) {
        steps.push(`better = v${r}_${c} > best; best = select(best, v${r}_${c}, better); arg = select(arg, u32(y${r} * ${g.w} + left + ${c}), better);`);
      }
    }
    outputs.push(`if (ox0 + ${j}u < ${g.wo}u) {
    var best = ${LOWEST};
    var arg = 0u;
    var better = false;
    ${steps.join('\n    ')}
    ${
      relu
        ? `Y[skew.y + o + ${j}u] = max(best, 0.0);
    A[skew.a + o + ${j}u] = select(arg, ${NO_ARGMAX}u, best <= 0.0);`
        : `Y[skew.y + o + ${j}u] = best;
    A[skew.a + o + ${j}u] = arg;`
    }
  }`);
  }
  return /* wgsl */ `${skewBlock(['x', 'y', 'a'])}
@group(0) @binding(1) var<storage, read> X: array<${vec4Taps ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> A: array<u32>;
${perElementMain(
  g.planes * g.ho * strips,
  `  let oy = (i / ${strips}u) % ${g.ho}u;
  let plane = i / ${g.ho * strips}u;
  let ox0 = (i % ${strips}u) * ${MAX_POOL_STRIP}u;
  let top = i32(oy * ${g.stride}u) - ${g.pad};
  let left = i32(ox0 * ${g.stride}u) - ${g.pad};
  let base = skew.x + plane * ${g.h * g.w}u;
  ${taps.join('\n  ')}
  let o = (plane * ${g.ho}u + oy) * ${g.wo}u + ox0;
  ${outputs.join('\n  ')}`,
)}`;
}

/** First and last output index (inclusive range, may be empty) whose window covers input coordinate v. */
const WINDOW_RANGE = (g: PoolGeometry) => `
fn first_window(v: i32, n: i32) -> i32 { return max(0, (v + ${g.pad} - ${g.k} + ${g.stride}) / ${g.stride}); }
fn last_window(v: i32, n: i32) -> i32 { return min(n - 1, (v + ${g.pad}) / ${g.stride}); }`;

/** Input pixels per lane of the max-pool gradient: a strip along x shares its windows' loads. */
export const MAX_POOL_GRAD_STRIP = 4;

/**
 * dX[p] = Σ dY over the windows whose argmax is p, for a strip of 4 pixels of one row per lane. The
 * windows that can cover a strip are a fixed number of rows and columns from its first one, unrolled
 * and masked: loops whose bounds vary by lane run with per-lane masks on lavapipe (3×3/2 over 128×368²:
 * 70 → 55 ms).
 */
export function maxPoolBackwardKernel(g: PoolGeometry): string {
  const strips = Math.ceil(g.w / MAX_POOL_GRAD_STRIP);
  const vecOut = g.w % 4 === 0;
  // Windows covering one pixel along y, and a strip of 4 along x, at most.
  const rows = Math.ceil(g.k / g.stride);
  const cols = Math.ceil((MAX_POOL_GRAD_STRIP - 1 + g.k) / g.stride);
  const windows: string[] = [];
  // Visited in the same order for every pixel (oy, then ox, ascending), so sums match a per-pixel gather bit for bit.
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      windows.push(`{ let oy = oyFirst + ${r}; let ox = oxFirst + ${c};
    let ok = oy <= oyLast && ox <= oxLast;
    let o = select(0u, plane * ${g.ho * g.wo}u + u32(oy) * ${g.wo}u + u32(ox), ok);
    acc += select(vec4<f32>(0.0), vec4<f32>(DY[skew.dy + o]), vec4<bool>(ok) & (vec4<u32>(A[skew.a + o] - first) == lanes)); }`);
    }
  }
  return /* wgsl */ `${skewBlock(['dy', 'a', 'dx'])}
@group(0) @binding(1) var<storage, read> DY: array<f32>;
@group(0) @binding(2) var<storage, read> A: array<u32>;
@group(0) @binding(3) var<storage, read_write> DX: array<${vecOut ? 'vec4<f32>' : 'f32'}>;
${WINDOW_RANGE(g)}
${perElementMain(
  g.planes * g.h * strips,
  `  let strip = i % ${strips}u;
  let y = i32((i / ${strips}u) % ${g.h}u);
  let plane = i / ${g.h * strips}u;
  let x0 = i32(strip * 4u);
  let first = u32(y) * ${g.w}u + u32(x0);
  let lanes = vec4<u32>(0u, 1u, 2u, 3u);
  var acc = vec4<f32>(0.0);
  let oyFirst = first_window(y, ${g.ho});
  let oyLast = last_window(y, ${g.ho});
  let oxFirst = first_window(x0, ${g.wo});
  let oxLast = last_window(min(x0 + 3, ${g.w - 1}), ${g.wo});
  ${windows.join('\n  ')}
  // The vec4 form's skew is a multiple of 4: images of w % 4 == 0 pixels start at multiples of 4 elements.
  let at = skew.dx + plane * ${g.h * g.w}u + first;
${
  vecOut
    ? '  DX[at / 4u] = acc;'
    : `  for (var j = 0u; j < 4u; j++) {
    if (u32(x0) + j < ${g.w}u) { DX[at + j] = acc[j]; }
  }`
}`,
)}`;
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
  return /* wgsl */ `${skewBlock(['x', 'y'])}
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
${AVG_WINDOW(g)}
${perElementMain(
  g.planes * g.ho * g.wo,
  `  let ox = i32(i % ${g.wo}u);
  let oy = i32((i / ${g.wo}u) % ${g.ho}u);
  let plane = i / ${g.ho * g.wo}u;
  let y0 = max(oy * ${g.stride} - ${g.pad}, 0);
  let x0 = max(ox * ${g.stride} - ${g.pad}, 0);
  let y1 = min(oy * ${g.stride} - ${g.pad} + ${g.k}, ${g.h});
  let x1 = min(ox * ${g.stride} - ${g.pad} + ${g.k}, ${g.w});
  var acc = 0.0;
  for (var y = y0; y < y1; y++) {
    for (var x = x0; x < x1; x++) { acc += X[skew.x + plane * ${g.h * g.w}u + u32(y) * ${g.w}u + u32(x)]; }
  }
  Y[skew.y + i] = acc / pool_size(oy, ox);`,
)}`;
}

export function avgPoolBackwardKernel(g: PoolGeometry): string {
  return /* wgsl */ `${skewBlock(['dy', 'dx'])}
@group(0) @binding(1) var<storage, read> DY: array<f32>;
@group(0) @binding(2) var<storage, read_write> DX: array<f32>;
${AVG_WINDOW(g)}
${WINDOW_RANGE(g)}
${perElementMain(
  g.planes * g.h * g.w,
  `  let x = i32(i % ${g.w}u);
  let y = i32((i / ${g.w}u) % ${g.h}u);
  let plane = i / ${g.h * g.w}u;
  var acc = 0.0;
  for (var oy = first_window(y, ${g.ho}); oy <= last_window(y, ${g.ho}); oy++) {
    for (var ox = first_window(x, ${g.wo}); ox <= last_window(x, ${g.wo}); ox++) {
      acc += DY[skew.dy + plane * ${g.ho * g.wo}u + u32(oy) * ${g.wo}u + u32(ox)] / pool_size(oy, ox);
    }
  }
  DX[skew.dx + i] = acc;`,
)}`;
}
