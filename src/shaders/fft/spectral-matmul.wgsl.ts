// Channel mixing in the frequency domain: for every bin f, C[f] = op(A[f])ᵀ · B[f] (complex), with A
// stored [k][m], B [k][n] and C [m][n], each contiguous in its last dimension, and op conjugating A
// or not. This is where a frequency-domain convolution spends its flops, so each lane computes an
// MB×NB block of complex outputs, loading A and B rows as vec4s (two complex values each): per k,
// MB/2 + NB/2 loads for 4·MB·NB FMAs. A may also be stored [m][k] (transposeA: dX reading the
// forward's kernel spectra), loaded one complex value per row: as many floats per lane, and on
// lavapipe as fast (9×9 128→128's dX product at T = 32: 89–95 ms against 90–96).
// Every matrix is padded so that no block needs bounds checks: m and n to whole blocks in storage;
// padding holds garbage that only reaches padding. Sizes are uniforms: one pipeline per block shape.
import { DIVMOD, LINEAR_WORKGROUP_ID } from '../../tensor/kernel.js';

export const MATMUL_WORKGROUP = 64;

/** Block shapes: complex outputs per lane along m and n (multiples of 4; 16 along the shared operand in the subgroup form only). */
export type MatmulBlock = 4 | 8 | 16;

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
  /** A stored [m][k] instead (aRow then steps along m, k contiguous): with the register kernels only. */
  transposeA?: boolean;
  /** Add into C instead of overwriting it. */
  accumulate: boolean;
  /** Which kernel runs it (default 'register'): the register blocks above, or the workgroup-tiled one below (f32 or f16 operands). */
  kernel?: SpectralKernel;
  /** With 'register-subgroup': the operand its blocks were shaped to share (matmulBlocks). */
  shared?: SharedOperand;
}

export type SpectralKernel = 'register' | 'register-subgroup' | 'tiled' | 'tiled-f16';

/** Lanes of a subgroup in the register kernel's subgroup form: lavapipe's SIMD width, over consecutive lanes. */
export const SUBGROUP_LANES = 8;

/**
 * Which operand the subgroup form shares between the 8 lanes of a subgroup: A, where lanes run along n
 * (the n blocks padded to a multiple of 8), or B, where they run along m (B's blocks are then 16 wide,
 * the m blocks padded); null where padding would add more than 1/8 lanes: the plain register blocks.
 */
export type SharedOperand = 'A' | 'B' | null;

export function sharedOperand(p: SpectralMatmul): SharedOperand {
  if (p.kernel !== 'register-subgroup' || !p.shared) return null;
  // Checked again: a sub-batch may have fewer tiles than the blocks were shaped for.
  return paddedBlocksFit(p.shared === 'A' ? Math.ceil(p.n / p.nb) : Math.ceil(p.m / p.mb)) ? p.shared : null;
}

/**
 * Complex multiply-adds per call below which the plain blocks run instead (each form is one more
 * pipeline to compile, 0.6–6 s on lavapipe; below this it saves under ~2 ms a call: cpm-small's).
 */
export const SUBGROUP_FORM_MACS = 2 ** 25;

const paddedBlocksFit = (blocks: number): boolean => roundTo(blocks, SUBGROUP_LANES) <= blocks * 1.125;

/**
 * The block shape for an m×n product: wide blocks where there is room (fewer loads per FMA), narrow
 * ones for small sizes (less padding). In the subgroup form (`kernel`) the shared operand's block is
 * 16 long where its size allows, as that costs no more loads (each of the 8 lanes loads one of its 8
 * vec4s): on lavapipe 16×8 measured 10–30 % faster than 8×8 on CPM's products, 16×16 and 32×8
 * slower (spills); it compiles in about 6 s against 1.7 s, repaid by the products large enough for
 * the subgroup form at all (SUBGROUP_FORM_MACS). B is shared where A cannot be (few n blocks: batch 1
 * with few tiles). `binsTimesK`: bins × the summed dimension, with m and n a call's (default: large).
 */
