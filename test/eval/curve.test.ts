import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jointErrors, pckCurve, pck, thresholdRange, torsoNormalizer, J, type PersonTruth, type Point } from '../../src/eval/index.js';

// Deterministic pseudo-random persons and noisy predictions.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeSet(n: number): { truths: PersonTruth[]; preds: Point[][] } {
  const r = rng(7);
  const truths: PersonTruth[] = [];
  const preds: Point[][] = [];
  for (let i = 0; i < n; i++) {
    const joints: Point[] = Array.from({ length: 14 }, () => [r() * 100, r() * 200]);
    truths.push({ file: `im${i}`, joints });
    preds.push(joints.map(([x, y]): Point => [x + (r() - 0.5) * 60, y + (r() - 0.5) * 60]));
  }
  return { truths, preds };
}

test('PCK-vs-threshold curve is non-decreasing, starts near 0, and agrees with pck() at 0.2', () => {
  const { truths, preds } = makeSet(200);
  const e = jointErrors(preds, truths, torsoNormalizer('all'), 'all');
  const curve = pckCurve(e, thresholdRange(1, 100));
  assert.is(curve.thresholds.length, 101);
  for (let i = 1; i < curve.total.length; i++) assert.ok(curve.total[i]! >= curve.total[i - 1]!, `step ${i}`);
  for (const series of Object.values(curve.joints)) {
    for (let i = 1; i < series.length; i++) assert.ok(series[i]! >= series[i - 1]!);
  }
  assert.ok(curve.total[0]! < 1);
  assert.ok(curve.total[100]! > curve.total[10]!);
  assert.is(curve.total[20], pck(preds, truths, { alpha: 0.2 }).total);
});

test('visible variant skips persons whose torso joints are not both visible', () => {
  const { truths, preds } = makeSet(10);
  const hidden = truths.map((t, i) => ({ ...t, visible: t.joints.map((_, j) => !(i < 3 && j === J.lShoulder)) }));
  assert.is(pck(preds, hidden, { joints: 'visible' }).persons, 7);
  assert.is(pck(preds, hidden).persons, 10);
});

test.run();
