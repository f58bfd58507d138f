// Convolution through the frequency domain (stride 1, square kernels), by overlap-save over T×T tiles:
// each tile of S = T − k + 1 outputs sees a T×T input tile, and its k×k kernel zero-padded to T×T.
// Cross-correlation is a product with the conjugate kernel spectrum, summed over input channels per
// frequency bin: a batched complex matrix product (../fft). With y, x, dy, dx NCHW and w OIHW:
//   forward  Y[f][co][p] = Σ_ci conj(W[f][co][ci]) · X[f][ci][p]     (x tiles from −pad)
//   dX      DX[f][ci][p] = Σ_co W[f][co][ci] · DY[f][co][p]          (dy tiles from −(k−1−pad); a convolution, read from k − 1)
//   dW      DW[f][co][ci] = Σ_p conj(DY[f][co][p]) · X[f][p][ci]     (dy tiles of S outputs against the forward's x tiles)
// where p runs over (image, tile). Sub-batches keep every spectrum inside one storage binding; dW
// sums its sub-batches in the frequency domain and transforms once.
import { EngineError } from '../../tensor/errors.js';
import type { BufferBinding, Engine } from '../../tensor/engine.js';
import { Tensor } from '../../tensor/tensor.js';
import { blocks4, spectralMatmul, spectrumBins, tileSpectra, tilesFromSpectra, TILE_FLAG, type FftSize, type TileGeometry } from '../fft/fft.js';
import { imageWindow, subBatches } from './chunks.js';

const pad4 = (v: number): number => blocks4(v) * 4;

export interface FftConvShape {
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  k: number;
  padding: number;
}

/** Outputs per tile along each axis. */
export const tileStep = (T: number, k: number): number => T - k + 1;

function outSize(s: FftConvShape): [number, number] {
  return [s.h + 2 * s.padding - s.k + 1, s.w + 2 * s.padding - s.k + 1];
}

/** Tiles per image of each kind's tiled extent (forward and dW tile the output, dX the input). */
export function tilesPerImage(s: FftConvShape, T: number, kind: 'forward' | 'dX' | 'dW'): [number, number] {
  const [ho, wo] = kind === 'dX' ? [s.h, s.w] : outSize(s);
  const S = tileStep(T, s.k);
  return [Math.ceil(ho / S), Math.ceil(wo / S)];
}

/** Bytes of the kernel spectra, the largest single binding that cannot be split over the batch. */
export function weightSpectrumBytes(s: Pick<FftConvShape, 'cin' | 'cout'>, T: number): number {
  return spectrumBins(T) * pad4(s.cout) * pad4(s.cin) * 8;
}

/** Whether tile size T can run this shape under a binding limit (the kernel spectra must fit whole). */
export function fftApplicable(s: FftConvShape, T: number, maxBindingBytes: number): boolean {
  return s.k <= T && T - s.k + 1 >= Math.min(4, T / 2) && weightSpectrumBytes(s, T) <= maxBindingBytes;
}

/** Spectra of w laid out [f][co (padded to 4)][ci (padded to 4)]: A of the forward and dX products. */
function weightSpectra(op: string, w: Tensor, T: FftSize): Tensor {
  const [cout, cin, k] = w.shape as [number, number, number];
  const spectrum = Tensor.empty(w.engine, [spectrumBins(T) * pad4(cout) * pad4(cin) * 2], `${op} kernel spectra`);
  const g: TileGeometry = {
    planes: cout * cin, b: cin, tilesY: 1, tilesX: 1, base: 0, strideN: k * k, strideA: cin * k * k, height: k, width: k, step: 1, off: 0, lim: k,
    fStride: pad4(cout) * pad4(cin), mulA: pad4(cin), mulB: 1, specBase: 0,
  };
  tileSpectra(op, w.engine, T, w.binding(op), g, spectrum.binding(op));
  return spectrum;
}

interface Images {
  /** Binding over the sub-batch and the elements before its first image. */
  window: { binding: BufferBinding; skew: number };
  count: number;
  channels: number;
  height: number;
  width: number;
}

/** Geometry of the tiles of a sub-batch of NCHW images, plane q = channel · tiles + tile. */
function imageTiles(im: Images, tiles: [number, number], S: number, off: number, lim: number): Omit<TileGeometry, 'fStride' | 'mulA' | 'mulB' | 'specBase'> {
  const b = im.count * tiles[0] * tiles[1];
  return {
    planes: im.channels * b, b, tilesY: tiles[0], tilesX: tiles[1], base: im.window.skew,
    strideN: im.channels * im.height * im.width, strideA: im.height * im.width, height: im.height, width: im.width, step: S, off, lim,
  };
}

/** Layout [f][channel][tile] (tiles padded to 4; channels padded to 4 when `padRows`). */
function channelMajor(channels: number, tiles: number, padRows: boolean) {
  const rows = padRows ? pad4(channels) : channels;
  return { fStride: rows * pad4(tiles), mulA: pad4(tiles), mulB: 1, specBase: 0, floats: (T: number) => spectrumBins(T) * rows * pad4(tiles) * 2 };
}

