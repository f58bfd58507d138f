import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateSample, generatedSpec, NUM_JOINTS, preprocess, noAugment } from '../../src/data/index.js';

const spec = generatedSpec({ seed: 3, imageSize: 160 });

test('deterministic by seed and index; different seeds and splits differ', () => {
  const a = generateSample(spec, 17),
    b = generateSample(spec, 17);
  assert.equal(a.image.data, b.image.data);
  assert.equal(Array.from(a.persons[0]!.joints), Array.from(b.persons[0]!.joints));
  const c = generateSample(generatedSpec({ seed: 4, imageSize: 160 }), 17);
  assert.not.equal(Array.from(a.persons[0]!.joints), Array.from(c.persons[0]!.joints));
  const v = generateSample(generatedSpec({ seed: 3, imageSize: 160, split: 'val' }), 17);
  assert.not.equal(Array.from(a.persons[0]!.joints), Array.from(v.persons[0]!.joints));
});

test('people are large, annotated, front-facing; some scenes have a second person', () => {
  let second = 0;
  for (let i = 0; i < 60; i++) {
    const s = generateSample(spec, i);
    if (s.persons.length > 1) second++;
    const p = s.persons[0]!;
    let annotated = 0;
    for (let j = 0; j < NUM_JOINTS; j++) annotated += p.joints[j * 3 + 2]!;
    assert.ok(annotated >= 12, `sample ${i}: ${annotated} joints inside the image`);
    assert.ok(p.scale * 200 > 0.3 * 160, `sample ${i}: person only ${p.scale * 200}px`);
    // Person-centric: the right shoulder is on the image's left of the left shoulder (leans stay under 90°).
    assert.ok(p.joints[2 * 3]! < p.joints[5 * 3]!, `sample ${i}: shoulders swapped`);
    // Head above the ankles on average.
    assert.ok(p.joints[1]! < (p.joints[10 * 3 + 1]! + p.joints[13 * 3 + 1]!) / 2);
  }
  assert.ok(second >= 8 && second <= 35, `${second} of 60 scenes have a second person`);
});

test('a second person with under 2 joints inside the picture is left unannotated, not an error', () => {
  // Sample 71 911 (seed 0, 160 px) draws a second person with one joint inside the picture; it once stopped training.
  const s = generateSample(generatedSpec({ seed: 0, imageSize: 160 }), 71911);
  assert.is(s.persons.length, 1);
  assert.is(s.main, 0);
  assert.is(Array.from(s.persons[0]!.joints).filter((v, i) => i % 3 === 2 && v === 1).length, 14);
});

test('right-side limbs are drawn darker than left-side ones (a learnable left/right cue)', () => {
  let darker = 0,
    total = 0;
  const lum = (img: { width: number; data: Uint8Array }, x: number, y: number): number => {
    const p = (Math.round(y) * img.width + Math.round(x)) * 3;
    return img.data[p]! + img.data[p + 1]! + img.data[p + 2]!;
  };
  for (let i = 0; i < 80; i++) {
    const s = generateSample(spec, i);
    const j = s.persons[0]!.joints;
    // Midpoints of the thighs (hip→knee), usually visible.
    const mid = (a: number, b: number): [number, number] => [(j[a * 3]! + j[b * 3]!) / 2, (j[a * 3 + 1]! + j[b * 3 + 1]!) / 2];
    const [rx, ry] = mid(8, 9),
      [lx, ly] = mid(11, 12);
    if (Math.hypot(rx - lx, ry - ly) < 12) continue; // overlapping legs: skip
    total++;
    if (lum(s.image, rx, ry) < lum(s.image, lx, ly)) darker++;
  }
  assert.ok(darker / total > 0.6, `right thigh darker in ${darker} of ${total}`);
});

test('a joint is not simply the brightest pixel of the image', () => {
  let brightestIsJoint = 0;
  for (let i = 0; i < 30; i++) {
    const s = preprocess(generateSample(spec, i), noAugment(), { size: 128 });
    const plane = 128 * 128;
    let best = -Infinity,
      at = 0;
    for (let k = 0; k < plane; k++) {
      const v = s.image[k]! + s.image[plane + k]! + s.image[2 * plane + k]!;
      if (v > best) {
        best = v;
        at = k;
      }
    }
    const x = at % 128,
      y = Math.floor(at / 128);
    for (let j = 0; j < NUM_JOINTS; j++)
      if (Math.hypot(s.joints[j * 3]! - x, s.joints[j * 3 + 1]! - y) < 3) {
        brightestIsJoint++;
        break;
      }
  }
  assert.ok(brightestIsJoint < 8, `brightest pixel sits on a joint in ${brightestIsJoint} of 30`);
});

test.run();
