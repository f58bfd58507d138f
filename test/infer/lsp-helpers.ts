// The LSP test images that exist as files (../shared/data/lsp), their ground truth and boxes.
import { readFileSync } from 'node:fs';
import type { PersonBox } from '../../src/data/annotation.js';
import type { RgbImage } from '../../src/data/image.js';
import { readImageFile } from '../../src/data/node/files.js';
import { lspFromSchemaJson } from '../../src/data/formats/lsp.js';

export const LSP = '../shared/data/lsp';

/** Ground truth (CPM order, 0-based) of the three LSP test images that exist as files. */
export function lspTruth(): { file: string; joints: Float32Array }[] {
  const parsed = lspFromSchemaJson(JSON.parse(readFileSync(`${LSP}/joints.json`, 'utf8')), 'joints.json');
  return ['im1630.jpg', 'im1640.jpg', 'im1658.jpg'].map((file) => ({ file, joints: parsed.records.find((r) => r.file === file)!.persons[0]!.joints }));
}

/** The joints' box with a margin, COCO-style. */
export function boxAround(joints: Float32Array, margin = 8): PersonBox {
  const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((j) => joints[j * 3]!),
    ys = xs.map((_, j) => joints[j * 3 + 1]!);
  const [x0, y0] = [Math.min(...xs) - margin, Math.min(...ys) - margin];
  return [x0 + 0.5, y0 + 0.5, Math.max(...xs) + margin - x0, Math.max(...ys) + margin - y0];
}

/** Two LSP people in one picture, side by side: the image and both ground truths in its pixels. */
export function twoPeople(): { image: RgbImage; joints: [Float32Array, Float32Array] } {
  const [a, b] = lspTruth() as [{ file: string; joints: Float32Array }, { file: string; joints: Float32Array }];
  const [ia, ib] = [readImageFile(`${LSP}/images/${a.file}`), readImageFile(`${LSP}/images/${b.file}`)];
  const width = ia.width + ib.width,
    height = Math.max(ia.height, ib.height);
  const image: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (const [img, dx] of [
    [ia, 0],
    [ib, ia.width],
  ] as const) {
    for (let y = 0; y < img.height; y++) image.data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), (y * width + dx) * 3);
  }
  return { image, joints: [a.joints, b.joints.map((v, i) => (i % 3 === 0 ? v + ia.width : v))] };
}
