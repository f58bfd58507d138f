import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { J, pckh, headSizeNormalizer, type PersonTruth, type Point } from '../../src/eval/index.js';

// A person with every joint at (100, 100 + 10·j), head top at (100, 0), neck at (100, 30): head segment 30 px.
const joints: Point[] = Array.from({ length: 14 }, (_, j) => [100, 100 + 10 * j]);
joints[J.headTop] = [100, 0];
joints[J.neck] = [100, 30];

test('head size: 0.6 × head-box diagonal (MPII), or the head segment when there is no box', () => {
  const boxed: PersonTruth = { file: 'a', joints, headBox: [10, 20, 40, 60] }; // diagonal 50
  assert.is(headSizeNormalizer()(boxed), 30);
  assert.is(headSizeNormalizer()({ file: 'b', joints }), 30);
  assert.is(headSizeNormalizer(0.5)({ file: 'b', joints }), 15);
});

test('PCKh@0.5 on a hand-made case: threshold 15 px; 10 px and exactly 15 px hit, 15.5 px misses', () => {
  const truth: PersonTruth = { file: 'a', joints, headBox: [10, 20, 40, 60] };
  const pred = joints.map(([x, y]): Point => [x, y]);
  pred[J.rWrist] = [joints[J.rWrist]![0] + 10, joints[J.rWrist]![1]]; // hit
  pred[J.lWrist] = [joints[J.lWrist]![0], joints[J.lWrist]![1] + 15]; // on the threshold: hit
  pred[J.rAnkle] = [joints[J.rAnkle]![0] + 15.5, joints[J.rAnkle]![1]]; // miss
  pred[J.lAnkle] = [joints[J.lAnkle]![0] + 9, joints[J.lAnkle]![1] + 12]; // 15 px: hit
  const t = pckh([pred], [truth], { alpha: 0.5 });
  assert.is(t.total, (100 * 13) / 14);
  assert.is(t.perJoint[J.rAnkle], 0);
  assert.is(t.perJoint[J.lWrist], 100);
});

test('PCKh counts only visible joints by default and skips persons without a head size', () => {
  const visible = joints.map((_, j) => j !== J.rAnkle);
  const pred = joints.map(([x, y]): Point => [x, y]);
  pred[J.rAnkle] = [1000, 1000];
  const t = pckh([pred], [{ file: 'a', joints, visible }]);
  assert.is(t.total, 100);
  assert.is(t.counted[J.rAnkle], 0);
  const noHead = joints.map((_, j) => j !== J.neck);
  const t2 = pckh(
    [pred, pred],
    [
      { file: 'a', joints, visible },
      { file: 'b', joints, visible: noHead },
    ],
  );
  assert.is(t2.persons, 1);
});

test.run();
