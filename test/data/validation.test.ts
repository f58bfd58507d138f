// Dataset files are validated as well as parsed: duplicate entries, an image whose size is not the
// annotated one, and a person entirely outside the image are refused, or skipped with skipBad; a
// JPEG's EXIF orientation is applied; an image over the size limit is refused saying the limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLoader, openDataset } from '../../src/data/index.js';
import { decodeImage, jpegOrientation } from '../../src/data/image.js';
import { encodeJpeg, encodePng, joints, lspetFolder, throwsWith } from './helpers.js';

const outside = (): number[][] => Array.from({ length: 14 }, (_, k) => [100 + k, 200 + k, 1]);

test('two entries naming the same image are refused, with both entry numbers', async () => {
  const dir = lspetFolder({ 'a.jpg': encodeJpeg(64, 80), 'b.jpg': encodeJpeg(64, 80) }, [
    { file: 'a.jpg', joints: joints() },
    { file: 'b.jpg', joints: joints() },
    { file: 'a.jpg', joints: joints() },
  ]);
  await throwsWith(() => openDataset(dir), 'joints.json', 'entries 1 and 3 both name a.jpg');
});

test('an image whose size differs from the annotation, or whose person lies wholly outside it, is refused or skipped', async () => {
  const entries = [
    { file: 'good.jpg', width: 64, height: 80, joints: joints() },
    { file: 'resized.jpg', width: 64, height: 80, joints: joints() },
    { file: 'away.jpg', width: 64, height: 80, joints: outside() },
  ];
  const dir = lspetFolder({ 'good.jpg': encodeJpeg(64, 80), 'resized.jpg': encodeJpeg(60, 80), 'away.jpg': encodeJpeg(64, 80) }, entries);
  const ds = openDataset(dir);
  await ds.load(0);
  await throwsWith(() => ds.load(1), 'resized.jpg', 'the image is 60×80 but its annotation says 64×80');
  await throwsWith(() => ds.load(2), 'away.jpg', 'all 14 annotated joints lie outside the 64×80 image');
  const loader = createLoader({ dataset: openDataset(dir, { skipBad: true }), batchSize: 3, size: 32, augment: false, skipBad: true });
  let n = 0;
  for await (const b of loader) n += b.n;
  assert.is(n, 3, 'bad samples are replaced by good ones');
  assert.equal(
    loader
      .skipped()
      .map((s) => /(\w+)\.jpg/.exec(s.source)?.[1])
      .sort(),
    ['away', 'resized'],
  );
});

/** A JPEG with an EXIF APP1 segment carrying `orientation`, inserted after SOI. */
function withOrientation(jpg: Uint8Array, orientation: number): Uint8Array {
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0];
  const payload = [...new TextEncoder().encode('Exif'), 0, 0, ...tiff];
  const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
  return new Uint8Array([...jpg.subarray(0, 2), ...app1, ...jpg.subarray(2)]);
}

test("a JPEG's EXIF orientation is applied", () => {
  // 16×8: left half red, right half blue. Orientation 6 (turn 90° clockwise to view): 8×16, red on top.
  const rgb = new Uint8Array(16 * 8 * 3);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 16; x++) rgb.set(x < 8 ? [255, 0, 0] : [0, 0, 255], (y * 16 + x) * 3);
  const plain = decodeImage(encodeJpeg(16, 8, rgb), 'plain.jpg');
  assert.is(jpegOrientation(encodeJpeg(16, 8, rgb)), 1);
  const turned = decodeImage(withOrientation(encodeJpeg(16, 8, rgb), 6), 'turned.jpg');
  assert.equal([plain.width, plain.height, turned.width, turned.height], [16, 8, 8, 16]);
  const red = (img: typeof turned, x: number, y: number) => img.data[(y * img.width + x) * 3]! > 200 && img.data[(y * img.width + x) * 3 + 2]! < 60;
  assert.ok(red(turned, 4, 2) && !red(turned, 4, 13), 'red on top, blue below');
  for (let o = 1; o <= 8; o++) {
    const img = decodeImage(withOrientation(encodeJpeg(16, 8, rgb), o), `o${o}.jpg`);
    assert.equal([img.width, img.height], o >= 5 ? [8, 16] : [16, 8], `orientation ${o}`);
  }
});

test('an image over the size limit is refused saying the limit, the same way for JPEG and PNG', async () => {
  const jpg = encodeJpeg(16, 8);
  const sof = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xc0);
  const big = jpg.slice();
  big.set([6000 >> 8, 6000 & 255, 20000 >> 8, 20000 & 255], sof + 5); // SOF0: precision, then height 6000 and width 20000
  await throwsWith(() => decodeImage(big, 'big.jpg'), 'big.jpg', 'JPEG is 20000×6000 (120 MP), over the limit of 100 MP');
  const png = encodePng(16, 8).slice();
  new DataView(png.buffer).setUint32(16, 20000);
  new DataView(png.buffer).setUint32(20, 6000);
  await throwsWith(() => decodeImage(png, 'big.png'), 'big.png', 'PNG is 20000×6000 (120 MP), over the limit of 100 MP');
});

test.run();
