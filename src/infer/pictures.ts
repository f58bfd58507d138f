// Pictures of what the model sees: the skeleton over the original image, and each stage's belief
// maps for chosen joints over the network's crop (the paper's Fig. 1 and 4).
import type { PersonBox } from '../data/annotation.js';
import type { RgbImage } from '../data/image.js';
import { rasterFromCrop, rasterFromRgb } from '../data/picture.js';
import type { Sample } from '../data/types.js';
import type { Pose } from '../eval/types.js';
import { renderBeliefGrid, type BeliefGridOptions } from '../viz/beliefGrid.js';
import { createRaster, strokeRect, type Raster } from '../viz/raster.js';
import { drawSkeleton } from '../viz/skeleton.js';

/** The image, enlarged so small images stay readable, with the skeleton drawn over it. */
export function skeletonOverlay(img: RgbImage, pose: Pose, minSide = 256): Raster {
  return peopleOverlay(img, [{ pose }], minSide);
}

/** The image, enlarged likewise, with each person's skeleton and, where given, the box it was found in. */
export function peopleOverlay(img: RgbImage, people: readonly { pose: Pose; box?: PersonBox }[], minSide = 256): Raster {
  const scale = Math.max(1, Math.ceil(minSide / Math.min(img.width, img.height)));
  const base = rasterFromRgb(img);
  const big = createRaster(img.width * scale, img.height * scale);
  for (let y = 0; y < big.height; y++) {
    for (let x = 0; x < big.width; x++) {
      const s = 4 * (Math.floor(y / scale) * img.width + Math.floor(x / scale));
      big.data.set(base.data.subarray(s, s + 4), 4 * (y * big.width + x));
    }
  }
  for (const { pose, box } of people) {
    if (box)
      strokeRect(
        big,
        Math.round(box[0] * scale),
        Math.round(box[1] * scale),
        Math.round(box[2] * scale),
        Math.round(box[3] * scale),
        [255, 255, 255, 220],
        Math.max(1, scale >> 1),
      );
    drawSkeleton(big, pose, { scale, offset: [(scale - 1) / 2, (scale - 1) / 2], lineWidth: Math.max(2, scale) });
  }
  return big;
}

/** Each stage's beliefs for `joints`, over the crop. */
export function stageBeliefs(sample: Sample, beliefs: Float32Array[], joints?: number[], opts?: BeliefGridOptions): Raster {
  const channels = beliefs[0]!.length / (sample.grid * sample.grid);
  return renderBeliefGrid({ image: rasterFromCrop(sample), stages: beliefs, mapSize: sample.grid, channels, joints }, opts);
}
