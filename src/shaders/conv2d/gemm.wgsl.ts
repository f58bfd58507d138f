// Direct convolution as an implicit GEMM staged through workgroup memory, for GPUs (lavapipe prefers
// the register tiles of forward.wgsl.ts: its barriers and workgroup memory are slow). One generator,
// C[m][n] = Σ_k A(m, k) · B(k, n), serves the forward (m = output channel, n = output pixel, k = (ci, ky, kx)),
// the input gradient (m = input channel, n = input pixel, k = (co, ky, kx)) and the weight gradient
// (m = output channel, n = (ci, ky, kx), k = (image, pixel)); each supplies WGSL that gathers one element
// of A and of B from the unpadded NCHW / OIHW tensors (zero outside the image), so nothing is copied
// or laid out first. A workgroup of `bm/tm × bn/tn` lanes (256: eight 32-lane subgroups) computes a
// bm×bn block: per step it stages a bk-slice of A (as [k][m]) and of B (as [k][n]) in workgroup memory,
// each lane filling whole vec4s, then every lane accumulates tm×tn outputs (f32) from vec4 reads of both.
// With `f16` the operands are f16 in storage and in workgroup memory (half the bytes), accumulated in f32.
// Split-K: the k range can be cut into `splits` slices written to separate partial outputs.
import { LINEAR_WORKGROUP_ID } from '../../tensor/kernel.js';

export interface GemmTile {
  /** Outputs per workgroup along m and n. */
  bm: number;
  bn: number;
  /** Slice of the summed dimension staged per step. */
  bk: number;
  /** Outputs per lane along m and n (multiples of 4). */
  tm: number;
  tn: number;
}

/** Lanes of a workgroup. */
export const gemmLanes = (t: GemmTile): number => (t.bm / t.tm) * (t.bn / t.tn);

/** Bytes of workgroup memory the kernel declares (checked against maxComputeWorkgroupStorageSize). */
export const gemmWorkgroupBytes = (t: GemmTile, f16: boolean): number => (t.bm + t.bn) * t.bk * (f16 ? 2 : 4);

/**
 * One implicit product. `wgsl` declares the bindings (from @binding(1); @binding(0) is `params`, whose
 * struct the generator declares: element skews `ys`, `xs`, `ws` of the bound windows) and defines, for m < M,
 * n < N, k < K:
 *   fn a_at(m: u32, k: u32) -> f32
 *   struct Col {…} and fn col(n: u32) -> Col   (what a column's B elements share, decoded once)
 *   fn b_at(k: u32, c: Col) -> f32             (0 outside the image)
 *   fn put(m: u32, n: u32, split: u32, v: f32)
 */
export interface GemmProblem {
  m: number;
  n: number;
  k: number;
  splits: number;
  wgsl: string;
}

export function gemmWorkgroups(p: GemmProblem, t: GemmTile): number {
  return Math.ceil(p.m / t.bm) * Math.ceil(p.n / t.bn) * p.splits;
}

/** The k range of one split: whole bk steps, as even as possible. */
function splitSteps(p: GemmProblem, t: GemmTile): number {
  return Math.ceil(Math.ceil(p.k / t.bk) / p.splits);
}

