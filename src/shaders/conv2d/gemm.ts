// Launchers of the implicit-GEMM convolution kernels (gemm.wgsl.ts): the gathers that make forward,
// input gradient and weight gradient one product each, over sub-batches that fit one binding.
import type { BufferBinding, Engine } from '../../tensor/engine.js';
import { EngineError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { toF16, type StoragePrecision } from '../precision.js';
import { imageWindow, subBatches } from '../../tensor/split.js';
import type { ConvGeometry } from './forward.wgsl.js';
import { gemmKernel, gemmLanes, gemmWorkgroupBytes, gemmWorkgroups, type GemmProblem, type GemmTile } from './gemm.wgsl.js';
import { weightGradTargets } from './weight-grad.wgsl.js';

/** A GEMM tile fits this device: its lanes and its workgroup memory within the limits. */
export function gemmFits(engine: Engine, t: GemmTile, f16: boolean): boolean {
  const l = engine.limits;
  return gemmWorkgroupBytes(t, f16) <= l.maxComputeWorkgroupStorageSize && gemmLanes(t) <= l.maxComputeInvocationsPerWorkgroup;
}

export interface GemmRun {
  tile: GemmTile;
  storage: StoragePrecision;
  padding: number;
  relu: boolean;
  maxBindingBytes: number;
}

/** The forward's input size (its output size is in ConvGeometry). */
interface Spatial {
  h: number;
  w: number;
}

const elem = (f16: boolean) => (f16 ? 'f16' : 'f32');

/** The operand binding as the kernel reads it: the f32 window as is (skew in the uniform), or an f16 copy of it (skew 0). */
function operand(
  op: string,
  t: Tensor,
  n0: number,
  count: number,
  perImage: number,
  f16: boolean,
): { binding: BufferBinding; skew: number; copy: Tensor | null } {
  const win = imageWindow(op, t, n0, count, perImage);
  if (!f16) return { binding: win.binding, skew: win.skew, copy: null };
  const copy = toF16(op, t.engine, win.binding, win.skew, count * perImage);
  return { binding: copy.binding(op), skew: 0, copy };
}

function whole(op: string, t: Tensor, f16: boolean) {
  return operand(op, t, 0, 1, t.size, f16);
}

function dispatch(engine: Engine, op: string, p: GemmProblem, r: GemmRun, bindings: BufferBinding[], uniforms: number[]): void {
  const f16 = r.storage === 'f16';
  if (!gemmFits(engine, r.tile, f16))
    throw new EngineError(
      op,
      `GEMM tile ${r.tile.bm}×${r.tile.bn}×${r.tile.bk} needs ${gemmWorkgroupBytes(r.tile, f16)} B of workgroup memory or ${gemmLanes(r.tile)} lanes, over this device's limits`,
    );
  engine.dispatch({ op, kernel: { code: gemmKernel(p, r.tile, f16) }, bindings, uniforms: new Uint32Array(uniforms), workgroups: gemmWorkgroups(p, r.tile) });
}

/** y = conv(x, w) + b (optionally ReLU): M = cout, N = pixels, K = cin·kh·kw. */
export function gemmForward(op: string, x: Tensor, w: Tensor, b: Tensor | null, y: Tensor, g: ConvGeometry, s: Spatial, r: GemmRun): void {
  const f16 = r.storage === 'f16';
  const T = elem(f16);
  const [taps, K] = [g.kh * g.kw, g.cin * g.kh * g.kw];
  const [xImage, yImage, plane] = [g.cin * s.h * s.w, g.cout * g.ho * g.wo, g.ho * g.wo];
  const wt = whole(op, w, f16);
  for (const [n0, count] of subBatches(op, g.n, [xImage, yImage], r.maxBindingBytes)) {
    const xs = operand(op, x, n0, count, xImage, f16);
    const out = imageWindow(op, y, n0, count, yImage);
    const p: GemmProblem = {
      m: g.cout,
      n: count * plane,
      k: K,
      splits: 1,
      wgsl: /* wgsl */ `
@group(0) @binding(1) var<storage, read> X: array<${T}>;
@group(0) @binding(2) var<storage, read> W: array<${T}>;
@group(0) @binding(3) var<storage, read> Bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
fn a_at(m: u32, k: u32) -> f32 { return f32(W[m * ${K}u + k]); }
struct Col { base: u32, iy: i32, ix: i32 }
fn col(n: u32) -> Col {
  let img = n / ${plane}u; let r = n % ${plane}u;
  return Col(params.xs + img * ${xImage}u, i32((r / ${g.wo}u) * ${g.stride}u) - ${r.padding}, i32((r % ${g.wo}u) * ${g.stride}u) - ${r.padding});
}
fn b_at(k: u32, c: Col) -> f32 {
  let ci = k / ${taps}u; let t = k % ${taps}u;
  let iy = c.iy + i32(t / ${g.kw}u); let ix = c.ix + i32(t % ${g.kw}u);
  let inside = iy >= 0 && iy < ${s.h} && ix >= 0 && ix < ${s.w};
  return select(0.0, f32(X[c.base + ci * ${s.h * s.w}u + u32(clamp(iy, 0, ${s.h - 1})) * ${s.w}u + u32(clamp(ix, 0, ${s.w - 1}))]), inside);
}
fn put(m: u32, n: u32, split: u32, v: f32) {
  let s = v + ${b ? 'Bias[m]' : 'f32(arrayLength(&Bias)) * 0.0'};
  Y[params.ys + ((n / ${plane}u) * ${g.cout}u + m) * ${plane}u + n % ${plane}u] = ${r.relu ? 'max(s, 0.0)' : 's'};
}`,
    };
    dispatch(y.engine, op, p, r, [xs.binding, wt.binding, (b ?? w).binding(op), out.binding], [out.skew, xs.skew, 0, 0]);
    xs.copy?.dispose();
  }
  wt.copy?.dispose();
}

/** dX: M = cin, N = input pixels, K = cout·kh·kw; B gathers dY where the (strided) tap lands on an output. */
export function gemmInputGrad(op: string, dy: Tensor, w: Tensor, dx: Tensor, g: ConvGeometry, s: Spatial, r: GemmRun): void {
  const f16 = r.storage === 'f16';
  const T = elem(f16);
  const taps = g.kh * g.kw;
  const [dyImage, dxImage, plane, oplane] = [g.cout * g.ho * g.wo, g.cin * s.h * s.w, s.h * s.w, g.ho * g.wo];
  const wt = whole(op, w, f16);
  const S = g.stride;
  for (const [n0, count] of subBatches(op, g.n, [dyImage, dxImage], r.maxBindingBytes)) {
    const ds = operand(op, dy, n0, count, dyImage, f16);
    const out = imageWindow(op, dx, n0, count, dxImage);
    const p: GemmProblem = {
      m: g.cin,
      n: count * plane,
      k: g.cout * taps,
      splits: 1,
      wgsl: /* wgsl */ `
@group(0) @binding(1) var<storage, read> D: array<${T}>;
@group(0) @binding(2) var<storage, read> W: array<${T}>;
@group(0) @binding(3) var<storage, read_write> DX: array<f32>;
fn a_at(m: u32, k: u32) -> f32 { return f32(W[((k / ${taps}u) * ${g.cin}u + m) * ${taps}u + k % ${taps}u]); }
struct Col { base: u32, y: i32, x: i32 }
fn col(n: u32) -> Col {
  let img = n / ${plane}u; let r = n % ${plane}u;
  return Col(params.xs + img * ${dyImage}u, i32(r / ${s.w}u) + ${r.padding}, i32(r % ${s.w}u) + ${r.padding});
}
fn b_at(k: u32, c: Col) -> f32 {
  let co = k / ${taps}u; let t = k % ${taps}u;
  let ty = c.y - i32(t / ${g.kw}u); let tx = c.x - i32(t % ${g.kw}u);
  let oy = ty / ${S}; let ox = tx / ${S};
  let hit = ty >= 0 && tx >= 0 && oy * ${S} == ty && ox * ${S} == tx && oy < ${g.ho} && ox < ${g.wo};
  return select(0.0, f32(D[c.base + co * ${oplane}u + u32(clamp(oy, 0, ${g.ho - 1})) * ${g.wo}u + u32(clamp(ox, 0, ${g.wo - 1}))]), hit);
}
fn put(m: u32, n: u32, split: u32, v: f32) { DX[params.ys + ((n / ${plane}u) * ${g.cin}u + m) * ${plane}u + n % ${plane}u] = v; }`,
    };
    dispatch(dy.engine, op, p, r, [ds.binding, wt.binding, out.binding], [out.skew, ds.skew, 0, 0]);
    ds.copy?.dispose();
  }
  wt.copy?.dispose();
}

/** Split-K for the weight gradient: enough workgroups to fill a GPU, each slice at least 8 steps, partial sums kept small. */
function weightGradSplits(p: Omit<GemmProblem, 'splits' | 'wgsl'>, t: GemmTile): number {
  const tiles = Math.ceil(p.m / t.bm) * Math.ceil(p.n / t.bn);
  const byMemory = Math.floor((32 * 2 ** 20) / (p.m * p.n * 4));
  return Math.max(1, Math.min(Math.ceil(512 / tiles), Math.floor(Math.ceil(p.k / t.bk) / 8), byMemory));
}

/** dW: M = cout, N = cin·kh·kw, K = images·pixels, summed over split-K slices and sub-batches in a fixed order. */
export function gemmWeightGrad(op: string, x: Tensor, dy: Tensor, dw: Tensor, g: ConvGeometry, s: Spatial, r: GemmRun): void {
  const f16 = r.storage === 'f16';
  const T = elem(f16);
  const taps = g.kh * g.kw;
  const N = g.cin * taps;
  const size = g.cout * N;
  const [xImage, dyImage, oplane] = [g.cin * s.h * s.w, g.cout * g.ho * g.wo, g.ho * g.wo];
  subBatches(op, g.n, [xImage, dyImage], r.maxBindingBytes).forEach(([n0, count], chunk) => {
    const xs = operand(op, x, n0, count, xImage, f16);
    const ds = operand(op, dy, n0, count, dyImage, f16);
    const shape = { m: g.cout, n: N, k: count * oplane };
    const splits = weightGradSplits(shape, r.tile);
    const { partial, finish } = weightGradTargets(op, dw, chunk, splits);
    const p: GemmProblem = {
      ...shape,
      splits,
      wgsl: /* wgsl */ `
@group(0) @binding(1) var<storage, read> X: array<${T}>;
@group(0) @binding(2) var<storage, read> D: array<${T}>;
@group(0) @binding(3) var<storage, read_write> P: array<f32>;
fn a_at(m: u32, k: u32) -> f32 { return f32(D[params.ws + ((k / ${oplane}u) * ${g.cout}u + m) * ${oplane}u + k % ${oplane}u]); }
struct Col { off: u32, ky: i32, kx: i32 }
fn col(n: u32) -> Col {
  let t = n % ${taps}u;
  return Col(params.xs + (n / ${taps}u) * ${s.h * s.w}u, i32(t / ${g.kw}u) - ${r.padding}, i32(t % ${g.kw}u) - ${r.padding});
}
fn b_at(k: u32, c: Col) -> f32 {
  let img = k / ${oplane}u; let q = k % ${oplane}u;
  let iy = i32((q / ${g.wo}u) * ${g.stride}u) + c.ky; let ix = i32((q % ${g.wo}u) * ${g.stride}u) + c.kx;
  let inside = iy >= 0 && iy < ${s.h} && ix >= 0 && ix < ${s.w};
  return select(0.0, f32(X[img * ${xImage}u + c.off + u32(clamp(iy, 0, ${s.h - 1})) * ${s.w}u + u32(clamp(ix, 0, ${s.w - 1}))]), inside);
}
fn put(m: u32, n: u32, split: u32, v: f32) { P[split * ${size}u + m * ${N}u + n] = v; }`,
    };
    dispatch(dw.engine, op, p, r, [xs.binding, ds.binding, partial.binding(op)], [0, xs.skew, ds.skew, 0]);
    xs.copy?.dispose();
    ds.copy?.dispose();
    finish();
  });
}