export function matmulBlocks(
  m: number,
  n: number,
  kernel: SpectralKernel = 'register',
  binsTimesK = Infinity,
): { mb: MatmulBlock; nb: MatmulBlock; shared: SharedOperand } {
  const [mb, nb] = [m >= 32 ? 8 : 4, n >= 32 ? 8 : 4] as const;
  if (kernel !== 'register-subgroup' || m * n * binsTimesK < SUBGROUP_FORM_MACS) return { mb, nb, shared: null };
  if (paddedBlocksFit(Math.ceil(n / nb))) return { mb: m >= 64 ? 16 : mb, nb, shared: 'A' };
  if (n >= 16 && paddedBlocksFit(Math.ceil(m / mb))) return { mb, nb: 16, shared: 'B' };
  return { mb, nb, shared: null };
}

export const roundTo = (v: number, b: number): number => Math.ceil(v / b) * b;

/** Blocks along m and n that get lanes: the shared operand's partner dimension padded to whole subgroups. */
function laneBlocks(p: SpectralMatmul): [number, number] {
  const [m, n] = [Math.ceil(p.m / p.mb), Math.ceil(p.n / p.nb)];
  const shared = sharedOperand(p);
  return [shared === 'B' ? roundTo(m, SUBGROUP_LANES) : m, shared === 'A' ? roundTo(n, SUBGROUP_LANES) : n];
}

export function matmulLanes(p: SpectralMatmul): number {
  const [m, n] = laneBlocks(p);
  return p.bins * m * n;
}

/** The strides and flags both products' uniform blocks end with, in this order. */
const operandWords = (p: SpectralMatmul): number[] => [p.aBin, p.aRow, p.bBin, p.bRow, p.cBin, p.cRow, p.conjugateA ? 1 : 0, p.accumulate ? 1 : 0];

export function matmulUniforms(p: SpectralMatmul): Uint32Array {
  const [m, n] = laneBlocks(p);
  // Then the padded dimension's blocks that are stored.
  return new Uint32Array([m, n, p.k, matmulLanes(p), ...operandWords(p), Math.ceil(sharedOperand(p) === 'B' ? p.m / p.mb : p.n / p.nb), 0, 0, 0]);
}

/** Lines that give `name0 … name{count−1}`, the elements of one k row of a shared operand, each loaded by one lane of 8 (`at(r)`: its index in round r) and broadcast. */
function sharedLoads(operand: 'A' | 'B', name: string, count: number, at: (r: number) => string): string[] {
  return [
    ...Array.from({ length: Math.ceil(count / SUBGROUP_LANES) }, (_, r) => `let ${name}Mine${r} = ${operand}[${at(r)}];`),
    ...Array.from({ length: count }, (_, v) => `let ${name}${v} = subgroupBroadcast(${name}Mine${Math.floor(v / SUBGROUP_LANES)}, ${v % SUBGROUP_LANES}u);`),
  ];
}

/**
 * `shared`: the subgroup form. Per k the plain form's lane loads its MB/2 vec4s of A and NB/2 of B
 * itself, though on lavapipe the 8 lanes of a SIMD row (neighbours along n) read the same ones of A:
 * each of those gathers costs as much as one of 8 distinct addresses. Here lane i of each 8 loads vec4
 * i mod MB/2 and the subgroup broadcasts them (measured 10–20 % faster on CPM's products); or the same
 * for B, with lanes along m. Lanes past the last block of the padded dimension compute padding and
 * store nothing; none leaves early, as broadcasts need every lane of the subgroup.
 */
