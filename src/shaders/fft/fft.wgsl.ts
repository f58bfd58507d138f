// Batched 2-D real FFTs of T×T tiles (T a power of two, 8…128), in four passes that each give a lane
// one 1-D transform of length T, written out as straight-line radix-2 code (bit reversal folded into
// the order of the loads, twiddles as literals): on lavapipe a lane is a SIMD lane, so unrolled code
// keeps the T values in registers, with no workgroup memory and no barriers.
//
//   forward:  tile columns (real, along y) → half spectrum [q][ky ≤ T/2][x < taps] (tileColumnsKernel)
//             rows of that (complex, along x) → spectrum [f = binSlot(ky, kx)][a, b] (spectrumRowsKernel)
//   inverse:  spectrum rows (along kx) → [q][ky][kept x]                       (spectrumRowsKernel)
//             columns (Hermitian along ky) → real tile, cropped, bias, ReLU     (inverseColumnsKernel)
//
// A plane q = a·B + b is one T×T tile: `a` is a channel, b = (n·tilesY + ty)·tilesX + tx an image
// and tile position. Tile (ty, tx) starts at (ty·step − off, tx·step − off) of its source; taps
// outside first … first + lim − 1 of a tile, and outside the source, read 0 (zero padding and
// overlap-save). The spectrum of (f, a, b) is at specBase + f·fStride + a·mulA + b·mulB, so one pass
// writes either the [a][b] or the [b][a] order the channel-mixing product wants. Sizes are uniforms,
// except the tap window of a forward tile (the kernel's k from 0, dW's S inputs from k − 1, else T),
// which prunes its butterflies: one pipeline per (pass, T, window). Columns that are all zero
// (outside the window) or that an inverse does not keep get no lane and no room in the half spectra
// between the passes.
//
// On CPU adapters each direction also runs as one fused pass (T ≤ MAX_FUSED_T): a lane takes a whole
// tile, and the half spectrum between the two 1-D passes stays in a private array indexed by a
// uniform loop counter. There every lane-varying storage access is a per-lane gather or scatter
// (about 1 G values a second on lavapipe), while a private access costs about a quarter of one.
import { DIVMOD, LINEAR_WORKGROUP_ID } from '../../tensor/kernel.js';

export const FFT_SIZES = [8, 16, 32, 64, 128] as const;
export type FftSize = (typeof FFT_SIZES)[number];

export const FFT_WORKGROUP = 64;
/** The fused passes' workgroups: lavapipe runs a workgroup's lanes one SIMD row after another, so 256 lanes give each bin runs of 2 kB (64 lanes ran a 9×9 128→128 layer 6–13 % slower). */
export const FUSED_WORKGROUP = 256;
/** Largest fused tile: at T = 64 each fused kernel took 18–20 s to compile on lavapipe (T = 32: 1–2 s), for layers the cost model rarely gives T = 64. */
export const MAX_FUSED_T = 32;

/** How a 2-D tile transform runs, each way: two passes of one 1-D transform per lane, or one fused pass of one tile per lane (CPU adapters). */
export type TransformPasses = 'two-pass' | 'fused';

/** Uniform block shared by the four passes (u32 unless noted; 20 words, padded to 24). */
export interface TileGeometry {
  /** Planes Q = A·B. */
  planes: number;
  /** B: images × tilesY × tilesX (per channel a). */
  b: number;
  tilesY: number;
  tilesX: number;
  /** Source (forward) or destination (inverse) image addressing, in elements. */
  base: number;
  strideN: number;
  strideA: number;
  height: number;
  width: number;
  /** Tile step: outputs per tile along each axis. */
  step: number;
  /** Forward: tile origin offset (may be negative); inverse: circular index of the first kept output. */
  off: number;
  /** Forward: taps kept per tile along each axis; inverse: outputs kept per tile along each axis (≤ step). */
  lim: number;
  /** Forward only, not a uniform: the first tap kept along each axis (taps first … first + lim − 1; default 0). */
  first?: number;
  fStride: number;
  mulA: number;
  mulB: number;
  specBase: number;
  /** Inverse only: 1 adds bias[a], 2 applies ReLU. */
  flags?: number;
  /** Inverse only: the 1/T² of the inverse transform. */
  scale?: number;
}

export const TILE_FLAG = { bias: 1, relu: 2 } as const;

