import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLoader, openDataset, DataError } from '../../src/data/index.js';
import { encodeJpeg, encodePng, joints, lspetFolder, tempDir, throwsWith, writeFiles, writeMat } from './helpers.js';

const good = (): Record<string, Uint8Array> => ({ 'im00001.jpg': encodeJpeg(80, 90), 'im00002.png': encodePng(70, 90), 'im00003.jpg': encodeJpeg(90, 80) });

test('truncated JPEG and corrupt PNG: load names the file', async () => {
  const imgs = good();
  const jpg = imgs['im00001.jpg']!;
  imgs['im00001.jpg'] = jpg.subarray(0, jpg.length - 100);
  const png = imgs['im00002.png']!;
  imgs['im00002.png'] = png.subarray(0, png.length - 40);
  const ds = openDataset(lspetFolder(imgs));
  await throwsWith(() => ds.load(0), 'im00001.jpg', 'truncated');
  await throwsWith(() => ds.load(1), 'im00002.png', 'PNG');
  const ok = await ds.load(2);
  assert.is(ok.image.width, 90);
});

test('an image in an unknown format names the file', async () => {
  const imgs = good();
  imgs['im00003.jpg'] = new TextEncoder().encode('this is not an image at all');
  const ds = openDataset(lspetFolder(imgs));
  await throwsWith(() => ds.load(2), 'im00003.jpg', 'unknown image format');
});

test('missing image and annotation/image count mismatch', async () => {
  const imgs = good();
  delete imgs['im00002.png'];
  const entries = ['im00001.jpg', 'im00002.png', 'im00003.jpg'].map((file) => ({ file, joints: joints() }));
  const dir = lspetFolder(imgs, entries);
  await throwsWith(() => openDataset(dir), 'joints.json', '3 annotated images but 2 image files', 'im00002.png');
  const skipping = openDataset(dir, { skipBad: true });
  assert.is(skipping.length, 2);
  assert.equal(
    skipping.skipped.map((s) => s.reason),
    ['image file is missing'],
  );
  assert.ok(skipping.skipped[0]!.source.endsWith('im00002.png'));
  const extra = lspetFolder(
    { ...good(), 'im00004.jpg': encodeJpeg(20, 20) },
    Object.keys(good()).map((file) => ({ file, joints: joints() })),
  );
  await throwsWith(() => openDataset(extra), 'joints.json', 'annotates 3 images', '4 image files');
});

test('NaN and infinite coordinates name the image and joint; skipBad drops them', async () => {
  const nanJoints = joints();
  nanJoints[3] = [null as unknown as number, 5, 1];
  const dir = tempDir();
  const doc = (rows: unknown) => ({
    visibility_flag: '1 = visible',
    joint_names: Array.from({ length: 14 }, (_, k) => `j${k}`),
    images: [
      { file: 'im00001.jpg', joints: joints() },
      { file: 'im00002.png', joints: rows },
    ],
  });
  writeFiles(dir, {
    'joints.json': JSON.stringify(doc(nanJoints)),
    'images/im00001.jpg': good()['im00001.jpg']!,
    'images/im00002.png': good()['im00002.png']!,
  });
  await throwsWith(() => openDataset(dir), 'im00002.png', 'joint 3', 'non-finite');
  const ds = openDataset(dir, { skipBad: true });
  assert.is(ds.length, 1);
  assert.is(ds.skipped[0]!.source, 'im00002.png');
  // JSON 1e999 parses to Infinity.
  writeFiles(dir, { 'joints.json': JSON.stringify(doc(joints())).replace('[13,16,1]', '[1e999,16,1]') });
  await throwsWith(() => openDataset(dir), 'im00001.jpg', 'non-finite');
});

test('.mat with an unexpected shape or type', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'joints.mat': writeMat('joints', [4, 14, 2], new Array(112).fill(3)), 'images/im0001.jpg': encodeJpeg(10, 10) });
  await throwsWith(() => openDataset(dir), 'joints.mat', '4×14×2', 'expected 3×14×N');
  writeFiles(dir, { 'joints.mat': writeMat('joints', [1, 3], [65, 66, 67], 4) });
  await throwsWith(() => openDataset(dir), 'joints.mat', 'no numeric variable "joints"');
  writeFiles(dir, { 'joints.mat': new TextEncoder().encode('not a mat file') });
  await throwsWith(() => openDataset(dir), 'joints.mat', 'not a MAT v5 file');
});

test('empty folder, missing path, no annotations, no images, unknown annotation format', async () => {
  const empty = tempDir();
  await throwsWith(() => openDataset(empty), empty, 'empty');
  await throwsWith(() => openDataset(join(empty, 'nope')), 'nope', 'does not exist');
  writeFiles(empty, { 'readme.txt': 'hello' });
  await throwsWith(() => openDataset(empty), 'no annotation file found');
  const noImages = lspetFolder({});
  mkdirSync(join(noImages, 'images'), { recursive: true });
  await throwsWith(() => openDataset(noImages), 'images', 'no image files');
  const odd = tempDir();
  writeFiles(odd, { 'joints.json': JSON.stringify({ hello: 1 }), 'images/a.jpg': encodeJpeg(8, 8) });
  await throwsWith(() => openDataset(odd), 'joints.json', 'unknown annotation format');
  writeFiles(odd, { 'joints.json': '{ broken' });
  await throwsWith(() => openDataset(odd), 'joints.json', 'not valid JSON');
  const e = await throwsWith(() => openDataset(odd, { format: 'mpii' }), 'no annotation file found');
  assert.ok(e instanceof DataError);
});

test('bad options: crop size, batch size, workers', async () => {
  const ds = openDataset(undefined, { count: 8, imageSize: 64 });
  await throwsWith(() => createLoader({ dataset: ds, batchSize: 2, size: 100 }), 'size', 'multiple of 8');
  await throwsWith(() => createLoader({ dataset: ds, batchSize: 0, size: 64 }), 'batchSize');
  await throwsWith(() => createLoader({ dataset: ds, batchSize: 2, size: 64, workers: -1 }), 'workers');
  await throwsWith(() => openDataset(undefined, { count: -3 }), 'count');
});

test('the loader surfaces a bad image with its name, or skips and reports it with skipBad', async () => {
  const imgs = good();
  imgs['im00002.png'] = imgs['im00002.png']!.subarray(0, 50);
  const dir = lspetFolder(imgs);
  const strict = createLoader({ dataset: openDataset(dir), batchSize: 3, size: 64, shuffle: false });
  await throwsWith(async () => {
    for await (const _ of strict) {
      /* drain */
    }
  }, 'im00002.png');
  await strict.close();
  const lenient = createLoader({ dataset: openDataset(dir), batchSize: 3, size: 64, shuffle: false, skipBad: true });
  const batches = [];
  for await (const b of lenient) batches.push(b);
  assert.is(batches.length, 1);
  assert.is(batches[0]!.n, 3);
  assert.equal(
    batches[0]!.meta.map((m) => m.id),
    ['im00001.jpg', 'im00003.jpg', 'im00003.jpg'],
  );
  const skipped = lenient.skipped();
  assert.is(skipped.length, 1);
  assert.ok(skipped[0]!.source.endsWith('im00002.png'));
  await lenient.close();
});

test.run();