export function spectralMatmulKernel(MB: MatmulBlock, NB: MatmulBlock, shared: SharedOperand = null, transposeA = false): string {
  const [AV, BV] = [MB / 2, NB / 2]; // vec4s per row of the lane's block of A and of B (and C)
  const mac: string[] = [];
  // a{i}: complex A(k, m0 + i) as vec2; b{j}: vec4 of B(k, n0 + 2j … 2j + 1); c{i}_{j} the matching accumulators.
  for (let i = 0; i < MB; i++) {
    for (let j = 0; j < BV; j++) mac.push(`c${i}_${j} = fma(vec4<f32>(a${i}.x), b${j}, fma(vec4<f32>(a${i}.y * s), bs${j}, c${i}_${j}));`);
  }
  // A by rows of k: vec4 pairs along m; transposed (rows of m): one complex value per row, k·1 apart.
  const aLoads = transposeA
    ? shared === 'A'
      ? sharedLoads('A', 'a', MB, (r) => `aLane + (${r * SUBGROUP_LANES}u + lid % ${Math.min(MB, SUBGROUP_LANES)}u) * p.aRow + k`)
      : Array.from({ length: MB }, (_, i) => `let a${i} = A[aLane + ${i}u * p.aRow + k];`)
    : [
        ...(shared === 'A'
          ? sharedLoads('A', 'A', AV, (r) => `aRow + ${r * SUBGROUP_LANES}u + lid % ${Math.min(AV, SUBGROUP_LANES)}u`)
          : Array.from({ length: AV }, (_, v) => `let A${v} = A[aRow + ${v}u];`)),
        ...Array.from({ length: MB }, (_, i) => `let a${i} = A${i >> 1}.${i & 1 ? 'zw' : 'xy'};`),
      ];
  const loads = [
    ...aLoads,
    ...(shared === 'B'
      ? sharedLoads('B', 'b', BV, (r) => `bRow + ${r * SUBGROUP_LANES}u + lid % ${Math.min(BV, SUBGROUP_LANES)}u`)
      : Array.from({ length: BV }, (_, j) => `let b${j} = B[bRow + ${j}u];`)),
    ...Array.from({ length: BV }, (_, j) => `let bs${j} = vec4<f32>(-b${j}.y, b${j}.x, -b${j}.w, b${j}.z);`),
  ];
  // C is read only where the call accumulates: a select would load it on every call.
  const stores = (add: boolean): string[] =>
    Array.from({ length: MB * BV }, (_, e) => {
      const [i, j] = [Math.floor(e / BV), e % BV];
      return `{ let at = (cLane + ${i}u * p.cRow) / 2u + ${j}u; C[at] = ${add ? `C[at] + ` : ''}c${i}_${j}; }`;
    });
  const accs = Array.from({ length: MB }, (_, i) => Array.from({ length: BV }, (_, j) => `var c${i}_${j} = vec4<f32>(0.0);`).join(' '));
  // Lanes run along n first (neighbouring lanes read neighbouring vec4s of B), then m, then bins; along m first where B is shared.
  const [inner, outer] = shared === 'B' ? ['m', 'n'] : ['n', 'm'];
  return /* wgsl */ `${shared ? 'enable subgroups;' : ''}
struct Params { mBlocks: u32, nBlocks: u32, k: u32, lanes: u32, aBin: u32, aRow: u32, bBin: u32, bRow: u32, cBin: u32, cRow: u32, conjugateA: u32, accumulate: u32, stored: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec${transposeA ? 2 : 4}<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
${LINEAR_WORKGROUP_ID}

${DIVMOD}

@compute @workgroup_size(${MATMUL_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let lane = linear_workgroup_id(wg, nwg) * ${MATMUL_WORKGROUP}u + lid;
  ${shared ? 'let id = min(lane, p.lanes - 1u);' : 'if (lane >= p.lanes) { return; } let id = lane;'}
  let ${inner}q = divmod(id, p.${inner}Blocks);
  let ${outer}q = divmod(${inner}q.x, p.${outer}Blocks);
  let f = ${outer}q.x;
  let m0 = mq.y * ${MB}u;
  let n0 = nq.y * ${NB}u;
  let s = select(1.0, -1.0, p.conjugateA == 1u);
  let aLane = f * p.aBin + m0${transposeA ? ' * p.aRow' : ''};
  let bLane = f * p.bBin + n0;
  let cLane = f * p.cBin + m0 * p.cRow + n0;
  ${accs.join('\n  ')}
  for (var k = 0u; k < p.k; k++) {
    ${transposeA ? '' : 'let aRow = (aLane + k * p.aRow) / 2u;'}
    let bRow = (bLane + k * p.bRow) / 2u;
    ${loads.join('\n    ')}
    ${mac.join('\n    ')}
  }
  if (lane >= p.lanes || ${shared === 'B' ? 'mq' : 'nq'}.y >= p.stored) { return; }
  if (p.accumulate == 1u) {
    ${stores(true).join('\n    ')}
  } else {
    ${stores(false).join('\n    ')}
  }
}`;
}