export function tileUniforms(g: TileGeometry): ArrayBuffer {
  const buf = new ArrayBuffer(24 * 4);
  const u = new Uint32Array(buf);
  const i = new Int32Array(buf);
  const f = new Float32Array(buf);
  u.set([g.planes, g.b, g.tilesY, g.tilesX, g.base, g.strideN, g.strideA, g.height, g.width, g.step]);
  i[10] = g.off;
  u.set([g.lim, g.fStride, g.mulA, g.mulB, g.specBase, g.flags ?? 0], 11);
  f[17] = g.scale ?? 1;
  return buf;
}

const UNIFORMS = /* wgsl */ `
struct Tiles {
  planes: u32, b: u32, tilesY: u32, tilesX: u32,
  base: u32, strideN: u32, strideA: u32, height: u32, width: u32, step: u32,
  off: i32, lim: u32, fStride: u32, mulA: u32, mulB: u32, specBase: u32, flags: u32, scale: f32,
}
@group(0) @binding(0) var<uniform> u: Tiles;
${LINEAR_WORKGROUP_ID}

${DIVMOD}

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

struct Plane { a: u32, n: u32, ty: u32, tx: u32 }

fn plane(q: u32) -> Plane {
  let ab = divmod(q, u.b);
  let tt = divmod(ab.y, u.tilesX);
  let nt = divmod(tt.x, u.tilesY);
  return Plane(ab.x, nt.x, nt.y, tt.y);
}

fn spectrumIndex(f: u32, q: u32) -> u32 {
  let ab = divmod(q, u.b);
  return u.specBase + f * u.fStride + ab.x * u.mulA + ab.y * u.mulB;
}`;

const bitReverse = (j: number, bits: number): number => {
  let r = 0;
  for (let b = 0; b < bits; b++) r |= ((j >> b) & 1) << (bits - 1 - b);
  return r;
};

const lit = (v: number): string => {
  const s = Math.abs(v) < 1e-12 ? '0.0' : v.toPrecision(9);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
};

/**
 * Straight-line radix-2 decimation-in-time FFT of length T: `load(j)` gives element j (a vec2<f32>
 * expression, or null where it is known to be zero: those butterflies are left out); returns the
 * statements and the outputs in natural order (null where zero). `sign` −1 is the forward transform
 * e^(−2πi·jk/T), +1 the unnormalised inverse.
 */
export function fftStatements(T: number, sign: 1 | -1, load: (j: number) => string | null, prefix: string): { code: string[]; out: (string | null)[] } {
  const bits = Math.log2(T);
  if (!Number.isInteger(bits)) throw new Error(`FFT length ${T} is not a power of two`);
  const code: string[] = [];
  let names: (string | null)[] = [];
  for (let j = 0; j < T; j++) {
    const v = load(bitReverse(j, bits));
    if (v !== null) code.push(`let ${prefix}0_${j} = ${v};`);
    names.push(v === null ? null : `${prefix}0_${j}`);
  }
  for (let s = 1, h = 1; h < T; s++, h *= 2) {
    const next = [...names];
    for (let start = 0; start < T; start += 2 * h) {
      for (let j = 0; j < h; j++) {
        const [top, bottom] = [names[start + j]!, names[start + j + h]!];
        if (bottom === null) {
          next[start + j + h] = top;
          continue;
        }
        const angle = (sign * Math.PI * j) / h;
        // The twiddle e^(i·angle): 1 and ±i need no multiply.
        const t = `${prefix}t${s}_${start + j}`;
        code.push(
          `let ${t} = ${j === 0 ? bottom : 2 * j === h ? `vec2<f32>(${-sign}.0 * ${bottom}.y, ${sign}.0 * ${bottom}.x)` : `cmul(${bottom}, vec2<f32>(${lit(Math.cos(angle))}, ${lit(Math.sin(angle))}))`};`,
        );
        const [sum, diff] = [`${prefix}${s}_${start + j}`, `${prefix}${s}_${start + j + h}`];
        code.push(top === null ? `let ${sum} = ${t};` : `let ${sum} = ${top} + ${t};`);
        code.push(top === null ? `let ${diff} = -${t};` : `let ${diff} = ${top} - ${t};`);
        [next[start + j], next[start + j + h]] = [sum, diff];
      }
    }
    names = next;
  }
  return { code, out: names };
}

const ZERO = 'vec2<f32>(0.0)';

/** Whether tap j of a forward tile is read: taps first … first + count − 1 (the rest are zero). */
const inWindow = (j: number, first: number, count: number): boolean => j >= first && j < first + count;

