// Pictures of images and samples: an RGB image or the network's normalised crop as a raster, and, to check by
// eye that images, joints and targets agree, per sample the crop with its skeleton, the stage-1 (all people)
// maps, and the centred person's maps. Pure (browser-safe): the demo, the CLI and inference draw with these.
import { blit, createRaster, drawText, type Raster } from '../viz/raster.js';
import { jet } from '../viz/colormap.js';
import { drawSkeleton } from '../viz/skeleton.js';
import { NUM_JOINTS } from '../pose/joints.js';
import type { RgbImage } from './image.js';
import { STRIDE } from './targets.js';
import type { Batch, Sample } from './types.js';

export function rasterFromRgb(img: RgbImage): Raster {
  const r = createRaster(img.width, img.height);
  for (let i = 0, n = img.width * img.height; i < n; i++) {
    r.data[4 * i] = img.data[3 * i]!;
    r.data[4 * i + 1] = img.data[3 * i + 1]!;
    r.data[4 * i + 2] = img.data[3 * i + 2]!;
    r.data[4 * i + 3] = 255;
  }
  return r;
}

/** The network input (CHW, v/256 − 0.5, BGR unless `order` says rgb) back to a picture, its brightness × `dim`. */
export function rasterFromCrop(sample: Pick<Sample, 'size' | 'image'>, order: 'bgr' | 'rgb' = 'bgr', dim = 1): Raster {
  const S = sample.size,
    plane = S * S;
  const r = createRaster(S, S);
  const [ri, bi] = order === 'bgr' ? [2, 0] : [0, 2];
  for (let i = 0; i < plane; i++) {
    r.data[i * 4] = (sample.image[ri * plane + i]! + 0.5) * 256 * dim;
    r.data[i * 4 + 1] = (sample.image[plane + i]! + 0.5) * 256 * dim;
    r.data[i * 4 + 2] = (sample.image[bi * plane + i]! + 0.5) * 256 * dim;
    r.data[i * 4 + 3] = 255;
  }
  return r;
}

/** Max over the joint channels, bilinearly upsampled from the stride-8 grid, blended over the dimmed crop. */
function heatRaster(s: Sample, maps: Float32Array, order: 'bgr' | 'rgb'): Raster {
  const r = rasterFromCrop(s, order, 0.45);
  const G = s.grid,
    S = s.size;
  const heat = new Float32Array(G * G);
  for (let j = 0; j < NUM_JOINTS; j++) for (let i = 0; i < G * G; i++) heat[i] = Math.max(heat[i]!, maps[j * G * G + i]!);
  for (let v = 0; v < S; v++) {
    const gy = Math.min(Math.max((v - (STRIDE / 2 - 0.5)) / STRIDE, 0), G - 1);
    const y0 = Math.min(Math.floor(gy), G - 2),
      fy = gy - y0;
    for (let u = 0; u < S; u++) {
      const gx = Math.min(Math.max((u - (STRIDE / 2 - 0.5)) / STRIDE, 0), G - 1);
      const x0 = Math.min(Math.floor(gx), G - 2),
        fx = gx - x0;
      const h =
        (1 - fy) * ((1 - fx) * heat[y0 * G + x0]! + fx * heat[y0 * G + x0 + 1]!) +
        fy * ((1 - fx) * heat[(y0 + 1) * G + x0]! + fx * heat[(y0 + 1) * G + x0 + 1]!);
      const [cr, cg, cb] = jet(h);
      const i = (v * S + u) * 4,
        a = Math.min(1, h * 1.5);
      r.data[i] = r.data[i]! * (1 - a) + cr * a;
      r.data[i + 1] = r.data[i + 1]! * (1 - a) + cg * a;
      r.data[i + 2] = r.data[i + 2]! * (1 - a) + cb * a;
    }
  }
  return r;
}

/** The sample's annotated joints (flag 1) over its crop; the line width follows the crop size (3 px at 368). */
function drawSampleJoints(r: Raster, joints: Float32Array, scale: number): void {
  // Unannotated joints become NaN, which drawSkeleton leaves out with their limbs.
  const pose = Array.from({ length: NUM_JOINTS }, (_, j) =>
    joints[j * 3 + 2] === 1 ? ([joints[j * 3]!, joints[j * 3 + 1]!] as const) : ([NaN, NaN] as const),
  );
  drawSkeleton(r, pose, { lineWidth: Math.max(1.5, 3 * scale) });
}

/** One sample as three panels: crop + skeleton, all-people maps (stage 1), centred-person maps. */
export function sampleTile(s: Sample, order: 'bgr' | 'rgb' = 'bgr'): Raster {
  const S = s.size,
    gap = 2;
  const tile = createRaster(3 * S + 2 * gap, S, [20, 20, 20, 255]);
  const crop = rasterFromCrop(s, order);
  drawSampleJoints(crop, s.joints, S / 368);
  const ts = S >= 256 ? 2 : 1;
  const m = s.meta;
  drawText(crop, `${m.id.slice(-18)}`, 3, 3, [255, 255, 255], ts);
  drawText(crop, `x${m.scale.toFixed(2)} ${m.rotation.toFixed(0)}deg${m.flipped ? ' flip' : ''}`, 3, 3 + 9 * ts, [255, 255, 255], ts);
  blit(tile, crop, 0, 0);
  const all = heatRaster(s, s.targetAll, order);
  drawText(all, 'stage 1: all', 3, 3, [255, 255, 255], ts);
  blit(tile, all, S + gap, 0);
  const one = heatRaster(s, s.target, order);
  drawText(one, 'stages 2+: centred', 3, 3, [255, 255, 255], ts);
  blit(tile, one, 2 * (S + gap), 0);
  return tile;
}

/** Unpack sample i of a batch (views, no copies). */
export function sampleOf(b: Batch, i: number): Sample {
  const S = b.size,
    G = b.grid,
    P1 = NUM_JOINTS + 1;
  return {
    size: S,
    grid: G,
    image: b.image.subarray(i * 3 * S * S, (i + 1) * 3 * S * S),
    center: b.center.subarray(i * S * S, (i + 1) * S * S),
    target: b.target.subarray(i * P1 * G * G, (i + 1) * P1 * G * G),
    targetAll: b.targetAll.subarray(i * P1 * G * G, (i + 1) * P1 * G * G),
    joints: b.joints.subarray(i * NUM_JOINTS * 3, (i + 1) * NUM_JOINTS * 3),
    meta: b.meta[i]!,
  };
}

/** Tiles of many samples, `columns` per row. */
export function sampleGrid(samples: readonly Sample[], columns = Math.ceil(Math.sqrt(samples.length)), order: 'bgr' | 'rgb' = 'bgr'): Raster {
  const tiles = samples.map((s) => sampleTile(s, order));
  const tw = tiles[0]!.width,
    th = tiles[0]!.height,
    gap = 6;
  const rows = Math.ceil(tiles.length / columns);
  const out = createRaster(columns * (tw + gap) - gap, rows * (th + gap) - gap, [0, 0, 0, 255]);
  tiles.forEach((t, i) => {
    blit(out, t, (i % columns) * (tw + gap), Math.floor(i / columns) * (th + gap));
  });
  return out;
}
