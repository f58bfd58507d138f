import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyAffine,
  createRgbImage,
  FLIP_PARTNER,
  NUM_JOINTS,
  Rng,
  preprocess,
  preprocessForEval,
  sampleAugment,
  noAugment,
  personFromJointBox,
  type RawSample,
  type Sample,
} from '../../src/data/index.js';

const W = 240,
  H = 320;

/** A grey image (the pad value, so padding is not mistaken for the dot) with one bright disc at joint `j`. */
function scene(rng: Rng, j: number): RawSample {
  const img = createRgbImage(W, H);
  img.data.fill(128);
  const joints = new Float32Array(NUM_JOINTS * 3);
  for (let k = 0; k < NUM_JOINTS; k++) {
    joints[k * 3] = 60 + rng.int(120);
    joints[k * 3 + 1] = 80 + rng.int(160);
    joints[k * 3 + 2] = 1;
  }
  const [x, y] = [joints[j * 3]!, joints[j * 3 + 1]!];
  for (let dy = -3; dy <= 3; dy++)
    for (let dx = -3; dx <= 3; dx++) {
      if (dx * dx + dy * dy > 9) continue;
      img.data.fill(255, ((y + dy) * W + x + dx) * 3, ((y + dy) * W + x + dx) * 3 + 3);
    }
  return { id: 'dot', image: img, persons: [personFromJointBox(joints, 'dot')], main: 0 };
}

/** Centroid of the bright pixels of the crop (sum of the 3 channels). */
function brightCentroid(s: Sample): [number, number] | null {
  const S = s.size,
    plane = S * S;
  let max = -Infinity;
  for (let i = 0; i < plane; i++) max = Math.max(max, s.image[i]! + s.image[plane + i]! + s.image[2 * plane + i]!);
  const base = 0;
  if (max < base + 0.5) return null; // the dot left the crop
  const thr = base + (max - base) * 0.5;
  let sx = 0,
    sy = 0,
    sw = 0;
  for (let i = 0; i < plane; i++) {
    const v = s.image[i]! + s.image[plane + i]! + s.image[2 * plane + i]!;
    if (v > thr) {
      const w = v - base;
      sx += (i % S) * w;
      sy += Math.floor(i / S) * w;
      sw += w;
    }
  }
  return [sx / sw, sy / sw];
}

function argmaxGrid(t: Float32Array, channel: number, G: number): [number, number, number] {
  let best = -1,
    at = 0;
  for (let i = 0; i < G * G; i++)
    if (t[channel * G * G + i]! > best) {
      best = t[channel * G * G + i]!;
      at = i;
    }
  return [3.5 + 8 * (at % G), 3.5 + 8 * Math.floor(at / G), best];
}

for (const size of [368, 128]) {
  test(`a dot drawn at a joint lands on the argmax of that joint's target (S = ${size}; rotation, scale, flip, crop)`, () => {
    const rng = new Rng(size);
    let checked = 0,
      flipped = 0;
    for (let trial = 0; trial < 60; trial++) {
      const j = trial % NUM_JOINTS;
      const raw = scene(rng, j);
      const aug = sampleAugment(rng);
      const s = preprocess(raw, aug, { size });
      const c = brightCentroid(s);
      const channel = aug.flip ? FLIP_PARTNER[j]! : j;
      const jx = s.joints[channel * 3]!,
        jy = s.joints[channel * 3 + 1]!;
      if (!c || jx < 0 || jy < 0 || jx >= size || jy >= size) continue; // left the crop: no peak by design
      assert.ok(Math.hypot(c[0] - jx, c[1] - jy) < 1, `trial ${trial}: dot at ${c} but joint at ${jx},${jy}`);
      const [gx, gy, peak] = argmaxGrid(s.target, channel, s.grid);
      const sigma = (7 * size) / 368;
      const expected = Math.exp(-((gx - jx) ** 2 + (gy - jy) ** 2) / (2 * sigma * sigma));
      assert.ok(Math.abs(peak - expected) < 1e-5, `trial ${trial}: peak ${peak}, expected ${expected}`);
      // The argmax is the grid point nearest to where the dot landed.
      const nearest = Math.hypot(c[0] - (3.5 + 8 * Math.round((c[0] - 3.5) / 8)), c[1] - (3.5 + 8 * Math.round((c[1] - 3.5) / 8)));
      assert.ok(Math.hypot(gx - c[0], gy - c[1]) <= nearest + 1, `trial ${trial}: argmax (${gx},${gy}) vs dot (${c})`);
      checked++;
      if (aug.flip) flipped++;
    }
    assert.ok(checked >= 40, `only ${checked} trials kept the dot in the crop`);
    assert.ok(flipped >= 10 && flipped <= checked - 10, `flips ${flipped} of ${checked}`);
  });
}