function sizes(s: FftConvShape, T: number, kind: 'forward' | 'dX' | 'dW') {
  const [ty, tx] = tilesPerImage(s, T, kind);
  // Tiles per image, plus room for the padding of a sub-batch's tile count to 4.
  const tilesPerImg = ty * tx + 3;
  const bins = spectrumBins(T) * 2;
  return { tiles: [ty, tx] as [number, number], perImage: [bins * pad4(s.cin) * tilesPerImg, bins * pad4(s.cout) * tilesPerImg] };
}

function images(op: string, t: Tensor, n0: number, count: number): Images {
  const [, c, h, w] = t.shape as [number, number, number, number];
  return { window: imageWindow(op, t, n0, count, c * h * w), count, channels: c, height: h, width: w };
}

function checkShape(op: string, s: FftConvShape, T: FftSize, limit: number): void {
  if (!fftApplicable(s, T, limit)) {
    throw new EngineError(op, `FFT tile ${T} cannot run a ${s.k}×${s.k} kernel of ${s.cin}→${s.cout} channels (tile smaller than about twice the kernel, or kernel spectra of ${(weightSpectrumBytes(s, T) / 2 ** 20).toFixed(1)} MiB over the binding limit)`);
  }
}

export interface FftRun {
  tile: FftSize;
  relu: boolean;
  maxBindingBytes: number;
}

/** y = conv(x, w) + b (stride 1), optionally ReLU, through T×T tile spectra. */
export function fftConvForward(x: Tensor, w: Tensor, b: Tensor | null, padding: number, y: Tensor, r: FftRun): void {
  const op = 'conv2d';
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, , k] = w.shape as [number, number, number];
  const [, , ho, wo] = y.shape as [number, number, number, number];
  const s: FftConvShape = { n, cin, h, w: wd, cout, k, padding };
  const T = r.tile;
  checkShape(op, s, T, r.maxBindingBytes);
  const S = tileStep(T, k);
  const { tiles, perImage } = sizes(s, T, 'forward');
  const ws = weightSpectra(op, w, T);
  for (const [n0, count] of subBatches(op, n, [cin * h * wd, cout * ho * wo, ...perImage], r.maxBindingBytes)) {
    const xi = images(op, x, n0, count);
    const yi = images(op, y, n0, count);
    const P = count * tiles[0] * tiles[1];
    const xLayout = channelMajor(cin, P, false);
    const yLayout = channelMajor(cout, P, true);
    const xs = Tensor.empty(x.engine, [xLayout.floats(T)], `${op} input spectra`);
    const ys = Tensor.empty(x.engine, [yLayout.floats(T)], `${op} output spectra`);
    tileSpectra(op, x.engine, T, xi.window.binding, { ...imageTiles(xi, tiles, S, padding, T), ...xLayout }, xs.binding(op));
    spectralMatmul(op, x.engine, {
      bins: spectrumBins(T), m: cout, n: pad4(P), k: cin, aLayout: 'k', aBin: pad4(cout) * pad4(cin), aStride: pad4(cin),
      bBin: xLayout.fStride, bRow: pad4(P), cBin: yLayout.fStride, cRow: pad4(P), conjugateA: true, accumulate: false,
    }, ws.binding(op), xs.binding(op), ys.binding(op));
    xs.dispose();
    const flags = (b ? TILE_FLAG.bias : 0) | (r.relu ? TILE_FLAG.relu : 0);
    tilesFromSpectra(op, x.engine, T, ys.binding(op), { ...imageTiles(yi, tiles, S, 0, S), ...yLayout, flags }, yi.window.binding, b?.binding(op) ?? null);
    ys.dispose();
  }
  ws.dispose();
}

/** dX of a stride-1 convolution through tile spectra: dY convolved (not correlated) with w, summed over output channels. */
export function fftConvInputGrad(dy: Tensor, w: Tensor, padding: number, dx: Tensor, r: FftRun): void {
  const op = 'conv2dInputGrad';
  const [n, cin, h, wd] = dx.shape as [number, number, number, number];
  const [cout, , k] = w.shape as [number, number, number];
  const [, , ho, wo] = dy.shape as [number, number, number, number];
  const s: FftConvShape = { n, cin, h, w: wd, cout, k, padding };
  const T = r.tile;
  checkShape(op, s, T, r.maxBindingBytes);
  const S = tileStep(T, k);
  const { tiles, perImage } = sizes(s, T, 'dX');
  const ws = weightSpectra(op, w, T);
  for (const [n0, count] of subBatches(op, n, [cin * h * wd, cout * ho * wo, ...perImage], r.maxBindingBytes)) {
    const dyi = images(op, dy, n0, count);
    const dxi = images(op, dx, n0, count);
    const P = count * tiles[0] * tiles[1];
    const dyLayout = channelMajor(cout, P, false);
    const dxLayout = channelMajor(cin, P, true);
    const dys = Tensor.empty(dy.engine, [dyLayout.floats(T)], `${op} dY spectra`);
    const dxs = Tensor.empty(dy.engine, [dxLayout.floats(T)], `${op} dX spectra`);
    tileSpectra(op, dy.engine, T, dyi.window.binding, { ...imageTiles(dyi, tiles, S, k - 1 - padding, T), ...dyLayout }, dys.binding(op));
    spectralMatmul(op, dy.engine, {
      bins: spectrumBins(T), m: cin, n: pad4(P), k: cout, aLayout: 'm', aBin: pad4(cout) * pad4(cin), aStride: pad4(cin),
      bBin: dyLayout.fStride, bRow: pad4(P), cBin: dxLayout.fStride, cRow: pad4(P), conjugateA: false, accumulate: false,
    }, ws.binding(op), dys.binding(op), dxs.binding(op));
    dys.dispose();
    tilesFromSpectra(op, dy.engine, T, dxs.binding(op), { ...imageTiles(dxi, tiles, S, k - 1, S), ...dxLayout }, dxi.window.binding, null);
    dxs.dispose();
  }
  ws.dispose();
}