// The same product staged through workgroup memory, for GPUs: a workgroup of 256 lanes (eight 32-lane
// subgroups), lm × ln of them along m and n, owns a block of complex outputs of one bin, each lane
// 2·gm × 2·gn of them; per step of TILED_K rows of k it stages A's and B's block rows in workgroup
// memory (coalesced vec4s: two complex values each), then every lane accumulates from vec4 reads. Two
// block shapes: 64×64 (the default), and 128×16 where n is small (few tiles: batch 1), which would
// leave most of a 64-wide block empty. m and n are bounds-checked (in pairs: rows are stored padded to
// a multiple of 4), k exactly. With `f16`, A and B are f16 in storage (two complex values per
// vec4<f16>) and in workgroup memory, accumulated in f32. Sizes are uniforms: one pipeline per shape.
const TILED_K = 8;
const TILED_LANES = 256;

export interface TiledBlock {
  lm: number;
  ln: number;
  gm: number;
  gn: number;
}

const WIDE: TiledBlock = { lm: 16, ln: 16, gm: 2, gn: 2 };
const NARROW: TiledBlock = { lm: 64, ln: 4, gm: 1, gn: 2 };

/** The block shape for a product: narrow where n would fill at most a quarter of a wide block. */
export const tiledBlock = (p: SpectralMatmul): TiledBlock => (p.n <= 16 ? NARROW : WIDE);

const blockSize = (b: TiledBlock): [number, number] => [2 * b.gm * b.lm, 2 * b.gn * b.ln];

export function tiledWorkgroups(p: SpectralMatmul): number {
  const [bm, bn] = blockSize(tiledBlock(p));
  return p.bins * Math.ceil(p.m / bm) * Math.ceil(p.n / bn);
}

/**
 * The power of two f16 operands are scaled by: a T×T tile's spectrum grows to T² times its values (past
 * f16's 65504 for T = 64 and values over 16), its scaled copy only to about T times (exact: a power of two).
 */
export const f16OperandScale = (p: SpectralMatmul): number => 2 ** -Math.round(Math.log2(Math.sqrt(p.bins)));

/** `outScale` undoes the operands' scaling (1 for f32 operands). */
export function tiledUniforms(p: SpectralMatmul, outScale = 1): Uint32Array {
  const [bm, bn] = blockSize(tiledBlock(p));
  const [mTiles, nTiles] = [Math.ceil(p.m / bm), Math.ceil(p.n / bn)];
  const u = new Uint32Array([p.m, p.n, p.k, mTiles, nTiles, tiledWorkgroups(p), ...operandWords(p), 0, 0]);
  new Float32Array(u.buffer, 14 * 4, 1)[0] = outScale;
  return u;
}

