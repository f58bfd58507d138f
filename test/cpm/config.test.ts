import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CONFIGS, getConfig, multiplyAdds, parameterCount, receptiveFields, validateConfig } from '../../src/cpm/config.js';

test('paper: 31 219 866 parameters, 175.4 G multiply-adds, receptive fields ≈160 / ≈400 px (computed 167 / 407)', () => {
  const paper = getConfig('paper');
  assert.is(parameterCount(paper), 31_219_866);
  assert.is(Math.round(multiplyAdds(paper).total / 1e8) / 10, 175.4);
  assert.is(Math.round(multiplyAdds(paper).blocks.stage2! / 1e7) / 100, 10.22);
  const rf = receptiveFields(paper);
  assert.equal(rf, [167, 407, 647, 887, 1127, 1367]);
});

test('flic has 4 stages and 9 joints (10 outputs): parameters follow from the same blocks', () => {
  const flic = getConfig('flic');
  assert.is(flic.stages, 4);
  // Paper minus two stages (2 × 4 829 615); 5 fewer output maps in stage1.conv7 (5 × 513) and in each
  // remaining mconv5 (3 × 5 × 129); 5 fewer belief channels into each remaining mconv1 (3 × 5 × 128 × 121).
  const expected = 31_219_866 - 2 * 4_829_615 - 5 * 513 - 3 * 5 * 129 - 3 * 5 * 128 * 121;
  assert.is(parameterCount(flic), expected);
});

test('cpm-small is the network of the CPU calibration (docs/training.md#cpu-calibration): 480 989 parameters, 436.3 M MACs, RF 107/251/395', () => {
  const c = getConfig('cpm-small');
  assert.is(parameterCount(c), 480_989);
  assert.is(Math.round(multiplyAdds(c).total / 1e5) / 10, 436.3);
  assert.equal(receptiveFields(c), [107, 251, 395]);
});

test('configurations are validated, and errors name the field', () => {
  for (const c of Object.values(CONFIGS)) validateConfig(c);
  assert.throws(() => validateConfig({ ...CONFIGS.tiny!, inputSize: 30 }), /inputSize must be a multiple of 8/);
  assert.throws(() => validateConfig({ ...CONFIGS.tiny!, stageKernel: 4 }), /stageKernel must be odd/);
  assert.throws(() => validateConfig({ ...CONFIGS.tiny!, stages: 0 }), /stages must be a positive integer/);
  assert.throws(() => validateConfig({ ...CONFIGS.tiny!, dropout: 1 }), /dropout must be in \[0, 1\)/);
  assert.throws(() => getConfig('huge'), /unknown CPM configuration "huge"/);
});

test.run();
