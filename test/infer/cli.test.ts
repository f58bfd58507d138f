// The README's path from a caffemodel to a skeleton picture, through the commands: import-caffe,
// then infer --box on an LSP image with its ground-truth box, and a boxes JSON with two people
// in one picture (random weights: the files and their bookkeeping are checked, not the poses).
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { importCaffeCommand } from '../../src/cli/importCaffe.js';
import { inferCommand } from '../../src/cli/infer.js';
import { getConfig, layers } from '../../src/cpm/config.js';
import { loadCheckpoint } from '../../src/cpm/checkpoint-file.js';
import { rasterFromRgb } from '../../src/data/picture.js';
import { encodePng } from '../../src/viz/png.js';
import { tempDir } from '../data/helpers.js';
import { caffeModelBytes, randomParams } from '../cpm/caffe-helpers.js';
import { boxAround, LSP, lspTruth, twoPeople } from './lsp-helpers.js';

const dir = tempDir();
const ckpt = join(dir, 'cpm.safetensors');

type Entry = { file: string; person?: { index: number; box?: number[] }; joints: number[][]; scores: number[] };
const entries = (out: string): Entry[] => (JSON.parse(readFileSync(join(out, 'predictions.json'), 'utf8')) as { predictions: Entry[] }).predictions;

test('import-caffe writes a checkpoint with our metadata', () => {
  const model = join(dir, 'tiny.caffemodel');
  writeFileSync(model, caffeModelBytes(randomParams(getConfig('tiny'), 5), { layout: 'v1' }));
  importCaffeCommand([model, ckpt, '--input-size', '64']);
  const ck = loadCheckpoint(ckpt);
  assert.equal(ck.config, { ...getConfig('tiny'), inputSize: 64 });
  assert.is(ck.params.size, 2 * layers(getConfig('tiny')).length);
});

test('infer --box on an LSP image with its ground-truth box: one pose with per-joint confidence, and the skeleton picture', async () => {
  const [{ file, joints }] = lspTruth() as [{ file: string; joints: Float32Array }];
  const box = boxAround(joints);
  const out = join(dir, 'box');
  await inferCommand([`${LSP}/images/${file}`, '--checkpoint', ckpt, '--box', box.join(','), '--overlay', '--out', out]);
  const [e, ...rest] = entries(out);
  assert.is(rest.length, 0);
  assert.equal(e!.person, { index: 0, box: [...box] });
  assert.is(e!.joints.length, 14);
  assert.is(e!.scores.length, 14);
  assert.ok(e!.joints.flat().every(Number.isFinite));
  const png = pngjs.PNG.sync.read(readFileSync(join(out, 'im1630-skeleton.png')));
  assert.is(png.width % 76, 0, 'the photo, enlarged');
});

test('infer --boxes: two people in one picture give two poses; images come from beside the JSON', async () => {
  const {
    image: both,
    joints: [ja, jb],
  } = twoPeople();
  writeFileSync(join(dir, 'two.png'), encodePng(rasterFromRgb(both)));
  copyFileSync(`${LSP}/images/im1658.jpg`, join(dir, 'im1658.jpg'));
  writeFileSync(join(dir, 'boxes.json'), JSON.stringify({ 'two.png': [boxAround(ja), boxAround(jb)], 'im1658.jpg': [0, 0, 61, 166] }));
  const out = join(dir, 'boxes');
  await inferCommand(['--boxes', join(dir, 'boxes.json'), '--checkpoint', ckpt, '--overlay', '--out', out]);
  const got = entries(out);
  assert.equal(
    got.map((e) => [e.file, e.person!.index]),
    [
      ['two.png', 0],
      ['two.png', 1],
      ['im1658.jpg', 0],
    ],
  );
  assert.ok(existsSync(join(out, 'two-skeleton.png')));
  let msg = '';
  try {
    await inferCommand([`${LSP}/images/im1640.jpg`, '--boxes', join(dir, 'boxes.json'), '--checkpoint', ckpt, '--out', out]);
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /boxes.json: no boxes for .*im1640.jpg/);
  // A bad placement is refused by name before anything is loaded (the checkpoint here does not exist).
  for (const [args, why] of [
    [['--center', '1,2', '--height', '-3'], /height must be a positive number of pixels, got -3/],
    [['--box', '1,2,0,4'], /w, h > 0, got \[1, 2, 0, 4\]/],
  ] as const) {
    msg = '';
    try {
      await inferCommand([`${LSP}/images/im1640.jpg`, ...args, '--checkpoint', join(dir, 'missing.safetensors')]);
    } catch (e) {
      msg = (e as Error).message;
    }
    assert.match(msg, why);
  }
});

test.run();
