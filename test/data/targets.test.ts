import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { beliefTargets, centerMap, defaultCenterSigma, defaultJointSigma, NUM_CHANNELS, NUM_JOINTS } from '../../src/data/index.js';

function person(points: [number, number, number][]): Float32Array {
  const j = new Float32Array(NUM_JOINTS * 3);
  points.forEach(([x, y, v], k) => {
    j[k * 3] = x;
    j[k * 3 + 1] = y;
    j[k * 3 + 2] = v;
  });
  return j;
}

const S = 368,
  G = 46,
  PLANE = G * G;

test('target shape, peak 1 at a grid point, σ = 7 px, cut-off, background', () => {
  // Joint 0 exactly on grid point (10, 20): pixel 3.5 + 8·g.
  const t = beliefTargets([person([[3.5 + 80, 3.5 + 160, 1]])], S, defaultJointSigma(S));
  assert.is(t.length, NUM_CHANNELS * PLANE);
  assert.is(defaultJointSigma(S), 7);
  assert.is(t[20 * G + 10], 1);
  assert.ok(Math.abs(t[20 * G + 11]! - Math.exp(-64 / 98)) < 1e-6);
  // 2 cells away: exponent 256/98 = 2.6 → kept; 3 cells: 576/98 = 5.9 > 4.6052 → zero.
  assert.ok(t[20 * G + 12]! > 0);
  assert.is(t[20 * G + 13], 0);
  // Background = 1 − max joint.
  assert.is(t[14 * PLANE + 20 * G + 10], 0);
  assert.is(t[14 * PLANE], 1);
  for (let c = 1; c < NUM_JOINTS; c++) for (let i = 0; i < PLANE; i++) if (t[c * PLANE + i] !== 0) throw new Error(`channel ${c} not empty`);
});

test('unannotated or out-of-crop joints give no peak; overlaps add and clip at 1', () => {
  const t = beliefTargets(
    [
      person([
        [100, 100, 0],
        [-5, 50, 1],
        [50, 368.5, 1],
      ]),
    ],
    S,
    7,
  );
  for (let i = 0; i < 3 * PLANE; i++) assert.is(t[i], 0);
  const two = beliefTargets([person([[100, 100, 1]]), person([[103, 100, 1]])], S, 7);
  const one = beliefTargets([person([[100, 100, 1]])], S, 7);
  let max = 0,
    sumTwo = 0,
    sumOne = 0;
  for (let i = 0; i < PLANE; i++) {
    max = Math.max(max, two[i]!);
    sumTwo += two[i]!;
    sumOne += one[i]!;
  }
  assert.ok(max <= 1);
  assert.ok(sumTwo > 1.5 * sumOne, 'second person adds');
});

test('sigma scales with crop size; 128 gives 16×16 maps', () => {
  const s = 128;
  const t = beliefTargets([person([[64, 64, 1]])], s, defaultJointSigma(s));
  assert.is(t.length, NUM_CHANNELS * 16 * 16);
  assert.ok(Math.abs(defaultJointSigma(s) - (7 * 128) / 368) < 1e-9);
  let arg = 0;
  for (let i = 0; i < 256; i++) if (t[i]! > t[arg]!) arg = i;
  assert.is(arg, 8 * 16 + 8); // grid point 8 sits at 67.5, nearest to 64 along with 7 (59.5)
});

test('center map: σ = 21 at 368, peak exactly 1 at the crop centre S/2', () => {
  const c = centerMap(S, defaultCenterSigma(S));
  assert.is(c.length, S * S);
  assert.is(defaultCenterSigma(S), 21);
  assert.is(c[184 * S + 184], 1);
  assert.ok(Math.abs(c[184 * S + 205]! - Math.exp(-0.5)) < 1e-6);
  let max = 0;
  for (const v of c) max = Math.max(max, v);
  assert.is(max, 1);
});

test.run();