function entry(body: string, lanes: number = FFT_WORKGROUP): string {
  return `@compute @workgroup_size(${lanes})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = linear_workgroup_id(wg, nwg) * ${lanes}u + lid;
${body}
}`;
}

/**
 * Pass 1: lane (q, x) transforms column first + x (x < taps) of tile q along y (real input) into the
 * half spectrum I[q][ky][x], ky ≤ T/2. The window first … first + taps − 1 (`lim`) is specialised:
 * rows outside it are left out of the code, and columns outside it are zero, so they get no lane and
 * no storage (the rows pass knows).
 */
export function tileColumnsKernel(T: FftSize, taps: number, first = 0): string {
  const half = T / 2 + 1;
  const fft = fftStatements(T, -1, (y) => (inWindow(y, first, taps) ? `vec2<f32>(tap(${y}u), 0.0)` : null), 'z');
  const store = (z: string | null, ky: number) => `I[(q * ${half}u + ${ky}u) * ${taps}u + x] = ${z ?? ZERO};`;
  return /* wgsl */ `${UNIFORMS}
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> I: array<vec2<f32>>;
var<private> row0: i32;
var<private> col: i32;
var<private> rowBase: u32;

fn tap(y: u32) -> f32 {
  let row = row0 + i32(y);
  let ok = row >= 0 && row < i32(u.height);
  let idx = select(0u, rowBase + u32(row) * u.width + u32(col), ok);
  return select(0.0, src[idx], ok);
}

${entry(`  let x = id % ${taps}u;
  let q = id / ${taps}u;
  if (q >= u.planes) { return; }
  let p = plane(q);
  row0 = i32(p.ty * u.step) - u.off;
  col = i32(p.tx * u.step + ${first}u + x) - u.off;
  rowBase = u.base + p.n * u.strideN + p.a * u.strideA;
  if (col < 0 || col >= i32(u.width)) {
    ${Array.from({ length: half }, (_, ky) => store(null, ky)).join('\n    ')}
    return;
  }
  ${fft.code.join('\n  ')}
  ${fft.out.slice(0, half).map(store).join('\n  ')}`)}`;
}

/**
 * Where bin (ky, kx) of a T×T real tile's spectrum is stored, or null for the bins that are the
 * conjugates of others: rows ky = 0 and T/2 are Hermitian along kx themselves, so their kx > T/2 are
 * not stored (T − 2 bins of (T/2 + 1)·T fewer to mix). Rows 1 … T/2 − 1 come first, whole; then the
 * kx ≤ T/2 halves of rows 0 and T/2. Bins are T²/2 + 2 in all (spectrumBins).
 */
export function binSlot(T: number, ky: number, kx: number): number | null {
  if (ky > 0 && ky < T / 2) return (ky - 1) * T + kx;
  if (kx > T / 2) return null;
  return (T / 2 - 1) * T + (ky === 0 ? 0 : T / 2 + 1) + kx;
}

/** Where row ky of plane q's spectrum starts (binSlot of bin (ky, 0)), given `edge` = ky is 0 or T/2. */
const rowStartOf = (T: number): string => `spectrumIndex(select((ky - 1u) * ${T}u, ${(T / 2 - 1) * T}u + select(0u, ${T / 2 + 1}u, ky != 0u), edge), q)`;

/** Row `spec`'s bins kx = 0 … T − 1 into dst; rows 0 and T/2 (`edge`) store only kx ≤ T/2 (binSlot). */
function binStores(T: number, out: (string | null)[]): string[] {
  return out.map((z, j) => `${j > T / 2 ? 'if (!edge) { ' : ''}dst[spec + ${j}u * u.fStride] = ${z ?? ZERO};${j > T / 2 ? ' }' : ''}`);
}

/** Bin (ky, kx > T/2) of row `spec`: stored in rows 1 … T/2 − 1; in rows 0 and T/2 (`edge`) the conjugate of bin (ky, T − kx). */
const mirrorFn = (T: number): string => /* wgsl */ `fn mirror(spec: u32, edge: bool, kx: u32) -> vec2<f32> {
  let z = src[spec + select(kx, ${T}u - kx, edge) * u.fStride];
  return select(z, vec2<f32>(z.x, -z.y), edge);
}`;

