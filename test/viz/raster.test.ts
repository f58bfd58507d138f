import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  blit,
  createRaster,
  decodePng,
  drawLine,
  drawText,
  encodePng,
  fillCircle,
  fillRect,
  getPixel,
  heatmapRaster,
  jet,
  textWidth,
} from '../../src/viz/index.js';
import { writePng } from '../../src/viz/files.js';

test('PNG round trip keeps size and a filled rectangle pixel colour', () => {
  const r = createRaster(40, 30, [0, 0, 0]);
  fillRect(r, 10, 5, 8, 6, [200, 30, 40]);
  const back = decodePng(encodePng(r));
  assert.is(back.width, 40);
  assert.is(back.height, 30);
  assert.equal(getPixel(back, 12, 7), [200, 30, 40, 255]);
  assert.equal(getPixel(back, 2, 2), [0, 0, 0, 255]);
});

test('alpha blending: half-transparent red over blue', () => {
  const r = createRaster(4, 4, [0, 0, 255]);
  fillRect(r, 0, 0, 4, 4, [255, 0, 0, 128]);
  const [red, , blue, a] = getPixel(r, 1, 1);
  assert.ok(Math.abs(red - 128) <= 1 && Math.abs(blue - 127) <= 1 && a === 255, `${red} ${blue} ${a}`);
});

test('circle centre is filled, far corner is not; thick line covers its midpoint', () => {
  const r = createRaster(50, 50, [255, 255, 255]);
  fillCircle(r, 25, 25, 5, [0, 255, 0]);
  assert.equal(getPixel(r, 25, 25), [0, 255, 0, 255]);
  assert.equal(getPixel(r, 0, 0), [255, 255, 255, 255]);
  drawLine(r, 0, 45, 49, 45, [0, 0, 0], 3);
  assert.equal(getPixel(r, 20, 45), [0, 0, 0, 255]);
  assert.equal(getPixel(r, 20, 40), [255, 255, 255, 255]);
});

test('text draws ink within its measured width, and blit scales with nearest filter', () => {
  const r = createRaster(60, 12, [255, 255, 255]);
  drawText(r, '1', 0, 0, [0, 0, 0]);
  // '1' has ink at the top of its stem (column 2, row 0).
  assert.equal(getPixel(r, 2, 0), [0, 0, 0, 255]);
  assert.is(textWidth('PCK 84.32%'), 59);
  const src = createRaster(2, 1, [0, 0, 0]);
  fillRect(src, 1, 0, 1, 1, [255, 0, 0]);
  const dst = createRaster(8, 4, [255, 255, 255]);
  blit(dst, src, 0, 0, { width: 8, height: 4 });
  assert.equal(getPixel(dst, 1, 1), [0, 0, 0, 255]);
  assert.equal(getPixel(dst, 6, 3), [255, 0, 0, 255]);
});

test('jet colormap endpoints and heatmap raster', () => {
  assert.equal(jet(0), [0, 0, 128]);
  assert.equal(jet(1), [128, 0, 0]);
  const h = heatmapRaster(new Float32Array([0, 1, 0.5, 0.25]), 2, 2);
  assert.equal(getPixel(h, 1, 0), [128, 0, 0, 255]);
  writePng('out/test/viz/heatmap.png', h);
});

test.run();
