import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLoader, createInProcessLoader, openDataset, NUM_CHANNELS, type Batch, type LoaderOptions } from '../../src/data/index.js';
import { LSPET_DIR } from './helpers.js';

const dataset = openDataset(undefined, { count: 40, imageSize: 80, seed: 2 });

async function collect(o: LoaderOptions, max = Infinity): Promise<Batch[]> {
  const loader = createLoader(o);
  const out: Batch[] = [];
  for await (const b of loader) {
    out.push(b);
    if (out.length >= max) break;
  }
  await loader.close();
  return out;
}

test('batch shapes: N×3×S×S, N×S×S, N×15×G×G (two target sets), N×14×3, metadata', async () => {
  const [b] = await collect({ dataset, batchSize: 4, size: 64, seed: 1 }, 1);
  assert.is(b!.n, 4);
  assert.is(b!.image.length, 4 * 3 * 64 * 64);
  assert.is(b!.center.length, 4 * 64 * 64);
  assert.is(b!.target.length, 4 * NUM_CHANNELS * 8 * 8);
  assert.is(b!.targetAll.length, 4 * NUM_CHANNELS * 8 * 8);
  assert.is(b!.joints.length, 4 * 14 * 3);
  assert.is(b!.meta.length, 4);
  assert.is(b!.meta[0]!.cropToImage.length, 6);
  assert.is(b!.meta[0]!.originalJoints.length, 42);
  assert.is(b!.center[32 * 64 + 32], 1);
});

test('same seed → same batches with 0, 1 or 2 workers; another seed differs', async () => {
  const o: LoaderOptions = { dataset, batchSize: 4, size: 64, seed: 9, epochs: 2 };
  const inproc = await collect({ ...o, workers: 0 }, 12);
  const two = await collect({ ...o, workers: 2, prefetch: 5 }, 12);
  const one = await collect({ ...o, workers: 1 }, 3);
  assert.is(inproc.length, 12);
  inproc.forEach((b, k) => {
    assert.equal(
      b.meta.map((m) => m.index),
      two[k]!.meta.map((m) => m.index),
      `batch ${k} indices`,
    );
    assert.ok(
      b.image.every((v, i) => v === two[k]!.image[i]),
      `batch ${k} images`,
    );
    assert.ok(
      b.target.every((v, i) => v === two[k]!.target[i]),
      `batch ${k} targets`,
    );
  });
  one.forEach((b, k) => {
    assert.ok(b.image.every((v, i) => v === inproc[k]!.image[i]));
  });
  const other = await collect({ ...o, seed: 10 }, 1);
  assert.not.equal(
    other[0]!.meta.map((m) => m.index),
    inproc[0]!.meta.map((m) => m.index),
  );
});

test('an epoch visits every sample once; epochs are shuffled differently', async () => {
  const bs = await collect({ dataset, batchSize: 8, size: 32, seed: 3, epochs: 2 });
  assert.is(bs.length, 10);
  const e0 = bs.slice(0, 5).flatMap((b) => b.meta.map((m) => m.index));
  const e1 = bs.slice(5).flatMap((b) => b.meta.map((m) => m.index));
  assert.equal(
    [...e0].sort((a, b) => a - b),
    Array.from({ length: 40 }, (_, i) => i),
  );
  assert.equal(
    [...e1].sort((a, b) => a - b),
    Array.from({ length: 40 }, (_, i) => i),
  );
  assert.not.equal(e0, e1);
});

test('evaluation order: no shuffle, no augmentation, partial last batch kept', async () => {
  const ds = openDataset(LSPET_DIR, { range: [1, 10] });
  const bs = await collect({ dataset: ds, batchSize: 4, size: 128, augment: false });
  assert.equal(
    bs.map((b) => b.n),
    [4, 4, 2],
  );
  assert.equal(
    bs.flatMap((b) => b.meta.map((m) => m.id)),
    Array.from({ length: 10 }, (_, i) => `im${String(i + 1).padStart(5, '0')}.jpg`),
  );
  assert.ok(bs.every((b) => b.meta.every((m) => m.rotation === 0 && !m.flipped)));
});

test('stats report samples/s; the in-process loader is pure', async () => {
  const loader = createInProcessLoader({ dataset, batchSize: 5, size: 64, seed: 0 });
  let n = 0;
  for await (const b of loader) n += b.n;
  const st = loader.stats();
  assert.is(n, 40);
  assert.is(st.samples, 40);
  assert.is(st.batches, 8);
  assert.ok(st.samplesPerS > 0 && st.capacitySamplesPerS > 0 && st.busyS > 0);
  assert.is(loader.totalBatches, 8);
});

test.run();