test('flip mirrors the crop and swaps left and right joints', () => {
  const rng = new Rng(7);
  const raw = scene(rng, 4); // bright dot on the right wrist
  const size = 128;
  const a = preprocess(raw, { scaleMult: 1, rotation: 10, flip: false }, { size });
  const b = preprocess(raw, { scaleMult: 1, rotation: 10, flip: true }, { size });
  // Mirror about x = S/2: crop pixel u ↔ S − u.
  let maxDiff = 0;
  for (let c = 0; c < 3; c++)
    for (let v = 0; v < size; v++)
      for (let u = 1; u < size; u++) {
        maxDiff = Math.max(maxDiff, Math.abs(b.image[c * size * size + v * size + u]! - a.image[c * size * size + v * size + size - u]!));
      }
  assert.ok(maxDiff < 1e-5, `mirror mismatch ${maxDiff}`);
  for (let j = 0; j < NUM_JOINTS; j++) {
    const p = FLIP_PARTNER[j]!;
    assert.ok(Math.abs(b.joints[j * 3]! - (size - a.joints[p * 3]!)) < 1e-3);
    assert.ok(Math.abs(b.joints[j * 3 + 1]! - a.joints[p * 3 + 1]!) < 1e-3);
  }
  // Right wrist (4) ↔ left wrist (7); the dot now answers to channel 7.
  assert.is(FLIP_PARTNER[4], 7);
  assert.is(FLIP_PARTNER[2], 5);
  assert.is(FLIP_PARTNER[0], 0);
  FLIP_PARTNER.forEach((p, j) => {
    assert.is(FLIP_PARTNER[p], j);
  });
  const [gx] = argmaxGrid(b.target, 7, b.grid);
  const [ax] = argmaxGrid(a.target, 4, a.grid);
  assert.ok(Math.abs(gx - (size - ax)) <= 8, `mirrored peak ${gx} vs ${size - ax}`);
  assert.is(b.meta.flipped, true);
});

test('evaluation preprocessing: crop→image inverse maps joints back to the original (0-based) ground truth', () => {
  const raw = scene(new Rng(3), 0);
  const s = preprocessForEval(raw, { size: 368 }, 1.2);
  assert.equal(s.meta.rotation, 0);
  assert.is(s.meta.flipped, false);
  for (let j = 0; j < NUM_JOINTS; j++) {
    const [x, y] = applyAffine(s.meta.cropToImage, [s.joints[j * 3]!, s.joints[j * 3 + 1]!]);
    assert.ok(Math.abs(x - s.meta.originalJoints[j * 3]!) < 1e-3 && Math.abs(y - s.meta.originalJoints[j * 3 + 1]!) < 1e-3);
  }
  // The person's centre lands on the crop centre.
  const [cx, cy] = applyAffine(s.meta.imageToCrop, raw.persons[0]!.center);
  assert.ok(Math.abs(cx - 184) < 1e-6 && Math.abs(cy - 184) < 1e-6);
  // Padding (outside the image) is exactly 0 after normalisation.
  const far = preprocess(raw, noAugment(0.2), { size: 368 });
  assert.is(far.image[0], 0);
});

test('augmentation draws scale in [0.7, 1.3], rotation in [−40, 40], flip about half the time', () => {
  const rng = new Rng(11);
  let flips = 0;
  for (let i = 0; i < 2000; i++) {
    const a = sampleAugment(rng);
    assert.ok(a.scaleMult >= 0.7 && a.scaleMult <= 1.3);
    assert.ok(a.rotation >= -40 && a.rotation <= 40);
    if (a.flip) flips++;
  }
  assert.ok(flips > 900 && flips < 1100, `${flips} flips`);
});

test('channel order: BGR by default, RGB on request, values v/256 − 0.5', () => {
  const img = createRgbImage(50, 50);
  for (let i = 0; i < 2500; i++) {
    img.data[i * 3] = 200;
    img.data[i * 3 + 1] = 100;
    img.data[i * 3 + 2] = 0;
  }
  const joints = new Float32Array(NUM_JOINTS * 3);
  for (let k = 0; k < NUM_JOINTS; k++) {
    joints[k * 3] = 10 + 2 * k;
    joints[k * 3 + 1] = 10 + 2 * k;
    joints[k * 3 + 2] = 1;
  }
  const raw: RawSample = { id: 'c', image: img, persons: [personFromJointBox(joints, 'c')], main: 0 };
  const size = 64,
    mid = 32 * size + 32,
    plane = size * size;
  const bgr = preprocess(raw, noAugment(), { size });
  const rgb = preprocess(raw, noAugment(), { size, order: 'rgb' });
  assert.ok(Math.abs(bgr.image[mid]! - (0 / 256 - 0.5)) < 1e-6);
  assert.ok(Math.abs(bgr.image[2 * plane + mid]! - (200 / 256 - 0.5)) < 1e-6);
  assert.ok(Math.abs(rgb.image[mid]! - (200 / 256 - 0.5)) < 1e-6);
  assert.ok(Math.abs(rgb.image[plane + mid]! - (100 / 256 - 0.5)) < 1e-6);
});

test.run();