/** Staging of one operand's block rows: `pairs` vec4s per row, TILED_K rows, spread over the lanes. */
function stageRows(name: 'A' | 'B', pairs: number, ST: string): string {
  const lines: string[] = [];
  for (let s = 0; s * TILED_LANES < TILED_K * pairs; s++) {
    const e = `lid + ${s * TILED_LANES}u`;
    const [lo, bin, row, limit] = name === 'A' ? ['m0', 'p.aBin', 'p.aRow', 'p.m'] : ['n0', 'p.bBin', 'p.bRow', 'p.n'];
    lines.push(`{ let e = ${e}; let kk = e / ${pairs}u; let q = 2u * (e % ${pairs}u); let k = k0 + kk;
      if (e < ${TILED_K * pairs}u) {
        var v = vec4<${ST}>(0.0);
        if (k < p.k && ${lo} + q < ${limit}) { v = ${name}[(f * ${bin} + k * ${row} + ${lo} + q) / 2u]; }
        ${name}s[e] = v;
      } }`);
  }
  return lines.join('\n    ');
}

export function spectralMatmulTiledKernel(f16: boolean, b: TiledBlock): string {
  const ST = f16 ? 'f16' : 'f32';
  const [bm, bn] = blockSize(b);
  const [PA, PB] = [bm / 2, bn / 2]; // vec4s (complex pairs) per staged row of A and of B
  const mac: string[] = [];
  for (let g = 0; g < b.gm; g++) mac.push(`let a${g} = vec4<f32>(As[kk * ${PA}u + ${g * b.lm}u + ty]);`);
  for (let g = 0; g < b.gn; g++)
    mac.push(`let b${g} = vec4<f32>(Bs[kk * ${PB}u + ${g * b.ln}u + tx]); let bs${g} = vec4<f32>(-b${g}.y, b${g}.x, -b${g}.w, b${g}.z);`);
  const accs: string[] = [];
  const stores: string[] = [];
  for (let i = 0; i < 2 * b.gm; i++) {
    const a = `a${i >> 1}.${i & 1 ? 'zw' : 'xy'}`;
    for (let g = 0; g < b.gn; g++) {
      accs.push(`var c${i}_${g} = vec4<f32>(0.0);`);
      mac.push(`c${i}_${g} = fma(vec4<f32>(${a}.x), b${g}, fma(vec4<f32>(${a}.y * s), bs${g}, c${i}_${g}));`);
      stores.push(`{ let m = m0 + 2u * (${(i >> 1) * b.lm}u + ty) + ${i & 1}u; let n = n0 + 2u * (${g * b.ln}u + tx);
    if (m < p.m && n < p.n) { let at = (f * p.cBin + m * p.cRow + n) / 2u; let v = c${i}_${g} * p.outScale; if (p.accumulate == 1u) { C[at] = C[at] + v; } else { C[at] = v; } } }`);
    }
  }
  return /* wgsl */ `${f16 ? 'enable f16;' : ''}
struct Params { m: u32, n: u32, k: u32, mTiles: u32, nTiles: u32, total: u32, aBin: u32, aRow: u32, bBin: u32, bRow: u32, cBin: u32, cRow: u32, conjugateA: u32, accumulate: u32, outScale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<${ST}>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<${ST}>>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
${LINEAR_WORKGROUP_ID}

var<workgroup> As: array<vec4<${ST}>, ${TILED_K * PA}>;
var<workgroup> Bs: array<vec4<${ST}>, ${TILED_K * PB}>;

@compute @workgroup_size(${TILED_LANES})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wid = linear_workgroup_id(wg, nwg);
  if (wid >= p.total) { return; } // uniform: the whole workgroup leaves
  let nt = wid % p.nTiles;
  let fm = wid / p.nTiles;
  let f = fm / p.mTiles;
  let m0 = (fm % p.mTiles) * ${bm}u;
  let n0 = nt * ${bn}u;
  let tx = lid % ${b.ln}u;
  let ty = lid / ${b.ln}u;
  let s = select(1.0, -1.0, p.conjugateA == 1u);
  ${accs.join(' ')}
  for (var k0 = 0u; k0 < p.k; k0 += ${TILED_K}u) {
    ${stageRows('A', PA, ST)}
    ${stageRows('B', PB, ST)}
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILED_K}u; kk++) {
      ${mac.join('\n      ')}
    }
    workgroupBarrier();
  }
  ${stores.join('\n  ')}
}`;
}
