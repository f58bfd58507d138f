// Channel mixing in the frequency domain: for every bin f, C[f] = op(A[f]) · B[f] (complex), where
// op conjugates A or not. This is where a frequency-domain convolution spends its flops, so each lane
// computes a 4×4 block of complex outputs, loading A as vec4 (two complex values along the contiguous
// dimension of A) and B as vec4 along its rows: 64 FMAs per 4 vec4 loads. Every matrix is padded so
// that no block needs bounds checks: rows of A and C to a multiple of 4, B and C rows (and A's
// contiguous rows) to a multiple of 4 complex values; padding holds garbage that only reaches
// padding. All sizes are uniforms: one pipeline per layout of A.
import { LINEAR_WORKGROUP_ID } from '../../tensor/kernel.js';

export const MATMUL_WORKGROUP = 64;

/** Which dimension of A is contiguous: `k` (A[m][k]) or `m` (A[k][m], i.e. Aᵀ stored). */
export type ALayout = 'k' | 'm';

/** Sizes and strides in complex elements; every stride a multiple of 4 except where noted. */
export interface SpectralMatmul {
  bins: number;
  /** Rows of C (padded to 4 in storage), columns of C (padded to 4), and the summed dimension. */
  m: number;
  n: number;
  k: number;
  aLayout: ALayout;
  /** A: per bin, and along its strided dimension (m for layout k, k for layout m); even. */
  aBin: number;
  aStride: number;
  bBin: number;
  bRow: number;
  cBin: number;
  cRow: number;
  conjugateA: boolean;
  /** Add into C instead of overwriting it. */
  accumulate: boolean;
}

export const blocks4 = (v: number): number => Math.ceil(v / 4);

export function matmulLanes(p: SpectralMatmul): number {
  return p.bins * blocks4(p.m) * blocks4(p.n);
}

export function matmulUniforms(p: SpectralMatmul): Uint32Array {
  const u = new Uint32Array([blocks4(p.m), blocks4(p.n), p.k, matmulLanes(p), p.aBin, p.aStride, p.bBin, p.bRow, p.cBin, p.cRow, p.conjugateA ? 1 : 0, p.accumulate ? 1 : 0]);
  return u;
}

export function spectralMatmulKernel(layout: ALayout): string {
  const mac: string[] = [];
  // a{i}: complex A(m0 + i, k) as vec2; b{j}: vec4 of B(k, n0 + 2j … 2j + 1); c{i}_{j} the matching accumulators.
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 2; j++) mac.push(`c${i}_${j} = fma(vec4<f32>(a${i}.x), b${j}, fma(vec4<f32>(a${i}.y * s), bs${j}, c${i}_${j}));`);
  }
  const bLoads = (row: string) => `let b0 = B[(bRow0 + ${row}) / 2u];
    let b1 = B[(bRow0 + ${row}) / 2u + 1u];
    let bs0 = vec4<f32>(-b0.y, b0.x, -b0.w, b0.z);
    let bs1 = vec4<f32>(-b1.y, b1.x, -b1.w, b1.z);`;
  // Layout k: one vec4 of row m0 + i holds A(m0 + i, k) and A(m0 + i, k + 1).
  const stepK = /* wgsl */ `
  var k = 0u;
  for (; k + 1u < p.k; k += 2u) {
    let A0 = A[(aLane + k) / 2u];
    let A1 = A[(aLane + p.aStride + k) / 2u];
    let A2 = A[(aLane + 2u * p.aStride + k) / 2u];
    let A3 = A[(aLane + 3u * p.aStride + k) / 2u];
    {
      let a0 = A0.xy; let a1 = A1.xy; let a2 = A2.xy; let a3 = A3.xy;
      ${bLoads('k * p.bRow')}
      ${mac.join('\n      ')}
    }
    {
      let a0 = A0.zw; let a1 = A1.zw; let a2 = A2.zw; let a3 = A3.zw;
      ${bLoads('(k + 1u) * p.bRow')}
      ${mac.join('\n      ')}
    }
  }
  if (k < p.k) {
    let a0 = A[(aLane + k) / 2u].xy;
    let a1 = A[(aLane + p.aStride + k) / 2u].xy;
    let a2 = A[(aLane + 2u * p.aStride + k) / 2u].xy;
    let a3 = A[(aLane + 3u * p.aStride + k) / 2u].xy;
    ${bLoads('k * p.bRow')}
    ${mac.join('\n    ')}
  }`;
  // Layout m: two vec4s of row k hold A(m0 … m0 + 3, k).
  const stepM = /* wgsl */ `
  for (var k = 0u; k < p.k; k++) {
    let A01 = A[(aLane + k * p.aStride) / 2u];
    let A23 = A[(aLane + k * p.aStride) / 2u + 1u];
    let a0 = A01.xy; let a1 = A01.zw; let a2 = A23.xy; let a3 = A23.zw;
    ${bLoads('k * p.bRow')}
    ${mac.join('\n    ')}
  }`;
  const stores: string[] = [];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 2; j++) stores.push(`{ let at = (cLane + ${i}u * p.cRow) / 2u + ${j}u; C[at] = select(c${i}_${j}, c${i}_${j} + C[at], p.accumulate == 1u); }`);
  }
  const accs = [0, 1, 2, 3].flatMap((i) => [0, 1].map((j) => `var c${i}_${j} = vec4<f32>(0.0);`));
  return /* wgsl */ `
struct Params { mBlocks: u32, nBlocks: u32, k: u32, lanes: u32, aBin: u32, aStride: u32, bBin: u32, bRow: u32, cBin: u32, cRow: u32, conjugateA: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
${LINEAR_WORKGROUP_ID}

fn divmod(q: u32, d: u32) -> vec2<u32> {
  var t = u32(f32(q) / f32(d));
  var r = i32(q) - i32(t * d);
  if (r < 0) { t -= 1u; r += i32(d); } else if (r >= i32(d)) { t += 1u; r -= i32(d); }
  return vec2<u32>(t, u32(r));
}

@compute @workgroup_size(${MATMUL_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = linear_workgroup_id(wg, nwg) * ${MATMUL_WORKGROUP}u + lid;
  if (id >= p.lanes) { return; }
  // Lanes run along n first (neighbouring lanes read neighbouring vec4s of B), then m, then bins.
  let fn_ = divmod(id, p.nBlocks);
  let fm = divmod(fn_.x, p.mBlocks);
  let f = fm.x;
  let m0 = fm.y * 4u;
  let n0 = fn_.y * 4u;
  let s = select(1.0, -1.0, p.conjugateA == 1u);
  let aLane = f * p.aBin + m0 * ${layout === 'k' ? 'p.aStride' : '1u'};
  let bRow0 = f * p.bBin + n0;
  let cLane = f * p.cBin + m0 * p.cRow + n0;
  ${accs.join(' ')}
  ${layout === 'k' ? stepK : stepM}
  ${stores.join('\n  ')}
}`;
}
