import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { dataCommand } from '../../src/cli/data.js';
import { LSPET_DIR, tempDir } from './helpers.js';

test('data grid writes a PNG of sample tiles (generated and LSPet)', async () => {
  const dir = tempDir();
  const out = join(dir, 'grid.png');
  await dataCommand(['grid', '--out', out, '--size', '64', '--n', '4', '--seed', '1']);
  const png = pngjs.PNG.sync.read(readFileSync(out));
  // 2 columns of tiles, each 3 panels of 64 px with 2 px gaps, 6 px between tiles.
  assert.is(png.width, 2 * (3 * 64 + 4) + 6);
  assert.is(png.height, 2 * 64 + 6);
  const out2 = join(dir, 'lspet.png');
  await dataCommand(['grid', '--out', out2, '--size', '64', '--n', '2', '--dataset', LSPET_DIR, '--split', 'val']);
  assert.is(pngjs.PNG.sync.read(readFileSync(out2)).height, 64);
});

test('bad arguments are named', async () => {
  let msg = '';
  try {
    await dataCommand(['grid', '--size', 'abc']);
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /data grid: --size must be a number, got "abc"/);
  try {
    await dataCommand(['frob']);
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /unknown data command "frob"/);
  try {
    await dataCommand(['grid', '--size', '36.5']);
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /data grid: --size must be a whole number/);
});

test.run();
