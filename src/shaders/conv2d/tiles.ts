// Register-tile variants of the conv2d kernels. On Mesa 25's lavapipe every load inside a loop
// becomes a per-lane scalar gather (uniform or not; a vec4 load costs about 4× one float's overhead
// less), while an 8-lane FMA is a couple of instructions: speed is FMAs per vec4 loaded, bounded by
// how many accumulators a lane can keep. The variants trade those; `conv2dVariants` lists them for
// tests and autotuning.

export interface ForwardTile {
  /** Output channels per lane (multiple of 4: weights load as vec4 over 4 channels). */
  oc: number;
  /** Output pixels of one row per lane, at most (multiple of 4: input loads as aligned vec4). */
  px: number;
  /** Load each weight once per 8 lanes and share it by subgroupBroadcast (needs the subgroups feature). */
  subgroups?: boolean;
}

export interface WeightGradTile {
  /** Output channels (of the forward conv) per lane. */
  co: number;
  /** Accumulators per lane to aim for: (ci, ky) rows per lane = max(1, floor(acc / (co·kw))). */
  acc: number;
  /** Output pixels per step along a row (multiple of 4). */
  q: number;
  /** Load each dY vec4 once per 8 lanes and share it by subgroupBroadcast (needs the subgroups feature). */
  subgroups?: boolean;
}

export interface Conv2dVariant {
  /** Forward and input-gradient kernels (the input gradient is a forward conv of dY). */
  forward: ForwardTile;
  weightGrad: WeightGradTile;
}

export const CONV2D_VARIANTS = {
  /** Small tiles: least register pressure, most loads per FMA. */
  small: { forward: { oc: 4, px: 8 }, weightGrad: { co: 4, acc: 56, q: 8 } },
  /** The default: measured fastest on lavapipe (see bench/conv2d.ts). */
  medium: { forward: { oc: 8, px: 16 }, weightGrad: { co: 8, acc: 112, q: 8 } },
  /** Whole rows of 4 channels per lane, more accumulators in dW. */
  wide: { forward: { oc: 4, px: 48 }, weightGrad: { co: 8, acc: 176, q: 12 } },
  /** Weights loaded once per 8 lanes and shared by subgroupBroadcast, so a lane can afford 16 channels. */
  shared16: { forward: { oc: 16, px: 8, subgroups: true }, weightGrad: { co: 16, acc: 112, q: 8, subgroups: true } },
  shared8: { forward: { oc: 8, px: 16, subgroups: true }, weightGrad: { co: 8, acc: 112, q: 8, subgroups: true } },
} satisfies Record<string, Conv2dVariant>;

export type Conv2dVariantName = keyof typeof CONV2D_VARIANTS;
export const DEFAULT_CONV2D_VARIANT: Conv2dVariantName = 'medium';
export const conv2dVariants = Object.keys(CONV2D_VARIANTS) as Conv2dVariantName[];

export const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

/** Pixels per lane for a row of `wo`: at most `maxPx`, a multiple of 4, segments as even as possible. */
export function segmentPixels(wo: number, maxPx: number): number {
  return roundUp(Math.ceil(wo / Math.ceil(wo / maxPx)), 4);
}

/** (ci, ky) rows per lane of the weight gradient. */
export function weightGradRows(t: WeightGradTile, kw: number, rows: number): number {
  return Math.max(1, Math.min(rows, Math.floor(t.acc / (t.co * kw))));
}
