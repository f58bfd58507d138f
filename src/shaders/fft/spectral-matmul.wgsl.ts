// Channel mixing in the frequency domain: for every bin f, C[f] = op(A[f])ᵀ · B[f] (complex), with A
// stored [k][m], B [k][n] and C [m][n], each contiguous in its last dimension, and op conjugating A
// or not. This is where a frequency-domain convolution spends its flops, so each lane computes an
// MB×NB block of complex outputs, loading A and B rows as vec4s (two complex values each): per k,
// MB/2 + NB/2 loads for 4·MB·NB FMAs. (A stored [m][k] instead measured half as fast on lavapipe.)
// Every matrix is padded so that no block needs bounds checks: m and n to whole blocks in storage;
// padding holds garbage that only reaches padding. Sizes are uniforms: one pipeline per block shape.
import { DIVMOD, LINEAR_WORKGROUP_ID } from '../../tensor/kernel.js';

export const MATMUL_WORKGROUP = 64;

/** Block shapes: complex outputs per lane along m and n (multiples of 4). */
export type MatmulBlock = 4 | 8;

/** Sizes and strides in complex elements; every stride a multiple of 4. */
export interface SpectralMatmul {
  bins: number;
  /** Rows of C, columns of C and the summed dimension (m and n are stored padded to whole blocks). */
  m: number;
  n: number;
  k: number;
  mb: MatmulBlock;
  nb: MatmulBlock;
  /** A: per bin and per k row; B and C likewise. */
  aBin: number;
  aRow: number;
  bBin: number;
  bRow: number;
  cBin: number;
  cRow: number;
  conjugateA: boolean;
  /** Add into C instead of overwriting it. */
  accumulate: boolean;
}

/** The block shape for an m×n product: wide blocks where there is room (fewer loads per FMA), narrow ones for small sizes (less padding). */
export function matmulBlocks(m: number, n: number): { mb: MatmulBlock; nb: MatmulBlock } {
  return { mb: m >= 32 ? 8 : 4, nb: n >= 32 ? 8 : 4 };
}

export const roundTo = (v: number, b: number): number => Math.ceil(v / b) * b;

export function matmulLanes(p: SpectralMatmul): number {
  return p.bins * Math.ceil(p.m / p.mb) * Math.ceil(p.n / p.nb);
}

export function matmulUniforms(p: SpectralMatmul): Uint32Array {
  return new Uint32Array([Math.ceil(p.m / p.mb), Math.ceil(p.n / p.nb), p.k, matmulLanes(p), p.aBin, p.aRow, p.bBin, p.bRow, p.cBin, p.cRow, p.conjugateA ? 1 : 0, p.accumulate ? 1 : 0]);
}

export function spectralMatmulKernel(MB: MatmulBlock, NB: MatmulBlock): string {
  const [AV, BV] = [MB / 2, NB / 2]; // vec4s per row of the lane's block of A and of B (and C)
  const mac: string[] = [];
  // a{i}: complex A(k, m0 + i) as vec2; b{j}: vec4 of B(k, n0 + 2j … 2j + 1); c{i}_{j} the matching accumulators.
  for (let i = 0; i < MB; i++) {
    for (let j = 0; j < BV; j++) mac.push(`c${i}_${j} = fma(vec4<f32>(a${i}.x), b${j}, fma(vec4<f32>(a${i}.y * s), bs${j}, c${i}_${j}));`);
  }
  const loads = [
    ...Array.from({ length: AV }, (_, v) => `let A${v} = A[aRow + ${v}u];`),
    ...Array.from({ length: MB }, (_, i) => `let a${i} = A${i >> 1}.${i & 1 ? 'zw' : 'xy'};`),
    ...Array.from({ length: BV }, (_, j) => `let b${j} = B[bRow + ${j}u]; let bs${j} = vec4<f32>(-b${j}.y, b${j}.x, -b${j}.w, b${j}.z);`),
  ];
  const stores: string[] = [];
  for (let i = 0; i < MB; i++) {
    for (let j = 0; j < BV; j++) stores.push(`{ let at = (cLane + ${i}u * p.cRow) / 2u + ${j}u; C[at] = select(c${i}_${j}, c${i}_${j} + C[at], p.accumulate == 1u); }`);
  }
  const accs = Array.from({ length: MB }, (_, i) => Array.from({ length: BV }, (_, j) => `var c${i}_${j} = vec4<f32>(0.0);`).join(' '));
  return /* wgsl */ `
struct Params { mBlocks: u32, nBlocks: u32, k: u32, lanes: u32, aBin: u32, aRow: u32, bBin: u32, bRow: u32, cBin: u32, cRow: u32, conjugateA: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
${LINEAR_WORKGROUP_ID}

${DIVMOD}

@compute @workgroup_size(${MATMUL_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = linear_workgroup_id(wg, nwg) * ${MATMUL_WORKGROUP}u + lid;
  if (id >= p.lanes) { return; }
  // Lanes run along n first (neighbouring lanes read neighbouring vec4s of B), then m, then bins.
  let fn_ = divmod(id, p.nBlocks);
  let fm = divmod(fn_.x, p.mBlocks);
  let f = fm.x;
  let m0 = fm.y * ${MB}u;
  let n0 = fn_.y * ${NB}u;
  let s = select(1.0, -1.0, p.conjugateA == 1u);
  let aLane = f * p.aBin + m0;
  let bLane = f * p.bBin + n0;
  let cLane = f * p.cBin + m0 * p.cRow + n0;
  ${accs.join('\n  ')}
  for (var k = 0u; k < p.k; k++) {
    let aRow = (aLane + k * p.aRow) / 2u;
    let bRow = (bLane + k * p.bRow) / 2u;
    ${loads.join('\n    ')}
    ${mac.join('\n    ')}
  }
  ${stores.join('\n  ')}
}`;
}