/** dW of a stride-1 convolution through tile spectra, summed over the batch in the frequency domain. */
export function fftConvWeightGrad(x: Tensor, dy: Tensor, padding: number, dw: Tensor, r: FftRun): void {
  const op = 'conv2dWeightGrad';
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, , k] = dw.shape as [number, number, number];
  const [, , ho, wo] = dy.shape as [number, number, number, number];
  const s: FftConvShape = { n, cin, h, w: wd, cout, k, padding };
  const T = r.tile;
  checkShape(op, s, T, r.maxBindingBytes);
  const S = tileStep(T, k);
  const { tiles, perImage } = sizes(s, T, 'dW');
  const dws = Tensor.empty(x.engine, [spectrumBins(T) * pad4(cout) * pad4(cin) * 2], `${op} spectra`);
  subBatches(op, n, [cin * h * wd, cout * ho * wo, ...perImage], r.maxBindingBytes).forEach(([n0, count], chunk) => {
    const xi = images(op, x, n0, count);
    const dyi = images(op, dy, n0, count);
    const P = count * tiles[0] * tiles[1];
    const dyLayout = channelMajor(cout, P, true);
    // x spectra tile-major, [f][p][ci]: B of the product, summed over p.
    const xLayout = { fStride: P * pad4(cin), mulA: 1, mulB: pad4(cin), specBase: 0 };
    const dys = Tensor.empty(x.engine, [dyLayout.floats(T)], `${op} dY spectra`);
    const xs = Tensor.empty(x.engine, [spectrumBins(T) * P * pad4(cin) * 2], `${op} input spectra`);
    tileSpectra(op, x.engine, T, dyi.window.binding, { ...imageTiles(dyi, tiles, S, 0, S), ...dyLayout }, dys.binding(op));
    tileSpectra(op, x.engine, T, xi.window.binding, { ...imageTiles(xi, tiles, S, padding, T), ...xLayout }, xs.binding(op));
    spectralMatmul(op, x.engine, {
      bins: spectrumBins(T), m: cout, n: pad4(cin), k: P, aLayout: 'k', aBin: dyLayout.fStride, aStride: pad4(P),
      bBin: xLayout.fStride, bRow: pad4(cin), cBin: pad4(cout) * pad4(cin), cRow: pad4(cin), conjugateA: true, accumulate: chunk > 0,
    }, dys.binding(op), xs.binding(op), dws.binding(op));
    dys.dispose();
    xs.dispose();
  });
  const g: TileGeometry = {
    planes: cout * cin, b: cin, tilesY: 1, tilesX: 1, base: 0, strideN: k * k, strideA: cin * k * k, height: k, width: k, step: k, off: 0, lim: k,
    fStride: pad4(cout) * pad4(cin), mulA: pad4(cin), mulB: 1, specBase: 0,
  };
  tilesFromSpectra(op, x.engine, T, dws.binding(op), g, dw.binding(op), null);
  dws.dispose();
}

/** Multiply-adds of one call's channel mixing (complex, 4 real each) and its transforms, for the cost model. */
export function fftWork(s: FftConvShape, T: number, kind: 'forward' | 'dX' | 'dW'): { macs: number; fftFlops: number; bytes: number } {
  const [ty, tx] = tilesPerImage(s, T, kind);
  const P = s.n * ty * tx;
  const bins = spectrumBins(T);
  const macs = 4 * bins * s.cin * s.cout * P;
  // Two radix-2 passes of T·log2 T butterflies per plane (10 flops each, half of them for real input).
  const perPlane = 2 * (T / 2 + 1) * T * Math.log2(T) * 5;
  const planes = s.cout * s.cin + (s.cin + s.cout) * P;
  const bytes = 8 * bins * (4 * s.cout * s.cin + 3 * (s.cin + s.cout) * P);
  return { macs, fftFlops: perPlane * planes, bytes };
}
