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
  /** Which kernel runs it (default 'register'): the register blocks above, or the workgroup-tiled one below (f32 or f16 operands). */
  kernel?: SpectralKernel;
}

export type SpectralKernel = 'register' | 'tiled' | 'tiled-f16';

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

// The same product staged through workgroup memory, for GPUs: a workgroup of 16×16 lanes (eight 32-lane
// subgroups) owns a 64×64 block of complex outputs of one bin; per step of TILED_K rows of k it stages
// A's and B's 64 complex values per row in workgroup memory (one coalesced vec4 per lane each), then
// each lane accumulates 4×4 complex outputs from vec4 reads. m and n are bounds-checked (in pairs: a
// vec4 holds two complex values, and rows are stored padded to a multiple of 4), k exactly. With
// `f16`, A and B are f16 in storage (two complex values per vec4<f16>) and in workgroup memory,
// accumulated in f32. Sizes are uniforms: two pipelines in all.
export const TILED_BLOCK = 64;
const TILED_K = 8;
const TILED_LANES = 16;

/** Bytes of workgroup memory the tiled kernel declares. */
export const tiledWorkgroupBytes = (f16: boolean): number => 2 * TILED_K * TILED_BLOCK * (f16 ? 4 : 8);

export function tiledWorkgroups(p: SpectralMatmul): number {
  return p.bins * Math.ceil(p.m / TILED_BLOCK) * Math.ceil(p.n / TILED_BLOCK);
}

/**
 * The power of two f16 operands are scaled by: a T×T tile's spectrum grows to T² times its values (past
 * f16's 65504 for T = 64 and values over 16), its scaled copy only to about T times (exact: a power of two).
 */
export const f16OperandScale = (p: SpectralMatmul): number => 2 ** -Math.round(Math.log2(Math.sqrt(p.bins)));

/** `outScale` undoes the operands' scaling (1 for f32 operands). */
export function tiledUniforms(p: SpectralMatmul, outScale = 1): Uint32Array {
  const [mTiles, nTiles] = [Math.ceil(p.m / TILED_BLOCK), Math.ceil(p.n / TILED_BLOCK)];
  const u = new Uint32Array([p.m, p.n, p.k, mTiles, nTiles, tiledWorkgroups(p), p.aBin, p.aRow, p.bBin, p.bRow, p.cBin, p.cRow, p.conjugateA ? 1 : 0, p.accumulate ? 1 : 0, 0, 0]);
  new Float32Array(u.buffer, 14 * 4, 1)[0] = outScale;
  return u;
}

export function spectralMatmulTiledKernel(f16: boolean): string {
  const ST = f16 ? 'f16' : 'f32';
  const P = TILED_BLOCK / 2; // vec4s (complex pairs) per staged row
  const G = P / TILED_LANES; // pairs per lane along m and along n
  const mac: string[] = [];
  for (let g = 0; g < G; g++) mac.push(`let a${g} = vec4<f32>(As[kk * ${P}u + ${g * TILED_LANES}u + ty]);`);
  for (let g = 0; g < G; g++) mac.push(`let b${g} = vec4<f32>(Bs[kk * ${P}u + ${g * TILED_LANES}u + tx]); let bs${g} = vec4<f32>(-b${g}.y, b${g}.x, -b${g}.w, b${g}.z);`);
  const accs: string[] = [];
  const stores: string[] = [];
  for (let i = 0; i < 2 * G; i++) {
    const a = `a${i >> 1}.${i & 1 ? 'zw' : 'xy'}`;
    for (let g = 0; g < G; g++) {
      accs.push(`var c${i}_${g} = vec4<f32>(0.0);`);
      mac.push(`c${i}_${g} = fma(vec4<f32>(${a}.x), b${g}, fma(vec4<f32>(${a}.y * s), bs${g}, c${i}_${g}));`);
      stores.push(`{ let m = m0 + 2u * (${(i >> 1) * TILED_LANES}u + ty) + ${i & 1}u; let n = n0 + 2u * (${g * TILED_LANES}u + tx);
    if (m < p.m && n < p.n) { let at = (f * p.cBin + m * p.cRow + n) / 2u; C[at] = select(c${i}_${g} * p.outScale, c${i}_${g} * p.outScale + C[at], p.accumulate == 1u); } }`);
    }
  }
  return /* wgsl */ `${f16 ? 'enable f16;' : ''}
struct Params { m: u32, n: u32, k: u32, mTiles: u32, nTiles: u32, total: u32, aBin: u32, aRow: u32, bBin: u32, bRow: u32, cBin: u32, cRow: u32, conjugateA: u32, accumulate: u32, outScale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<${ST}>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<${ST}>>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
${LINEAR_WORKGROUP_ID}

var<workgroup> As: array<vec4<${ST}>, ${TILED_K * P}>;
var<workgroup> Bs: array<vec4<${ST}>, ${TILED_K * P}>;

@compute @workgroup_size(${TILED_LANES * TILED_LANES})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wid = linear_workgroup_id(wg, nwg);
  if (wid >= p.total) { return; } // uniform: the whole workgroup leaves
  let nt = wid % p.nTiles;
  let fm = wid / p.nTiles;
  let f = fm / p.mTiles;
  let m0 = (fm % p.mTiles) * ${TILED_BLOCK}u;
  let n0 = nt * ${TILED_BLOCK}u;
  let tx = lid % ${TILED_LANES}u;
  let ty = lid / ${TILED_LANES}u;
  let s = select(1.0, -1.0, p.conjugateA == 1u);
  // The pair this lane stages per step: row lid / ${P}, pair lid % ${P} of A's and of B's block.
  let sk = lid / ${P}u;
  let sq = 2u * (lid % ${P}u);
  let aOk = m0 + sq < p.m;
  let bOk = n0 + sq < p.n;
  ${accs.join(' ')}
  for (var k0 = 0u; k0 < p.k; k0 += ${TILED_K}u) {
    let k = k0 + sk;
    var av = vec4<${ST}>(0.0);
    var bv = vec4<${ST}>(0.0);
    if (k < p.k && aOk) { av = A[(f * p.aBin + k * p.aRow + m0 + sq) / 2u]; }
    if (k < p.k && bOk) { bv = B[(f * p.bBin + k * p.bRow + n0 + sq) / 2u]; }
    As[lid] = av;
    Bs[lid] = bv;
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILED_K}u; kk++) {
      ${mac.join('\n      ')}
    }
    workgroupBarrier();
  }
  ${stores.join('\n  ')}
}`;
}
