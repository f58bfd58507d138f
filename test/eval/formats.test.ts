import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  CPM_JOINT_NAMES,
  FormatError,
  LSP_JOINT_NAMES,
  buildPredictionsJson,
  matchPredictions,
  parseGroundTruth,
  parsePredictions,
  truthFromJointArray,
  type PosePrediction,
} from '../../src/eval/index.js';
import { readPredictionsFile } from '../../src/eval/files.js';

const pose = CPM_JOINT_NAMES.map((_, j) => [10 + j, 20 + 2 * j] as const);

function throwsFormat(fn: () => unknown, ...parts: string[]): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, FormatError);
    for (const p of parts) assert.ok((e as Error).message.includes(p), `"${(e as Error).message}" should mention "${p}"`);
    return;
  }
  assert.unreachable('expected a FormatError');
}

test('wrong joint count or names: a clear error naming the file and the problem', () => {
  mkdirSync('out/test/eval', { recursive: true });
  const bad13 = { format: 'cpm-predictions', joint_names: CPM_JOINT_NAMES.slice(0, 13), coordinate_base: 0, predictions: [] };
  writeFileSync('out/test/eval/bad13.json', JSON.stringify(bad13));
  throwsFormat(() => readPredictionsFile('out/test/eval/bad13.json'), 'out/test/eval/bad13.json', 'expected 14 joint names, got 13');
  const badName = { ...bad13, joint_names: [...CPM_JOINT_NAMES.slice(0, 13), 'Left toe'] };
  throwsFormat(() => parsePredictions(badName, 'mine.json'), 'mine.json', 'unknown joint name "Left toe"');
  const dup = { ...bad13, joint_names: [...CPM_JOINT_NAMES.slice(0, 13), 'Neck'] };
  throwsFormat(() => parsePredictions(dup, 'mine.json'), 'appears twice');
  const shortPose = { ...bad13, joint_names: [...CPM_JOINT_NAMES], predictions: [{ file: 'a.jpg', joints: pose.slice(0, 12) }] };
  throwsFormat(() => parsePredictions(shortPose, 'mine.json'), 'mine.json', 'a.jpg', 'expected 14 joints, got 12');
  const noBase = { joint_names: [...CPM_JOINT_NAMES], predictions: [] };
  throwsFormat(() => parsePredictions(noBase, 'mine.json'), 'coordinate_base');
});

test('own format round trip, and 1-based LSP-order files land in CPM order, 0-based', () => {
  const preds: PosePrediction[] = [{ file: 'a.jpg', joints: pose, stages: [pose, pose] }];
  const [set] = parsePredictions(buildPredictionsJson(preds, 'toy', 1), 'toy.json');
  assert.equal(
    set!.predictions[0]!.joints,
    pose.map(([x, y]) => [x, y]),
  );
  assert.is(set!.predictions[0]!.stages!.length, 2);
  // The same pose written in LSP order and 1-based.
  const lspRows = LSP_JOINT_NAMES.map((n) => {
    const j = CPM_JOINT_NAMES.indexOf(n);
    return [pose[j]![0] + 1, pose[j]![1] + 1];
  });
  const [lsp] = parsePredictions({ joint_names: [...LSP_JOINT_NAMES], coordinate_base: 1, predictions: [{ file: 'a.jpg', joints: lspRows }] }, 'l.json');
  assert.equal(lsp!.predictions[0]!.joints, set!.predictions[0]!.joints);
});

test('ground truth: visibility convention read from the flag text; unmatched prediction file is an error', () => {
  const rows = LSP_JOINT_NAMES.map((_, i) => [i + 1, i + 1, i === 0 ? 1 : 0]);
  const lsp = parseGroundTruth(
    { joint_names: [...LSP_JOINT_NAMES], visibility_flag: '0 = visible, 1 = occluded', images: [{ file: 'a.jpg', joints: rows }] },
    'gt',
  );
  const rAnkle = CPM_JOINT_NAMES.indexOf('Right ankle');
  assert.is(lsp[0]!.visible![rAnkle], false);
  assert.is(lsp[0]!.visible![0], true);
  assert.equal(lsp[0]!.joints[rAnkle], [0, 0]);
  const lspet = parseGroundTruth(
    { joint_names: [...LSP_JOINT_NAMES], visibility_flag: '1 = visible/annotated', images: [{ file: 'a.jpg', joints: rows }] },
    'gt',
  );
  assert.is(lspet[0]!.visible![rAnkle], true);
  throwsFormat(() => matchPredictions([{ file: 'zzz.jpg', joints: pose }], lsp, 'p.json'), 'p.json', 'zzz.jpg');
});

test('data-module joint arrays (P×3, flag 1 = annotated) become scoring persons', () => {
  const arr = new Float32Array(14 * 3);
  for (let j = 0; j < 14; j++) {
    arr[j * 3] = j;
    arr[j * 3 + 1] = 2 * j;
    arr[j * 3 + 2] = j === 5 ? 0 : 1;
  }
  const t = truthFromJointArray('a', arr);
  assert.equal(t.joints[3], [3, 6]);
  assert.is(t.visible![5], false);
  assert.is(t.visible![6], true);
});

test.run();
