// The one comparison of computed numbers against expected ones, for every test.
import * as assert from 'uvu/assert';

export interface CloseOptions {
  /** What `rel` is relative to: the largest |want| ('range', for sums whose error follows the whole map) or max(1, |want[i]|) ('element'). */
  per?: 'range' | 'element';
  /** The smallest range used (so an all-tiny reference is not compared at ~0 tolerance). */
  minRange?: number;
}

/** Every element of `got` within `rel` of `want` (NaN never is); the failure names the worst element. */
export function assertAllClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rel = 2e-5, opts: CloseOptions = {}): void {
  assert.is(got.length, want.length, `${what}: length`);
  let range = opts.minRange ?? 1e-6;
  for (let i = 0; i < want.length; i++) range = Math.max(range, Math.abs(want[i]!));
  const scaleOf = (i: number) => (opts.per === 'element' ? Math.max(1, Math.abs(want[i]!)) : range);
  let worst = -1;
  let worstRatio = 1;
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i]! - want[i]!);
    const allowed = rel * scaleOf(i);
    if (diff <= allowed) continue;
    const ratio = allowed > 0 && !Number.isNaN(diff) ? diff / allowed : Infinity;
    if (worst < 0 || ratio > worstRatio) [worst, worstRatio] = [i, ratio];
  }
  if (worst >= 0) assert.unreachable(`${what}: element ${worst} is ${got[worst]}, expected ${want[worst]} (allowed ±${rel * scaleOf(worst)})`);
}
