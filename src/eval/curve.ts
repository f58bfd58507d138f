// PCK as a function of the threshold α: the curve drawn as PNG and written as JSON.
import type { JointErrors } from './errors.js';
import { CPM_JOINT_NAMES } from '../pose/joints.js';
import { pckFromErrors } from './pck.js';

export interface PckCurve {
  readonly metric: string;
  readonly thresholds: readonly number[];
  /** Total PCK (%) at each threshold. */
  readonly total: readonly number[];
  /** Per part (Head…Ankle), PCK (%) at each threshold. */
  readonly parts: Readonly<Record<string, readonly number[]>>;
  /** Per joint (CPM names), PCK (%) at each threshold. */
  readonly joints: Readonly<Record<string, readonly number[]>>;
}

/** Evenly spaced thresholds from 0 to `max` inclusive. */
export function thresholdRange(max = 0.5, steps = 50): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => Math.round((max * i * 1e9) / steps) / 1e9);
}

export function pckCurve(e: JointErrors, thresholds: readonly number[] = thresholdRange(), metric = 'PCK'): PckCurve {
  const tables = thresholds.map((a) => pckFromErrors(e, a));
  const parts: Record<string, number[]> = {};
  for (const p of tables[0]?.parts ?? []) parts[p.name] = tables.map((t) => t.parts.find((q) => q.name === p.name)!.pck);
  const joints: Record<string, number[]> = {};
  CPM_JOINT_NAMES.forEach((n, j) => {
    joints[n] = tables.map((t) => t.perJoint[j]!);
  });
  return { metric, thresholds: [...thresholds], total: tables.map((t) => t.total), parts, joints };
}