/**
 * Passes 2 and 3: lane (ky, q) transforms one row along x between the half spectra H[q][ky][x] and
 * the spectrum bins (ky, kx) of plane q, stored as binSlot says. Forward: H holds the first `taps`
 * columns (the rest are zero). Inverse: only the kept columns x = off … off + lim − 1 are stored,
 * H[q][ky][x − off]; rows 0 and T/2 read their kx > T/2 as conjugates of T − kx.
 */
export function spectrumRowsKernel(T: FftSize, direction: 'forward' | 'inverse', taps: number = T, first = 0): string {
  const half = T / 2 + 1;
  const forward = direction === 'forward';
  const mirrored = (j: number) => j > T / 2;
  const fft = fftStatements(
    T,
    forward ? -1 : 1,
    (j) =>
      forward
        ? inWindow(j, first, taps)
          ? `src[rowStart + ${j - first}u]`
          : null
        : mirrored(j)
          ? `mirror(spec, edge, ${j}u)`
          : `src[spec + ${j}u * u.fStride]`,
    'z',
  );
  const stores = forward ? binStores(T, fft.out) : fft.out.map((z, j) => `keep(${j}, ${z ?? ZERO});`);
  return /* wgsl */ `${UNIFORMS}
@group(0) @binding(1) var<storage, read> src: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec2<f32>>;
var<private> rowStart: u32;

var<private> spec: u32;
var<private> edge: bool;

fn keep(x: i32, z: vec2<f32>) {
  let i = x - u.off;
  if (i >= 0 && i < i32(u.lim)) { dst[rowStart + u32(i)] = z; }
}

${mirrorFn(T)}

${entry(`  let kq = divmod(id, u.planes);
  let ky = kq.x;
  let q = kq.y;
  if (ky >= ${half}u) { return; }
  rowStart = (q * ${half}u + ky) * ${forward ? `${taps}u` : 'u.lim'};
  edge = ky == 0u || ky == ${T / 2}u;
  spec = ${rowStartOf(T)};
  ${fft.code.join('\n  ')}
  ${stores.join('\n  ')}`)}`;
}

/**
 * The output side of an inverse column transform, for both forms: bindings 2 and 3, the lane's column,
 * and put(y, v), which keeps circular index y as output y − off of the tile when y − off < lim and
 * the row is inside the destination, scaled, with bias and ReLU as flags say.
 */
const INVERSE_OUTPUT = /* wgsl */ `@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
var<private> colOk: bool;
var<private> row0: i32;
var<private> col: u32;
var<private> rowBase: u32;
var<private> shift: f32;

fn conj(z: vec2<f32>) -> vec2<f32> { return vec2<f32>(z.x, -z.y); }

fn put(y: i32, v: f32) {
  let ty = y - u.off;
  let row = row0 + ty;
  if (!colOk || ty < 0 || ty >= i32(u.lim) || row >= i32(u.height)) { return; }
  let i = rowBase + u32(row) * u.width + col;
  var r = v * u.scale + shift;
  if ((u.flags & 2u) != 0u) { r = max(r, 0.0); }
  dst[i] = r;
}`;

/**
 * Pass 4: lane (q, i) inverse-transforms kept column x = off + i of J[q] along ky (the missing half is
 * the conjugate mirror: the column is the spectrum of a real signal), scales, and writes the kept
 * outputs: circular index y holds output y − off of the tile, kept when y − off < lim.
 */
export function inverseColumnsKernel(T: FftSize): string {
  const half = T / 2 + 1;
  const fft = fftStatements(T, 1, (ky) => (ky < half ? `J[colStart + ${ky}u * u.lim]` : `conj(J[colStart + ${T - ky}u * u.lim])`), 'z');
  const stores = fft.out.map((z, y) => `put(${y}, ${z ?? ZERO}.x);`);
  return /* wgsl */ `${UNIFORMS}
@group(0) @binding(1) var<storage, read> J: array<vec2<f32>>;
${INVERSE_OUTPUT}

${entry(`  let qi = divmod(id, u.lim);
  let q = qi.x;
  let i = qi.y;
  if (q >= u.planes) { return; }
  let p = plane(q);
  row0 = i32(p.ty * u.step);
  col = p.tx * u.step + i;
  colOk = col < u.width;
  rowBase = u.base + p.n * u.strideN + p.a * u.strideA;
  shift = select(0.0, bias[min(p.a, arrayLength(&bias) - 1u)], (u.flags & 1u) != 0u);
  let colStart = q * ${half}u * u.lim + i;
  ${fft.code.join('\n  ')}
  ${stores.join('\n  ')}`)}`;
}

