// The CPM authors' released LSP predictions must score exactly the paper's numbers (docs/data-and-evaluation.md#reference-numbers;
// the data and its README are in ../shared/data/lsp/).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import { LSP_JOINT_NAMES, matchPredictions, pck, perJointInOrder } from '../../src/eval/index.js';
import { readGroundTruthFile, readPredictionsFile } from '../../src/eval/files.js';

const shared = resolve(process.cwd(), '../shared');
const truths = readGroundTruthFile(resolve(shared, 'data/lsp/joints.json'));
const sets = readPredictionsFile(resolve(shared, 'data/lsp/cpm_reference/predictions.json'));

// Rows of the table in ../shared/data/lsp/README.md (and docs/data-and-evaluation.md#reference-numbers), LSP joint order.
const expected: Record<string, { total: string; perJoint: number[]; parts?: number[] }> = {
  LSP_6s: { total: '84.32', perJoint: [81.0, 82.6, 86.5, 86.5, 83.7, 81.3, 75.2, 81.8, 87.8, 86.4, 79.0, 75.0, 97.6, 96.1] },
  MPII_LSP_6s: {
    total: '90.50',
    perJoint: [90.2, 90.4, 91.4, 91.6, 91.3, 89.6, 84.1, 88.1, 93.6, 91.4, 86.0, 83.7, 98.2, 97.4],
    // LSP leaderboard row for Wei et al. CVPR'16 (docs/data-and-evaluation.md#reference-numbers): Head … Ankle.
    parts: [97.8, 92.5, 87.0, 83.9, 91.5, 90.8, 89.9],
  },
};

for (const [model, want] of Object.entries(expected)) {
  test(`CPM ${model}: PCK@0.2 total ${want.total} and per-joint rows`, () => {
    const set = sets.find((s) => s.name === model);
    assert.ok(set, `model ${model} in predictions.json`);
    const m = matchPredictions(set.predictions, truths, 'predictions.json');
    assert.is(m.truths.length, 1000);
    const t = pck(m.predictions, m.truths, { alpha: 0.2 });
    assert.is(t.total.toFixed(2), want.total);
    assert.equal(
      perJointInOrder(t, LSP_JOINT_NAMES).map((v) => v.toFixed(1)),
      want.perJoint.map((v) => v.toFixed(1)),
    );
    // Parts are means of two joints; the leaderboard truncates x.x5, so compare within half a unit of its last digit.
    want.parts?.forEach((p, i) => {
      assert.ok(Math.abs(t.parts[i]!.pck - p) <= 0.051, `${t.parts[i]!.name}: ${t.parts[i]!.pck} vs ${p}`);
    });
  });
}

test("a 0/1-base mix-up (predictions 1 px up-left) gives the README's 83.95, not 84.32", () => {
  const set = sets.find((s) => s.name === 'LSP_6s')!;
  const m = matchPredictions(set.predictions, truths, 'predictions.json');
  const shifted = m.predictions.map((p) => p.map(([x, y]) => [x - 1, y - 1] as const));
  assert.is(pck(shifted, m.truths).total.toFixed(2), '83.95');
});

test.run();
