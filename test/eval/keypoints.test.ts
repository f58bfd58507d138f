import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyAffine,
  beliefPeaks,
  cellToCrop,
  composeAffine,
  cropAffine,
  invertAffine,
  keypointsFromBeliefs,
  upsampleMaps,
  type Affine,
  type MapShape,
} from '../../src/eval/index.js';

/** C×G×G maps with a Gaussian of std `sigma` cells at `centers[c]`; the last channel is background. */
function gaussianMaps(G: number, centers: [number, number][], sigma: number): { maps: Float32Array; shape: MapShape } {
  const C = centers.length + 1;
  const maps = new Float32Array(C * G * G);
  centers.forEach(([cx, cy], c) => {
    for (let y = 0; y < G; y++)
      for (let x = 0; x < G; x++) {
        maps[c * G * G + y * G + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
      }
  });
  maps.fill(0.5, centers.length * G * G);
  return { maps, shape: { channels: C, height: G, width: G } };
}

test('argmax on a synthetic Gaussian: integer, quadratic and exact (log-parabola) sub-pixel', () => {
  const { maps, shape } = gaussianMaps(
    46,
    [
      [10.3, 7.6],
      [30.8, 40.2],
    ],
    1.2,
  );
  const none = beliefPeaks(maps, shape, 'none');
  assert.is(none.length, 2);
  assert.equal([none[0]!.x, none[0]!.y], [10, 8]);
  const quad = beliefPeaks(maps, shape, 'quadratic');
  assert.ok(Math.abs(quad[0]!.x - 10.3) < 0.15 && Math.abs(quad[0]!.y - 7.6) < 0.15, JSON.stringify(quad[0]));
  const gauss = beliefPeaks(maps, shape, 'gaussian');
  // float32 storage limits the exactness to ~1e-5 cells.
  assert.ok(Math.abs(gauss[0]!.x - 10.3) < 1e-4 && Math.abs(gauss[0]!.y - 7.6) < 1e-4, JSON.stringify(gauss[0]));
  assert.ok(Math.abs(gauss[1]!.x - 30.8) < 1e-4 && Math.abs(gauss[1]!.y - 40.2) < 1e-4, JSON.stringify(gauss[1]));
});

test('coordinate round trip: a known image point → crop → image comes back exactly', () => {
  // Scale 0.5 and 90°-multiples keep every product exact in binary floating point.
  const m = cropAffine({ center: [150, 90], scale: 0.5, size: 368 });
  assert.equal(applyAffine(m, [150, 90]), [184, 184]);
  assert.equal(applyAffine(m, [170, 50]), [194, 164]);
  assert.equal(applyAffine(invertAffine(m), [194, 164]), [170, 50]);
  // A general rotation: back within 1e-9.
  const r = cropAffine({ center: [123.4, 56.7], scale: 1.37, size: 368, rotationDeg: 33 });
  const back = applyAffine(invertAffine(r), applyAffine(r, [77.7, 201.3]));
  assert.ok(Math.abs(back[0] - 77.7) < 1e-9 && Math.abs(back[1] - 201.3) < 1e-9);
  const id = composeAffine(invertAffine(r), r);
  [1, 0, 0, 0, 1, 0].forEach((v, i) => {
    assert.ok(Math.abs(id[i]! - v) < 1e-12);
  });
  // Counter-clockwise on screen: a point right of the centre goes up (smaller y) in the crop.
  const rot = cropAffine({ center: [0, 0], scale: 1, size: 0, rotationDeg: 90 });
  const p = applyAffine(rot, [10, 0]);
  assert.ok(Math.abs(p[0]) < 1e-12 && Math.abs(p[1] + 10) < 1e-12);
});

test('a belief peak at a known image point maps back to it through the crop (stride 8)', () => {
  const imageToCrop: Affine = cropAffine({ center: [200, 120], scale: 2, size: 368 });
  // Image point (182.75, 101.75) → crop (149.5, 147.5) = cell (18.25, 18) at stride 8 (cell g ↔ 8g + 3.5).
  const { maps, shape } = gaussianMaps(46, [[18.25, 18]], 1);
  const { pose, scores } = keypointsFromBeliefs(maps, shape, imageToCrop, { stride: 8, subpixel: 'gaussian' });
  assert.ok(Math.abs(pose[0]![0] - 182.75) < 1e-3 && Math.abs(pose[0]![1] - 101.75) < 1e-3, JSON.stringify(pose[0]));
  assert.ok(scores[0]! > 0.9);
  assert.equal(cellToCrop([0, 0], 8), [3.5, 3.5]);
});

test('×8 upsampling keeps pixel-centre alignment: a peak at cell g lands at pixel 8g + 3.5', () => {
  const { maps, shape } = gaussianMaps(16, [[6, 9]], 1.5);
  for (const method of ['bilinear', 'bicubic'] as const) {
    const up = upsampleMaps(maps, shape, 8, { method });
    assert.is(up.length, 2 * 128 * 128);
    const [peak] = beliefPeaks(up, { channels: 2, height: 128, width: 128 }, 'quadratic');
    assert.ok(Math.abs(peak!.x - 51.5) <= 0.5 && Math.abs(peak!.y - 75.5) <= 0.5, `${method} ${JSON.stringify(peak)}`);
    // The background channel is constant and must stay so.
    assert.ok(Math.abs(up[128 * 128 + 777]! - 0.5) < 1e-6);
  }
});

test.run();