/**
 * Passes 1 and 2 fused: lane q transforms the `taps` columns of tile q (a loop around the
 * straight-line column FFT) into a private half spectrum, then its T/2 + 1 rows into the bins.
 */
export function tileSpectraFusedKernel(T: FftSize, taps: number, first = 0): string {
  const half = T / 2 + 1;
  const columns = fftStatements(T, -1, (y) => (inWindow(y, first, taps) ? `vec2<f32>(tap(${y}u), 0.0)` : null), 'c');
  const rows = fftStatements(T, -1, (j) => (inWindow(j, first, taps) ? `h[ky * ${taps}u + ${j - first}u]` : null), 'r');
  return /* wgsl */ `${UNIFORMS}
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec2<f32>>;
var<private> row0: i32;
var<private> col: i32;
var<private> colOk: bool;
var<private> rowBase: u32;

fn tap(y: u32) -> f32 {
  let row = row0 + i32(y);
  let ok = colOk && row >= 0 && row < i32(u.height);
  let idx = select(0u, rowBase + u32(row) * u.width + u32(col), ok);
  return select(0.0, src[idx], ok);
}

${entry(
  `  let q = id;
  if (q >= u.planes) { return; }
  let p = plane(q);
  row0 = i32(p.ty * u.step) - u.off;
  rowBase = u.base + p.n * u.strideN + p.a * u.strideA;
  var h: array<vec2<f32>, ${half * taps}>;
  for (var x = 0u; x < ${taps}u; x++) {
    col = i32(p.tx * u.step + ${first}u + x) - u.off;
    colOk = col >= 0 && col < i32(u.width);
    ${columns.code.join('\n    ')}
    ${columns.out
      .slice(0, half)
      .map((z, ky) => `h[${ky}u * ${taps}u + x] = ${z ?? ZERO};`)
      .join('\n    ')}
  }
  for (var ky = 0u; ky < ${half}u; ky++) {
    let edge = ky == 0u || ky == ${T / 2}u;
    let spec = ${rowStartOf(T)};
    ${rows.code.join('\n    ')}
    ${binStores(T, rows.out).join('\n    ')}
  }`,
  FUSED_WORKGROUP,
)}`;
}

/**
 * Passes 3 and 4 fused: lane q inverse-transforms the T/2 + 1 spectrum rows of plane q into a private
 * array of the kept columns, then each kept column (Hermitian along ky) into its kept outputs.
 */
export function tilesFromSpectraFusedKernel(T: FftSize): string {
  const half = T / 2 + 1;
  const mirrored = (j: number) => j > T / 2;
  const rows = fftStatements(T, 1, (j) => (mirrored(j) ? `mirror(spec, edge, ${j}u)` : `src[spec + ${j}u * u.fStride]`), 'r');
  const columns = fftStatements(T, 1, (ky) => (ky < half ? `h[${ky}u * ${T}u + i]` : `conj(h[${T - ky}u * ${T}u + i])`), 'c');
  return /* wgsl */ `${UNIFORMS}
@group(0) @binding(1) var<storage, read> src: array<vec2<f32>>;
${INVERSE_OUTPUT}

${mirrorFn(T)}

${entry(
  `  let q = id;
  if (q >= u.planes) { return; }
  let p = plane(q);
  row0 = i32(p.ty * u.step);
  rowBase = u.base + p.n * u.strideN + p.a * u.strideA;
  shift = select(0.0, bias[min(p.a, arrayLength(&bias) - 1u)], (u.flags & 1u) != 0u);
  var h: array<vec2<f32>, ${half * T}>;
  for (var ky = 0u; ky < ${half}u; ky++) {
    let edge = ky == 0u || ky == ${T / 2}u;
    let spec = ${rowStartOf(T)};
    ${rows.code.join('\n    ')}
    ${rows.out.map((z, x) => `if (${x} >= u.off && ${x} < u.off + i32(u.lim)) { h[ky * ${T}u + u32(${x} - u.off)] = ${z ?? ZERO}; }`).join('\n    ')}
  }
  for (var i = 0u; i < u.lim; i++) {
    col = p.tx * u.step + i;
    colOk = col < u.width;
    ${columns.code.join('\n    ')}
    ${columns.out.map((z, y) => `put(${y}, ${z ?? ZERO}.x);`).join('\n    ')}
  }`,
  FUSED_WORKGROUP,
)}`;
}
