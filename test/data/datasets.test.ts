import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDataset, preprocessForEval, type SampleMeta } from '../../src/data/index.js';
import { LSP_DIR, LSPET_DIR, encodePng, tempDir, writeFiles } from './helpers.js';

interface SchemaDoc {
  images: { file: string; width: number; height: number; joints: number[][] }[];
}
const lspetDoc = JSON.parse(readFileSync(join(LSPET_DIR, 'joints.json'), 'utf8')) as SchemaDoc;

test('LSPet folder: autodetected from joints.json, splits 1–2500 / 2501–3000, ranges', () => {
  const all = openDataset(LSPET_DIR);
  assert.is(all.length, 3000);
  assert.is(all.spec.kind, 'folder');
  assert.is(openDataset(LSPET_DIR, { split: 'train' }).length, 2500);
  const val = openDataset(LSPET_DIR, { split: 'val' });
  assert.is(val.length, 500);
  assert.is(val.id(0), 'im02501.jpg');
  const r = openDataset(LSPET_DIR, { range: [11, 20] });
  assert.is(r.length, 10);
  assert.is(r.id(0), 'im00011.jpg');
});

test('LSPet sample: decoded image, CPM order, 0-based, centre/scale from the visible joints box', async () => {
  const ds = openDataset(LSPET_DIR, { range: [1, 5] });
  const s = await ds.load(1);
  const want = lspetDoc.images[1]!;
  assert.is(s.id, want.file);
  assert.is(s.image.width, want.width);
  assert.is(s.image.height, want.height);
  const p = s.persons[0]!;
  // CPM 2 = Rsho = LSP 8; CPM 13 = Lank = LSP 5.
  for (const [cpm, lsp] of [
    [2, 8],
    [13, 5],
    [0, 13],
  ] as const) {
    assert.ok(Math.abs(p.joints[cpm * 3]! - (want.joints[lsp]![0]! - 1)) < 1e-4);
    assert.ok(Math.abs(p.joints[cpm * 3 + 1]! - (want.joints[lsp]![1]! - 1)) < 1e-4);
    assert.is(p.joints[cpm * 3 + 2], want.joints[lsp]![2]);
  }
  const vis = want.joints.filter((j) => j[2] === 1);
  const xs = vis.map((j) => j[0]! - 1),
    ys = vis.map((j) => j[1]! - 1);
  assert.ok(Math.abs(p.center[0] - (Math.min(...xs) + Math.max(...xs)) / 2) < 1e-4);
  assert.ok(Math.abs(p.scale - Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 200) < 1e-6);
});

test('LSPet joints.mat (10 000 entries, 3 000 images): count mismatch is an error unless skipBad', () => {
  assert.throws(() => openDataset(LSPET_DIR, { annotations: 'mat' }), /joints\.mat.*10000 annotated images but 3000 image files.*im03001\.jpg/);
  const ds = openDataset(LSPET_DIR, { annotations: 'mat', skipBad: true });
  assert.is(ds.length, 3000);
  assert.is(ds.skipped.length, 7000);
  assert.ok(ds.skipped[0]!.source.endsWith('im03001.jpg'));
  assert.is(ds.skipped[0]!.reason, 'image file is missing');
});

test('LSP folder: unavailable images are reported, test split, image-centre/height rule', async () => {
  const ds = openDataset(LSP_DIR, { split: 'test' });
  assert.is(ds.length, 3);
  assert.is(ds.skipped.length, 1997);
  assert.ok(ds.skipped.every((s) => s.reason.includes('image_available')));
  const s = await ds.load(0);
  assert.is(s.id, 'im1630.jpg');
  assert.equal([s.image.width, s.image.height], [76, 193]);
  assert.equal(s.persons[0]!.center, [37.5, 96]);
  // LSP evaluation rule: image height maps to 0.8·368 px at S = 368.
  const e = preprocessForEval(s, { size: 368 });
  assert.ok(Math.abs(e.meta.scale - (0.8 * 368) / 193) < 1e-9);
  // LSP v = 1 means occluded but located: still annotated.
  assert.ok(Array.from({ length: 14 }, (_, j) => s.persons[0]!.joints[j * 3 + 2]).every((v) => v === 1));
  assert.throws(() => openDataset(LSP_DIR, { split: 'val' }), /lsp has no "val" split/);
});

test('MPII JSON: 16 joints mapped to 14, people in one image grouped for stage-1 targets', async () => {
  const dir = tempDir();
  const joints16 = (dx: number): number[][] => Array.from({ length: 16 }, (_, k) => [21 + dx + k, 41 + 2 * k]);
  const entry = (img: string, dx: number) => ({
    image: img,
    center: [31 + dx, 61],
    scale: 0.4,
    joints: joints16(dx),
    joints_vis: Array.from({ length: 16 }, (_, k) => (k === 6 || k === 0 ? 0 : 1)),
  });
  writeFiles(dir, {
    'annot/train.json': JSON.stringify([entry('a.png', 0), entry('a.png', 40), entry('b.png', 5)]),
    'annot/valid.json': JSON.stringify([entry('b.png', 0)]),
    'images/a.png': encodePng(120, 100),
    'images/b.png': encodePng(80, 90),
  });
  const ds = openDataset(dir, { split: 'train' });
  assert.is(ds.length, 3);
  const s = await ds.load(1);
  assert.is(s.persons.length, 2);
  assert.is(s.main, 1);
  const p = s.persons[1]!;
  // CPM head = MPII 9 (head top), 0-based: 21 + 40 + 9 − 1.
  assert.equal([p.joints[0], p.joints[1], p.joints[2]], [69, 58, 1]);
  // CPM Rank = MPII 0, whose joints_vis is 0.
  assert.is(p.joints[10 * 3 + 2], 0);
  assert.equal(p.center, [70, 60]);
  assert.is(p.scale, 0.4);
  assert.is(openDataset(dir, { split: 'val' }).length, 1);
  const sample = preprocessForEval(s, { size: 128 });
  let all = 0,
    main = 0;
  for (let i = 0; i < 14 * 256; i++) {
    all += sample.targetAll[i]!;
    main += sample.target[i]!;
  }
  assert.ok(all > main * 1.3, 'stage-1 target includes the other person');
  const meta: SampleMeta = sample.meta;
  assert.is(meta.originalJoints[0], 69);
});

test('generated data is the default and needs no files', async () => {
  const ds = openDataset(undefined, { count: 50, imageSize: 96 });
  assert.is(ds.length, 50);
  assert.is(ds.spec.kind, 'generated');
  const s = await ds.load(3);
  assert.is(s.image.width, 96);
  assert.ok(s.persons.length >= 1);
  assert.is(openDataset('generated').length, 100000);
});

test.run();
