// The Fig. 9 diagnostics: histogram binning, layer depths, and the recorded histograms of a tiny
// run, where stage 1's gradients are far smaller with only the last stage supervised.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, type Engine } from '../../src/index.node.js';
import { getConfig, layers, parameterCount } from '../../src/cpm/config.js';
import {
  BINS,
  layerDepth,
  layersAcrossDepth,
  LOG_MIN,
  LOG_MAX,
  magnitudeHistogram,
  renderGradientFigure,
  type GradientRecord,
} from '../../src/cpm/gradients.js';
import { train } from '../../src/cpm/train.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

test('magnitudes fall in their log10 bins; zeros and tiny values in the first, huge in the last', () => {
  const width = (LOG_MAX - LOG_MIN) / BINS;
  const binOf = (v: number) => Math.floor((Math.log10(v) - LOG_MIN) / width);
  const counts = magnitudeHistogram(new Float32Array([0, 1e-20, -3e-4, 3e-4, 2e-2, 5]));
  assert.is(
    counts.reduce((a, b) => a + b, 0),
    6,
  );
  assert.is(counts[0], 2);
  assert.is(counts[binOf(3e-4)], 2);
  assert.is(counts[binOf(2e-2)], 1);
  assert.is(counts[BINS - 1], 1);
});

test('depth along the deepest path: 7 for stage 1, +5 per later stage; the paper has 32 layers on it', () => {
  const specs = layers(getConfig('paper'));
  const depth = (name: string) => layerDepth(specs.find((s) => s.name === name)!);
  assert.is(depth('stage1.conv1'), 1);
  assert.is(depth('stage1.conv7'), 7);
  assert.is(depth('trunk.conv3'), 3);
  assert.is(depth('stage2.features'), 4);
  assert.is(depth('stage2.mconv1'), 8);
  assert.is(depth('stage6.mconv5'), 32);
  assert.equal(layersAcrossDepth(specs, 3), ['stage1.conv1', 'stage3.mconv5', 'stage6.mconv5']);
});

test('a tiny run records every layer at step 1 and every N steps; last-stage-only starves stage 1', async () => {
  const tiny = getConfig('tiny');
  const records: Record<string, GradientRecord[]> = {};
  for (const strategy of ['e2e', 'last-stage'] as const) {
    const out = mkdtempSync(join(tmpdir(), `cpm-grad-${strategy}-`));
    const r = await train(engine, { config: tiny, steps: 4, batchSize: 2, workers: 0, quiet: true, seed: 3, out, strategy, gradientsEvery: 2 });
    records[strategy] = readFileSync(join(out, 'gradients.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as GradientRecord);
    r.model.dispose();
    r.optimizer.dispose();
  }
  const e2e = records.e2e!,
    last = records['last-stage']!;
  assert.equal(
    e2e.map((r) => r.step),
    [1, 2, 4],
  );
  const specs = layers(tiny);
  assert.is(e2e[0]!.layers.length, specs.length);
  const weights = e2e[0]!.layers.reduce((a, l) => a + l.counts.reduce((x, y) => x + y, 0), 0);
  const biases = specs.reduce((a, s) => a + s.cout, 0);
  assert.is(weights, parameterCount(tiny) - biases);
  const mean = (rs: GradientRecord[], layer: string) => rs[0]!.layers.find((l) => l.layer === layer)!.meanAbs;
  // Same initialisation and data: the last stage sees the same gradient at step 1 either way...
  assert.ok(Math.abs(mean(e2e, 'stage2.mconv5') - mean(last, 'stage2.mconv5')) <= 1e-6 * mean(e2e, 'stage2.mconv5'));
  // ...while stage 1, supervised directly, gets gradients at least 10× larger.
  assert.ok(mean(e2e, 'stage1.conv1') > 10 * mean(last, 'stage1.conv1'), `${mean(e2e, 'stage1.conv1')} vs ${mean(last, 'stage1.conv1')}`);
  const fig = renderGradientFigure(
    [
      { name: 'a', records: e2e },
      { name: 'b', records: last },
    ],
    layersAcrossDepth(specs, 3),
  );
  assert.is(fig.width, 8 + 300 * 3);
});

test.run();
