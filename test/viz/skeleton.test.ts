import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import { blit, createRaster, drawSkeleton, getPixel, LIMB_COLORS, renderBeliefGrid } from '../../src/viz/index.js';
import { readImageFile, writePng } from '../../src/viz/files.js';
import { readGroundTruthFile } from '../../src/eval/files.js';
import type { Point } from '../../src/eval/index.js';

test('skeleton: the middle of the right forearm has the right-forearm colour', () => {
  const pose: Point[] = Array.from({ length: 14 }, (_, j) => [20 + 5 * j, 20 + 5 * j]);
  pose[3] = [10, 105]; // right elbow
  pose[4] = [90, 105]; // right wrist
  const r = createRaster(120, 120, [0, 0, 0]);
  drawSkeleton(r, pose, { lineWidth: 3, torso: false });
  const c = LIMB_COLORS[2]!;
  assert.equal(getPixel(r, 50, 105), [c[0], c[1], c[2], 255]);
});

test('skeleton over a real LSP image (annotations in 0-based pixels line up), written as a picture', () => {
  const shared = resolve(process.cwd(), '../shared');
  const truths = readGroundTruthFile(resolve(shared, 'data/lsp/joints.json'));
  const t = truths.find((p) => p.file === 'im1630.jpg')!;
  const img = readImageFile(resolve(shared, 'data/lsp/images/im1630.jpg'));
  assert.is(img.width, 76);
  const scale = 3;
  const big = createRaster(img.width * scale, img.height * scale);
  blit(big, img, 0, 0, { width: big.width, height: big.height, filter: 'bilinear' });
  // Enlarging by 3 maps pixel centre p to 3p + 1.
  drawSkeleton(big, t.joints, { scale, offset: [1, 1], lineWidth: 3, visible: t.visible });
  writePng('out/test/viz/skeleton-im1630.png', big);
  assert.is(big.height, 193 * scale);
});

test('belief grid: a row per stage, a column per joint plus the image; a peak shows hot', () => {
  const G = 16,
    C = 15;
  const stages = [0.3, 0.7, 1].map((peak) => {
    const m = new Float32Array(C * G * G);
    for (let y = 0; y < G; y++) for (let x = 0; x < G; x++) m[4 * G * G + y * G + x] = peak * Math.exp(-((x - 8) ** 2 + (y - 5) ** 2) / 2);
    return m;
  });
  const image = createRaster(128, 128, [120, 120, 120]);
  const grid = renderBeliefGrid({ image, stages, mapSize: G, channels: C, joints: [4, 10] }, { tileSize: 64 });
  assert.is(grid.height, 7 + 10 + 3 * 66);
  // Stage 3, column of joint 4 (first after the image): the peak cell (8, 5) of 16 → tile pixel ~(34, 22).
  const labelW = 8 * 6 - 1 + 12;
  const [r, , b] = getPixel(grid, labelW + 66 + 34, 17 + 2 * 66 + 22);
  assert.ok(r > 100 && r > b, `hot pixel expected, got r=${r} b=${b}`);
  writePng('out/test/viz/belief-grid.png', grid);
});

test.run();
