import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { readMat, lspFromMat, DataError } from '../../src/data/index.js';
import { LSP_DIR, LSPET_DIR, writeMat, throwsWith } from './helpers.js';

const inflate = (b: Uint8Array): Uint8Array => inflateSync(b);
const readShared = (p: string): Map<string, ReturnType<typeof readMat> extends Map<string, infer V> ? V : never> => readMat(readFileSync(p), p, inflate);

interface SchemaDoc {
  images: { file: string; joints: number[][] }[];
}

test('LSP joints.mat (3×14×2000, compressed double) equals joints.json exactly', () => {
  const m = readShared(join(LSP_DIR, 'joints.mat'));
  const j = m.get('joints')!;
  assert.equal(j.class, 'double');
  assert.equal(j.dims, [3, 14, 2000]);
  assert.ok(m.has('oc_joints'));
  const doc = JSON.parse(readFileSync(join(LSP_DIR, 'joints.json'), 'utf8')) as SchemaDoc;
  assert.is(doc.images.length, 2000);
  let checked = 0;
  doc.images.forEach((im, n) => {
    im.joints.forEach((row, k) => {
      row.forEach((v, c) => {
        if (j.data[c + 3 * (k + 14 * n)] !== v) throw new Error(`${im.file} joint ${k} coord ${c}: mat ${j.data[c + 3 * (k + 14 * n)]} json ${v}`);
        checked++;
      });
    });
  });
  assert.is(checked, 2000 * 14 * 3);
});

test('LSPet joints.mat (14×3×10000) equals joints.json exactly for its 3000 entries', () => {
  const j = readShared(join(LSPET_DIR, 'joints.mat')).get('joints')!;
  assert.equal(j.dims, [14, 3, 10000]);
  const doc = JSON.parse(readFileSync(join(LSPET_DIR, 'joints.json'), 'utf8')) as SchemaDoc;
  assert.is(doc.images.length, 3000);
  doc.images.forEach((im, n) => {
    assert.is(im.file, `im${String(n + 1).padStart(5, '0')}.jpg`);
    im.joints.forEach((row, k) => {
      row.forEach((v, c) => {
        const got = j.data[k + 14 * (c + 3 * n)];
        if (got !== v) throw new Error(`${im.file} joint ${k} coord ${c}: mat ${got} json ${v}`);
      });
    });
  });
});

test('a double array stored as uint8 (CPM predictions) reads as its numbers', () => {
  const p = join(LSP_DIR, 'cpm_reference/LSP_prediction_model_LSP_6s.mat');
  const a = readShared(p).get('prediction_all')!;
  assert.equal(a.dims, [14, 2, 1000]);
  const doc = JSON.parse(readFileSync(join(LSP_DIR, 'cpm_reference/predictions.json'), 'utf8')) as { models: Record<string, { predictions: number[][][] }> };
  const pred = doc.models.LSP_6s!.predictions;
  for (let n = 0; n < 1000; n++)
    for (let k = 0; k < 14; k++)
      for (let c = 0; c < 2; c++) {
        if (a.data[k + 14 * (c + 2 * n)] !== pred[n]![k]![c]) throw new Error(`prediction ${n} joint ${k} differs`);
      }
});

test('LSP and LSPet layouts are told apart by shape and mapped to CPM order, 0-based', () => {
  const lsp = lspFromMat(readShared(join(LSP_DIR, 'joints.mat')), 'lsp.mat');
  assert.is(lsp.format, 'lsp');
  assert.is(lsp.records.length, 2000);
  assert.is(lsp.records[0]!.file, 'im0001.jpg');
  const head = lsp.records[0]!.persons[0]!.joints;
  // CPM joint 0 (head) is LSP joint 13 (head top); LSP stores 1-based pixels.
  const doc = JSON.parse(readFileSync(join(LSP_DIR, 'joints.json'), 'utf8')) as SchemaDoc;
  assert.ok(Math.abs(head[0]! - (doc.images[0]!.joints[13]![0]! - 1)) < 1e-4);
  assert.ok(Math.abs(head[1]! - (doc.images[0]!.joints[13]![1]! - 1)) < 1e-4);
  const lspet = lspFromMat(readShared(join(LSPET_DIR, 'joints.mat')), 'lspet.mat');
  assert.is(lspet.format, 'lspet');
  assert.is(lspet.records[0]!.file, 'im00001.jpg');
  // im00001's right ankle (LSP joint 0 → CPM 10) has v = 0: no annotation.
  assert.is(lspet.records[0]!.persons[0]!.joints[10 * 3 + 2], 0);
  assert.is(lspet.records[0]!.persons[0]!.joints[0 * 3 + 2], 1);
});

test('bad MAT files give errors naming the file and the problem', async () => {
  const good = readFileSync(join(LSP_DIR, 'joints.mat'));
  await throwsWith(() => readMat(good.subarray(0, 5000), 'cut.mat', inflate), 'cut.mat', 'truncated');
  await throwsWith(() => readMat(good.subarray(0, 100), 'tiny.mat', inflate), 'tiny.mat', 'not a MAT v5 file');
  await throwsWith(() => readMat(new TextEncoder().encode('x'.repeat(200)), 'text.mat', inflate), 'text.mat', 'MATLAB 5.0');
  const corrupt = new Uint8Array(good);
  corrupt.fill(7, 200, 400);
  await throwsWith(() => readMat(corrupt, 'corrupt.mat', inflate), 'corrupt.mat', 'compressed');
  const wrongShape = readMat(writeMat('joints', [2, 14, 3], new Array(84).fill(1)), 'shape.mat', inflate);
  await throwsWith(() => lspFromMat(wrongShape, 'shape.mat'), 'shape.mat', '2×14×3', 'expected 3×14×N');
  const chars = readMat(writeMat('joints', [1, 5], [104, 101, 108, 108, 111], 4), 'char.mat', inflate);
  await throwsWith(() => lspFromMat(chars, 'char.mat'), 'char.mat', 'no numeric variable "joints"');
  const nan = readMat(
    writeMat(
      'joints',
      [3, 14, 1],
      Array.from({ length: 42 }, (_, i) => (i === 4 ? Number.NaN : 5)),
    ),
    'nan.mat',
    inflate,
  );
  const e = await throwsWith(() => lspFromMat(nan, 'nan.mat'), 'nan.mat', 'im0001.jpg', 'non-finite');
  assert.ok(e instanceof DataError);
  const skipped = lspFromMat(nan, 'nan.mat', true);
  assert.is(skipped.records.length, 0);
  assert.is(skipped.dropped.length, 1);
  assert.is(skipped.dropped[0]!.source, 'im0001.jpg');
});

test.run();
