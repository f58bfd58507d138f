import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, sniffImageFormat } from '../../src/data/index.js';
import { LSPET_DIR, encodeJpeg, encodePng, rgbPixels, throwsWith } from './helpers.js';

test('real LSPet JPEGs decode to RGB with the sizes in joints.json', () => {
  const doc = JSON.parse(readFileSync(join(LSPET_DIR, 'joints.json'), 'utf8')) as { images: { file: string; width: number; height: number }[] };
  for (const im of doc.images.slice(0, 25)) {
    const img = decodeImage(readFileSync(join(LSPET_DIR, 'images', im.file)), im.file);
    assert.is(img.width, im.width, im.file);
    assert.is(img.height, im.height, im.file);
    assert.is(img.data.length, im.width * im.height * 3);
    let sum = 0;
    for (let i = 0; i < img.data.length; i += 97) sum += img.data[i]!;
    assert.ok(sum > 0, `${im.file} decoded to black`);
  }
});

test('PNG decodes exactly, JPEG approximately', () => {
  const px = rgbPixels(20, 10);
  const png = decodeImage(encodePng(20, 10, px), 'a.png');
  assert.equal(Array.from(png.data), Array.from(px));
  const jpg = decodeImage(encodeJpeg(20, 10, px), 'a.jpg');
  let err = 0;
  for (let i = 0; i < px.length; i++) err += Math.abs(jpg.data[i]! - px[i]!);
  assert.ok(err / px.length < 12, `mean JPEG error ${err / px.length}`);
  assert.is(sniffImageFormat(encodePng(2, 2)), 'png');
  assert.is(sniffImageFormat(new Uint8Array([1, 2, 3])), null);
});

test('truncated, corrupt, empty and unknown images give errors naming the file', async () => {
  const jpg = encodeJpeg(64, 48);
  await throwsWith(() => decodeImage(jpg.subarray(0, jpg.length >> 1), 'half.jpg'), 'half.jpg', 'truncated');
  const bad = new Uint8Array(jpg);
  bad.fill(0, 3, 200); // wipe the headers but keep the end marker
  await throwsWith(() => decodeImage(bad, 'bad.jpg'), 'bad.jpg', 'corrupt JPEG');
  const png = encodePng(64, 48);
  await throwsWith(() => decodeImage(png.subarray(0, png.length - 30), 'cut.png'), 'cut.png', 'PNG');
  const flipped = new Uint8Array(png);
  flipped[40] = flipped[40]! ^ 0xff; // breaks a CRC
  await throwsWith(() => decodeImage(flipped, 'crc.png'), 'crc.png', 'PNG');
  await throwsWith(() => decodeImage(new Uint8Array(0), 'empty.jpg'), 'empty.jpg', 'empty');
  await throwsWith(() => decodeImage(new TextEncoder().encode('GIF89a....'), 'x.gif'), 'x.gif', 'unknown image format');
});

test.run();
