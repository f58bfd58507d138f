// Kernel variants of the direct conv2d: register tiles, and workgroup-memory GEMM tiles for GPUs.
// Register tiles: on Mesa 25's lavapipe every load inside a loop becomes a per-lane scalar gather
// (uniform or not; a vec4 load costs about 4× one float's overhead less), while an 8-lane FMA is a
// couple of instructions: speed is FMAs per vec4 loaded, bounded by how many accumulators a lane can
// keep. The variants trade those. GPUs prefer the opposite (tiles staged through workgroup memory,
// gemm.wgsl.ts). `conv2dVariants` lists them all for tests and autotuning.
import type { GemmTile } from './gemm.wgsl.js';

export interface ForwardTile {
  /** Output channels per lane (multiple of 4: weights load as vec4 over 4 channels). */
  oc: number;
  /** Output pixels of one row per lane, at most (multiple of 4: input loads as aligned vec4). */
  px: number;
  /** Load each weight once per 8 lanes and share it by subgroupShuffle (needs the subgroups feature). */
  subgroups?: boolean;
}

export interface WeightGradTile {
  /** Output channels (of the forward conv) per lane. */
  co: number;
  /** Accumulators per lane to aim for: (ci, ky) rows per lane = max(1, floor(acc / (co·kw))). */
  acc: number;
  /** Output pixels per step along a row (multiple of 4). */
  q: number;
  /** Load each dY vec4 once per 8 lanes and share it by subgroupShuffle (needs the subgroups feature). */
  subgroups?: boolean;
}

/** Register-tile kernels: lavapipe's choice (forward.wgsl.ts, weight-grad.wgsl.ts). */
export interface RegisterVariant {
  /** Forward and input-gradient kernels (the input gradient is a forward conv of dY). */
  forward: ForwardTile;
  weightGrad: WeightGradTile;
}

/** Implicit GEMM through workgroup memory, for GPUs (gemm.wgsl.ts): one tile for forward, dX and dW. */
export interface GemmVariant {
  gemm: GemmTile;
}

export type Conv2dVariant = RegisterVariant | GemmVariant;

export const isGemm = (v: Conv2dVariant): v is GemmVariant => 'gemm' in v;

export const CONV2D_VARIANTS = {
  /** Small tiles: least register pressure and shortest compile, most loads per FMA. */
  small: { forward: { oc: 4, px: 8 }, weightGrad: { co: 4, acc: 56, q: 8 } },
  /** The portable default (no subgroups). */
  medium: { forward: { oc: 8, px: 16 }, weightGrad: { co: 8, acc: 112, q: 8 } },
  /** Weights / dY loaded once per 8 lanes and shared by subgroupShuffle: 8 channels × 16 pixels. */
  shared8: { forward: { oc: 8, px: 16, subgroups: true }, weightGrad: { co: 8, acc: 112, q: 8, subgroups: true } },
  /** As shared8 with 16 channels × 8 pixels per lane; the default where subgroups exist. */
  shared16: { forward: { oc: 16, px: 8, subgroups: true }, weightGrad: { co: 16, acc: 112, q: 8, subgroups: true } },
  /** Twice shared16's channels per lane: fewest loads per FMA, longest compile (8–10 s per 128-channel kernel on lavapipe). */
  shared32: { forward: { oc: 32, px: 8, subgroups: true }, weightGrad: { co: 32, acc: 224, q: 8, subgroups: true } },
  // Workgroup-memory tiles for GPUs: 256 lanes (eight 32-lane subgroups), f32 workgroup memory (bm + bn)·bk·4 bytes (half with f16).
  /** 64×64 outputs per workgroup, 4×4 per lane, k steps of 16: 8 KiB. */
  gemm64: { gemm: { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 } },
  /** 128×128 outputs per workgroup, 8×8 per lane, k steps of 16: 16 KiB; the default on GPUs. */
  gemm128: { gemm: { bm: 128, bn: 128, bk: 16, tm: 8, tn: 8 } },
  /** As gemm128 with k steps of 32 (half the barriers): 32 KiB, lavapipe's whole allowance (GPUs allow 48 KiB or more). */
  gemm128k32: { gemm: { bm: 128, bn: 128, bk: 32, tm: 8, tn: 8 } },
} satisfies Record<string, Conv2dVariant>;

export type Conv2dVariantName = keyof typeof CONV2D_VARIANTS;
export const conv2dVariants = Object.keys(CONV2D_VARIANTS) as Conv2dVariantName[];

/** Whether a variant needs subgroups (of at least 8 lanes). */
export function usesSubgroups(v: Conv2dVariant): boolean {
  return !isGemm(v) && (v.forward.subgroups === true || v.weightGrad.subgroups === true);
}

/** What a device offers a variant: subgroups of ≥ 8 lanes, and whether a GEMM tile fits its workgroup limits. */
export interface VariantSupport {
  hasSubgroups8: boolean;
  gemmFits: (t: GemmTile) => boolean;
}

/** The variants a device can run, and the default among them. */
export function availableVariants(s: VariantSupport): Conv2dVariantName[] {
  return conv2dVariants.filter((n) => {
    const v: Conv2dVariant = CONV2D_VARIANTS[n];
    return isGemm(v) ? s.gemmFits(v.gemm) : s.hasSubgroups8 || !usesSubgroups(v);
  });
}

/** CPU adapters (lavapipe) run the register tiles best; GPUs the largest GEMM tile that fits (gemm128 unless the limits refuse it). */
export function defaultVariant(s: VariantSupport, cpu: boolean): Conv2dVariantName {
  if (!cpu) {
    const gemm = (['gemm128', 'gemm64'] as const).find((n) => s.gemmFits(CONV2D_VARIANTS[n].gemm));
    if (gemm) return gemm;
  }
  return s.hasSubgroups8 ? 'shared16' : 'medium';
}

/** Most pixels per lane that a tile with few output channels widens to. */
const MAX_PX = 16;

/**
 * A tile no larger than the problem needs (small layers would otherwise compute and compile padding);
 * with fewer output channels than the tile has, the accumulators left over take more pixels (fewer loads per FMA).
 */
export function fitForwardTile(t: ForwardTile, cout: number, wo: number): ForwardTile {
  const oc = Math.min(t.oc, roundUp(cout, 4));
  const px = Math.min(Math.max(t.px, MAX_PX), Math.max(t.px, Math.floor((t.oc * t.px) / oc / 4) * 4));
  return { ...t, oc, px: segmentPixels(wo, px) };
}

/** Channels per lane within the accumulator budget: a lane keeps co·kw of them for even one (ci, ky) row (16 × 9 spills). */
export function fitWeightGradTile(t: WeightGradTile, cout: number, wo: number, kw: number): WeightGradTile {
  return { ...t, co: Math.min(t.co, cout, Math.max(1, Math.floor(t.acc / kw))), q: Math.min(t.q, roundUp(wo, 4)) };
}

export const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

/** Pixels per lane for a row of `wo`: at most `maxPx`, a multiple of 4, segments as even as possible. */
export function segmentPixels(wo: number, maxPx: number): number {
  return roundUp(Math.ceil(wo / Math.ceil(wo / maxPx)), 4);
}

/** (ci, ky) rows per lane of the weight gradient: the accumulator budget, but at least 16 lanes' worth of rows (small layers compile faster). */
export function weightGradRows(t: WeightGradTile, kw: number, rows: number): number {
  return Math.max(1, Math.min(Math.ceil(rows / 16), Math.floor(t.acc / (t.co * kw))));
}