export function gemmKernel(p: GemmProblem, t: GemmTile, f16: boolean): string {
  const L = gemmLanes(t);
  const [BM4, BN4] = [t.bm / 4, t.bn / 4];
  const [NTX, NTY] = [t.bn / t.tn, t.bm / t.tm];
  const SA = (t.bk * BM4) / L; // A vec4s each lane stages per step
  const SB = (t.bk * BN4) / L;
  if (!Number.isInteger(SA) || !Number.isInteger(SB) || L % BN4 !== 0)
    throw new Error(`gemm tile ${JSON.stringify(t)}: staging does not divide over ${L} lanes`);
  const ST = f16 ? 'f16' : 'f32';
  const [mTiles, nTiles] = [Math.ceil(p.m / t.bm), Math.ceil(p.n / t.bn)];
  const steps = splitSteps(p, t);
  const stage: string[] = [];
  for (let s = 0; s < SA; s++) {
    // Slot lid + L·s: k fastest (neighbouring lanes read neighbouring k of A), 4 rows of m per vec4.
    stage.push(`{ let e = lid + ${s * L}u; let kk = e % ${t.bk}u; let mq = e / ${t.bk}u; let k = k0 + kk;
      var v = vec4<f32>(0.0);
      for (var i = 0u; i < 4u; i++) { let m = m0 + mq * 4u + i; if (m < ${p.m}u && k < kEnd) { v[i] = a_at(m, k); } }
      As[kk * ${BM4}u + mq] = vec4<${ST}>(v); }`);
  }
  for (let s = 0; s < SB; s++) {
    // Slot lid + L·s: the lane's 4 columns are fixed (L is a multiple of bn/4), k = its row.
    stage.push(`{ let k = k0 + lid / ${BN4}u + ${(s * L) / BN4}u;
      var v = vec4<f32>(0.0);
      if (k < kEnd) { for (var j = 0u; j < 4u; j++) { if (colOk[j]) { v[j] = b_at(k, cols[j]); } } }
      Bs[(k - k0) * ${BN4}u + lid % ${BN4}u] = vec4<${ST}>(v); }`);
  }
  const accs: string[] = [];
  const mac: string[] = [];
  for (let gi = 0; gi < t.tm / 4; gi++) mac.push(`let a${gi} = vec4<f32>(As[kk * ${BM4}u + ${gi * NTY}u + ty]);`);
  for (let g = 0; g < t.tn / 4; g++) mac.push(`let b${g} = vec4<f32>(Bs[kk * ${BN4}u + ${g * NTX}u + tx]);`);
  for (let i = 0; i < t.tm; i++) {
    for (let g = 0; g < t.tn / 4; g++) {
      accs.push(`var c${i}_${g} = vec4<f32>(0.0);`);
      mac.push(`c${i}_${g} = fma(vec4<f32>(a${i >> 2}.${'xyzw'[i & 3]}), b${g}, c${i}_${g});`);
    }
  }
  const stores: string[] = [];
  for (let i = 0; i < t.tm; i++) {
    const m = `m0 + ${(i >> 2) * 4 * NTY + (i & 3)}u + ty * 4u`;
    for (let g = 0; g < t.tn / 4; g++) {
      stores.push(
        `{ let m = ${m}; let n = n0 + ${g * 4 * NTX}u + tx * 4u; if (m < ${p.m}u) { for (var j = 0u; j < 4u; j++) { if (n + j < ${p.n}u) { put(m, n + j, split, c${i}_${g}[j]); } } } }`,
      );
    }
  }
  return /* wgsl */ `${f16 ? 'enable f16;' : ''}
struct Params { ys: u32, xs: u32, ws: u32, unused: u32 }
@group(0) @binding(0) var<uniform> params: Params;
${p.wgsl}
${LINEAR_WORKGROUP_ID}

var<workgroup> As: array<vec4<${ST}>, ${t.bk * BM4}>;
var<workgroup> Bs: array<vec4<${ST}>, ${t.bk * BN4}>;

@compute @workgroup_size(${L})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wid = linear_workgroup_id(wg, nwg);
  // Uniform across the workgroup: surplus workgroups of a folded grid leave together (no barrier skipped by some lanes only).
  if (wid >= ${mTiles * nTiles * p.splits}u) { return; }
  let split = wid / ${mTiles * nTiles}u;
  let tile = wid % ${mTiles * nTiles}u;
  let m0 = (tile / ${nTiles}u) * ${t.bm}u;
  let n0 = (tile % ${nTiles}u) * ${t.bn}u;
  let tx = lid % ${NTX}u;
  let ty = lid / ${NTX}u;
  // The 4 columns this lane stages, decoded once.
  var cols: array<Col, 4>;
  var colOk: array<bool, 4>;
  for (var j = 0u; j < 4u; j++) {
    let n = n0 + (lid % ${BN4}u) * 4u + j;
    colOk[j] = n < ${p.n}u;
    cols[j] = col(min(n, ${p.n - 1}u));
  }
  ${accs.join(' ')}
  let kBegin = split * ${steps * t.bk}u;
  let kEnd = min(kBegin + ${steps * t.bk}u, ${p.k}u);
  for (var k0 = kBegin; k0 < kEnd; k0 += ${t.bk}u) {
    ${stage.join('\n    ')}
    workgroupBarrier();
    for (var kk = 0u; kk < ${t.bk}u; kk++) {
      ${mac.join('\n      ')}
    }
    workgroupBarrier();
  }
  ${stores.join('\n  ')}
}`;
}
