// A video of one generated person walking left and right across a wider frame, as a Y4M file for
// Chromium's fake camera, with each frame's number stamped into a strip on top (demo/frame-tag.ts)
// and every frame's joints known.
import { createRgbImage, type RgbImage } from '../../src/data/image.js';
import { generateSample, generatedSpec } from '../../src/data/generated/dataset.js';
import { personFromJointBox } from '../../src/data/annotation.js';
import type { RawSample } from '../../src/data/types.js';
import { stampFrameTag, TAG_HEIGHT } from '../../demo/frame-tag.js';

export interface PeopleVideo {
  width: number;
  height: number;
  frames: number;
  /** Frame t as a sample: its picture and the person's joints in video pixels. */
  frame(t: number): RawSample;
  /** YUV4MPEG2, 4:2:0, every frame. */
  y4m(fps: number): Uint8Array;
}

/** The person's picture (size × size) slides `travel` px to the right and back over `frames` frames, then loops. */
export function peopleVideo({ seed = 3, size = 160, travel = 64, frames = 128 } = {}): PeopleVideo {
  const still = generateSample(generatedSpec({ seed, split: 'val', imageSize: size }), 0);
  const width = size + travel,
    height = size + TAG_HEIGHT;
  const shift = (t: number) => Math.round(travel * (1 - Math.abs(1 - (2 * (t % frames)) / frames)));
  const frame = (t: number): RawSample => {
    const dx = shift(t);
    const image = createRgbImage(width, height);
    image.data.fill(128);
    for (let y = 0; y < size; y++) image.data.set(still.image.data.subarray(3 * y * size, 3 * (y + 1) * size), 3 * ((y + TAG_HEIGHT) * width + dx));
    stampFrameTag(image, t % frames);
    const joints = Float32Array.from(still.persons[0]!.joints, (v, i) => (i % 3 === 0 ? v + dx : i % 3 === 1 ? v + TAG_HEIGHT : v));
    return { id: `frame ${t}`, image, persons: [personFromJointBox(joints, `frame ${t}`)], main: 0 };
  };
  return {
    width,
    height,
    frames,
    frame,
    y4m: (fps) =>
      encodeY4m(
        Array.from({ length: frames }, (_, t) => frame(t).image),
        fps,
      ),
  };
}

/** BT.601 studio range (Y 16–235, chroma 16–240) 4:2:0, as Chromium's fake camera decodes it; chroma averaged over each 2×2 block. */
function encodeY4m(images: RgbImage[], fps: number): Uint8Array {
  const { width: w, height: h } = images[0]!;
  const header = new TextEncoder().encode(`YUV4MPEG2 W${w} H${h} F${fps}:1 Ip A1:1 C420mpeg2\n`);
  const tag = new TextEncoder().encode('FRAME\n');
  const planeBytes = w * h + 2 * (w / 2) * (h / 2);
  const out = new Uint8ClampedArray(header.length + images.length * (tag.length + planeBytes));
  out.set(header);
  let o = header.length;
  for (const img of images) {
    out.set(tag, o);
    o += tag.length;
    const px = img.data;
    for (let i = 0; i < w * h; i++) out[o + i] = Math.round(16 + (219 / 255) * (0.299 * px[3 * i]! + 0.587 * px[3 * i + 1]! + 0.114 * px[3 * i + 2]!));
    const u = o + w * h,
      v = u + (w / 2) * (h / 2);
    for (let y = 0; y < h / 2; y++)
      for (let x = 0; x < w / 2; x++) {
        let r = 0,
          g = 0,
          b = 0;
        for (const [ox, oy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          const i = 3 * ((2 * y + oy) * w + 2 * x + ox);
          r += px[i]! / 4;
          g += px[i + 1]! / 4;
          b += px[i + 2]! / 4;
        }
        out[u + y * (w / 2) + x] = Math.round(128 + (224 / 255) * (-0.168736 * r - 0.331264 * g + 0.5 * b));
        out[v + y * (w / 2) + x] = Math.round(128 + (224 / 255) * (0.5 * r - 0.418688 * g - 0.081312 * b));
      }
    o += planeBytes;
  }
  return new Uint8Array(out.buffer);
}
