import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePng, encodePng, formatTick, getPixel, linearTicks, renderLineChart, SERIES_COLORS } from '../../src/viz/index.js';
import { writePng } from '../../src/viz/files.js';

test('nice ticks and labels', () => {
  assert.equal(linearTicks(0, 1, 5).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.equal(linearTicks(3, 97, 5).ticks, [0, 20, 40, 60, 80, 100]);
  assert.is(formatTick(0.25), '0.25');
  assert.is(formatTick(0.0001), '1E-4');
  assert.is(formatTick(250000), '2.5E5');
});

test('line chart: PNG decodes at the requested size; a horizontal series is drawn in its colour', () => {
  const x = Array.from({ length: 11 }, (_, i) => i);
  const img = renderLineChart(
    [
      { name: 'FLAT', x, y: x.map(() => 5) },
      { name: 'RAMP', x, y: x.map((v) => v) },
    ],
    { width: 400, height: 300, title: 'TEST', xLabel: 'STEP', yLabel: 'VALUE', yMin: 0, yMax: 10, xMin: 0, xMax: 10, legend: 'top-left' },
  );
  const back = decodePng(encodePng(img));
  assert.is(back.width, 400);
  assert.is(back.height, 300);
  // Find the plot's x range from the rendered ramp: the flat line at y = 5 sits half-way; sample its middle column.
  let found = false;
  for (let y = 0; y < 300; y++) {
    const [r, g, b] = getPixel(back, 300, y);
    const c = SERIES_COLORS[0]!;
    if (r === c[0] && g === c[1] && b === c[2]) {
      found = true;
      break;
    }
  }
  assert.ok(found, 'a pixel of the first series colour in column 300');
  assert.equal(getPixel(back, 399, 0), [255, 255, 255, 255]);
  writePng('out/test/viz/chart.png', img);
});

test('log-y chart skips non-positive values without throwing', () => {
  const x = [1, 2, 3, 4, 5];
  const img = renderLineChart([{ name: 'LOSS', x, y: [100, 10, 0, 1, 0.1] }], { logY: true, width: 300, height: 200 });
  assert.is(img.width, 300);
  writePng('out/test/viz/chart-log.png', img);
});

test.run();
