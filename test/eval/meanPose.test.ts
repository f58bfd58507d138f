import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boxOfJoints, fitMeanPose, frameFromBox, pck, predictMeanPose, type Point, type Pose } from '../../src/eval/index.js';

// A toy "pose" template in a unit frame; each training person is the template scaled and moved, plus ±noise.
const template: Point[] = Array.from({ length: 14 }, (_, j) => [((j % 3) - 1) * 0.3, j / 13 - 0.5]);

test('fitted mean pose recovers the template and places it by the test frame', () => {
  const samples = [
    { c: [50, 80], s: 100, n: 0.01 },
    { c: [300, 120], s: 50, n: -0.01 },
    { c: [0, 0], s: 200, n: 0 },
  ].map(({ c, s, n }) => ({
    joints: template.map(([x, y]): Point => [c[0]! + (x + n) * s, c[1]! + (y - n) * s]) as Pose,
    frame: { center: [c[0]!, c[1]!] as Point, scale: s },
  }));
  const mean = fitMeanPose(samples);
  mean.offsets.forEach(([x, y], j) => {
    assert.ok(Math.abs(x - template[j]![0]) < 1e-12 && Math.abs(y - template[j]![1]) < 1e-12, `joint ${j}`);
  });
  const placed = predictMeanPose(mean, { center: [10, 20], scale: 40 });
  assert.ok(Math.abs(placed[13]![1] - (20 + 0.5 * 40)) < 1e-9);
});

test('invisible joints are left out of the mean; box frame uses the longer side', () => {
  const a = template.map(([x, y]): Point => [x * 10, y * 10]);
  const b = a.map(([x, y], j): Point => (j === 4 ? [999, 999] : [x, y]));
  const vis = a.map((_, j) => j !== 4);
  const frame = frameFromBox(boxOfJoints(a)!);
  assert.is(frame.scale, 10);
  const mean = fitMeanPose([
    { joints: a, frame },
    { joints: b, visible: vis, frame },
  ]);
  assert.is(mean.counts[4], 1);
  assert.ok(Math.abs(mean.offsets[4]![0] - (a[4]![0] - frame.center[0]) / 10) < 1e-12);
  // Predicting the exact template on its own frame scores 100 %.
  const pred = predictMeanPose(mean, frame);
  assert.is(pck([pred], [{ file: 'x', joints: a }]).total, 100);
});

test.run();
