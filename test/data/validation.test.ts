// Dataset files are validated as well as parsed: duplicate entries, an image whose size is not the
// annotated one, and a person entirely outside the image are refused, or skipped with skipBad.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLoader, openDataset } from '../../src/data/index.js';
import { encodeJpeg, joints, lspetFolder, throwsWith } from './helpers.js';

const outside = (): number[][] => Array.from({ length: 14 }, (_, k) => [100 + k, 200 + k, 1]);

test('two entries naming the same image are refused, with both entry numbers', async () => {
  const dir = lspetFolder({ 'a.jpg': encodeJpeg(64, 80), 'b.jpg': encodeJpeg(64, 80) },
    [{ file: 'a.jpg', joints: joints() }, { file: 'b.jpg', joints: joints() }, { file: 'a.jpg', joints: joints() }]);
  await throwsWith(() => openDataset(dir), 'joints.json', 'entries 1 and 3 both name a.jpg');
});

test('an image whose size differs from the annotation, or whose person lies wholly outside it, is refused or skipped', async () => {
  const dir = lspetFolder({ 'good.jpg': encodeJpeg(64, 80), 'resized.jpg': encodeJpeg(60, 80), 'away.jpg': encodeJpeg(64, 80) }, [
    { file: 'good.jpg', width: 64, height: 80, joints: joints() },
    { file: 'resized.jpg', width: 64, height: 80, joints: joints() },
    { file: 'away.jpg', width: 64, height: 80, joints: outside() },
  ] as { file: string; joints: number[][] }[]);
  const ds = openDataset(dir);
  await ds.load(0);
  await throwsWith(() => ds.load(1), 'resized.jpg', 'the image is 60×80 but its annotation says 64×80');
  await throwsWith(() => ds.load(2), 'away.jpg', 'all 14 annotated joints lie outside the 64×80 image');
  const loader = createLoader({ dataset: openDataset(dir, { skipBad: true }), batchSize: 3, size: 32, augment: false, skipBad: true });
  let n = 0;
  for await (const b of loader) n += b.n;
  assert.is(n, 3, 'bad samples are replaced by good ones');
  assert.equal(loader.skipped().map((s) => /(\w+)\.jpg/.exec(s.source)?.[1]).sort(), ['away', 'resized']);
});

test.run();
