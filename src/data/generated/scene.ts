// Renders one generated image: a cluttered background, the main person, sometimes a second person
// nearby and an occluder in front. Right-side limbs are consistently darker than left-side ones,
// so a model can tell which arm a wrist belongs to.
import { createRgbImage, type RgbImage } from '../image.js';
import type { Rng } from '../rng.js';
import { fillCapsule, fillConvex, fillEllipse, solid, type Rgb, type Shader } from './paint.js';
import { samplePose, type Skeleton } from './pose.js';

export interface SceneOptions {
  /** Square image side in pixels. */
  imageSize: number;
  /** Probability of a second person beside the main one. */
  secondPersonProb?: number;
  /** Probability of an occluding object in front of the main person. */
  occluderProb?: number;
}

export interface Scene {
  image: RgbImage;
  /** Skeletons in image pixels (0-based), main person first. */
  people: Skeleton[];
}

function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number): number => {
    const k = (n + h * 6) % 6;
    return 255 * v * (1 - s * Math.max(0, Math.min(k, 4 - k, 1)));
  };
  return [f(5), f(3), f(1)];
}

function randomColour(rng: Rng): Rgb {
  return hsv(rng.next(), rng.uniform(0.2, 0.9), rng.uniform(0.25, 0.95));
}

/** The corners of an axis-aligned w×h rectangle from (x, y), in drawing order. */
const rectangle = (x: number, y: number, w: number, h: number): [number, number][] => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

const clamp255 = (v: number): number => (v < 0 ? 0 : Math.min(v, 255));

/** Base colour × brightness, modulated by stripes, checks or blotches. */
function texture(rng: Rng, base: Rgb, brightness: number): Shader {
  const kind = rng.int(4);
  const amp = rng.uniform(0.08, 0.3);
  const freq = rng.uniform(0.15, 0.6);
  const ang = rng.uniform(0, Math.PI);
  const ca = Math.cos(ang) * freq,
    sa = Math.sin(ang) * freq;
  const ph = rng.uniform(0, 6.3);
  const c: Rgb = [base[0] * brightness, base[1] * brightness, base[2] * brightness];
  const out: Rgb = [0, 0, 0];
  return (x, y) => {
    let m = 1;
    if (kind === 1) m = 1 + amp * Math.sign(Math.sin(x * ca + y * sa + ph));
    else if (kind === 2) m = 1 + amp * (((Math.floor(x * freq * 0.5) + Math.floor(y * freq * 0.5)) & 1) * 2 - 1);
    else if (kind === 3) m = 1 + amp * Math.sin(x * ca + ph) * Math.sin(y * sa * 1.3 + ph);
    out[0] = clamp255(c[0] * m);
    out[1] = clamp255(c[1] * m);
    out[2] = clamp255(c[2] * m);
    return out;
  };
}

function drawBackground(img: RgbImage, rng: Rng): void {
  const a = randomColour(rng),
    b = randomColour(rng);
  const ang = rng.uniform(0, Math.PI * 2);
  const gx = Math.cos(ang) / img.width,
    gy = Math.sin(ang) / img.height;
  const amp = rng.uniform(4, 16);
  const d = img.data;
  for (let y = 0, p = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++, p += 3) {
      const t = Math.min(1, Math.max(0, 0.5 + x * gx + y * gy));
      const n = (rng.next() - 0.5) * amp;
      d[p] = clamp255(a[0] + (b[0] - a[0]) * t + n);
      d[p + 1] = clamp255(a[1] + (b[1] - a[1]) * t + n);
      d[p + 2] = clamp255(a[2] + (b[2] - a[2]) * t + n);
    }
  }
  // Clutter: boxes, blobs and limb-like sticks, so joints are not just "the odd-coloured pixel".
  const s = img.width;
  const count = 6 + rng.int(12);
  for (let i = 0; i < count; i++) {
    const shade = texture(rng, randomColour(rng), 1);
    const x = rng.uniform(0, s),
      y = rng.uniform(0, s);
    const kind = rng.int(3);
    if (kind === 0) {
      const w = rng.uniform(0.05, 0.3) * s,
        h = rng.uniform(0.05, 0.3) * s;
      fillConvex(img, rectangle(x, y, w, h), shade);
    } else if (kind === 1) {
      fillEllipse(img, x, y, rng.uniform(0.02, 0.12) * s, rng.uniform(0.02, 0.12) * s, rng.uniform(0, 3.2), shade);
    } else {
      const a2 = rng.uniform(0, 6.3),
        l = rng.uniform(0.08, 0.3) * s,
        r = rng.uniform(0.01, 0.03) * s;
      fillCapsule(img, x, y, x + Math.cos(a2) * l, y + Math.sin(a2) * l, r, r * rng.uniform(0.7, 1.2), shade);
    }
  }
}

/** Draw one person with clothes; `H` is the person's height in pixels. */
function drawPerson(img: RgbImage, k: Skeleton, H: number, rng: Rng): void {
  const skin = hsv(rng.uniform(0.02, 0.1), rng.uniform(0.25, 0.6), rng.uniform(0.35, 0.95));
  const shirt = randomColour(rng),
    pants = randomColour(rng),
    shoes = hsv(rng.next(), 0.3, rng.uniform(0.1, 0.35));
  const longSleeves = rng.chance(0.5),
    longPants = rng.chance(0.6);
  const width = rng.uniform(0.8, 1.3);
  const R = rng.uniform(0.62, 0.78); // right side shade; left side is 1
  const shirtL = texture(rng, shirt, 1),
    shirtR = texture(rng, shirt, R);
  const pantsL = texture(rng, pants, 1),
    pantsR = texture(rng, pants, R);
  const skinL = solid(skin),
    skinR = solid([skin[0] * R, skin[1] * R, skin[2] * R]);
  const r = (f: number): number => f * H * width;
  const P = (j: number): [number, number] => k[j]!;
  const seg = (a: number, b: number, ra: number, rb: number, sh: Shader): void => fillCapsule(img, P(a)[0], P(a)[1], P(b)[0], P(b)[1], ra, rb, sh);
  const leg = (hip: number, kne: number, ank: number, right: boolean): void => {
    const pant = right ? pantsR : pantsL;
    seg(hip, kne, r(0.05), r(0.042), pant);
    seg(kne, ank, r(0.042), r(0.03), longPants ? pant : right ? skinR : skinL);
    const [ax, ay] = P(ank),
      [kx, ky] = P(kne);
    const ang = Math.atan2(ay - ky, ax - kx);
    fillEllipse(img, ax + Math.cos(ang) * r(0.02), ay + Math.sin(ang) * r(0.02), r(0.045), r(0.025), ang + Math.PI / 2, solid(shoes));
  };
  const arm = (sho: number, elb: number, wri: number, right: boolean): void => {
    const sl = right ? shirtR : shirtL,
      sk = right ? skinR : skinL;
    seg(sho, elb, r(0.036), r(0.03), sl);
    seg(elb, wri, r(0.03), r(0.024), longSleeves ? sl : sk);
    const [wx, wy] = P(wri),
      [ex, ey] = P(elb);
    const d = Math.hypot(wx - ex, wy - ey) || 1;
    fillEllipse(img, wx + ((wx - ex) / d) * r(0.025), wy + ((wy - ey) / d) * r(0.025), r(0.03), r(0.024), Math.atan2(wy - ey, wx - ex), sk);
  };
  const rightBehind = rng.chance(0.5);
  // Legs, torso, head, then arms (arms usually in front of the body); the far side first.
  if (rightBehind) {
    leg(8, 9, 10, true);
    leg(11, 12, 13, false);
  } else {
    leg(11, 12, 13, false);
    leg(8, 9, 10, true);
  }
  const grow = (p: [number, number], q: [number, number], f: number): [number, number] => [p[0] + (p[0] - q[0]) * f, p[1] + (p[1] - q[1]) * f];
  fillConvex(img, [grow(P(2), P(5), 0.12), grow(P(5), P(2), 0.12), grow(P(11), P(8), 0.35), grow(P(8), P(11), 0.35)], shirtL);
  // Darker right half of the torso keeps the left/right cue on the body too.
  const mid = (a: [number, number], b: [number, number]): [number, number] => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  fillConvex(img, [grow(P(2), P(5), 0.12), mid(P(2), P(5)), mid(P(8), P(11)), grow(P(8), P(11), 0.35)], shirtR);
  seg(1, 0, r(0.028), r(0.028), solid(skin));
  const [hx, hy] = P(0),
    [nx, ny] = P(1);
  const hl = Math.hypot(hx - nx, hy - ny) || 1;
  const hr = Math.min(r(0.07), hl * 0.5);
  fillEllipse(img, hx + ((nx - hx) / hl) * hr, hy + ((ny - hy) / hl) * hr, hr * 0.85, hr, Math.atan2(ny - hy, nx - hx) - Math.PI / 2, solid(skin));
  // Hair on the top of the head.
  fillEllipse(
    img,
    hx + ((nx - hx) / hl) * hr * 0.7,
    hy + ((ny - hy) / hl) * hr * 0.7,
    hr * 0.8,
    hr * 0.55,
    Math.atan2(ny - hy, nx - hx) - Math.PI / 2,
    solid(hsv(rng.uniform(0, 0.12), 0.5, rng.uniform(0.05, 0.5))),
  );
  if (rightBehind) {
    arm(2, 3, 4, true);
    arm(5, 6, 7, false);
  } else {
    arm(5, 6, 7, false);
    arm(2, 3, 4, true);
  }
}

/** Render a scene. The main person is large and near the centre; all randomness comes from `rng`. */
export function renderScene(rng: Rng, opts: SceneOptions): Scene {
  const s = opts.imageSize;
  const img = createRgbImage(s, s);
  drawBackground(img, rng);
  const H = s * rng.uniform(0.5, 0.72);
  const main: [number, number] = [s * rng.uniform(0.42, 0.58), s * rng.uniform(0.5, 0.62)];
  const people: Skeleton[] = [samplePose(rng, { height: H, pelvis: main })];
  const second = rng.chance(opts.secondPersonProb ?? 0.3);
  if (second) {
    const H2 = H * rng.uniform(0.75, 1.05);
    const side = rng.chance(0.5) ? -1 : 1;
    const pelvis2: [number, number] = [main[0] + side * H * rng.uniform(0.45, 0.75), main[1] + H * rng.uniform(-0.1, 0.1)];
    people.push(samplePose(rng, { height: H2, pelvis: pelvis2 }));
    drawPerson(img, people[1]!, H2, rng); // behind the main person
  }
  drawPerson(img, people[0]!, H, rng);
  if (rng.chance(opts.occluderProb ?? 0.25)) {
    const j = people[0]![2 + rng.int(12)]!; // somewhere on a limb
    const w = H * rng.uniform(0.1, 0.25),
      h = H * rng.uniform(0.1, 0.25);
    const x = j[0] + rng.uniform(-w, 0.2 * w),
      y = j[1] + rng.uniform(-h, 0.2 * h);
    fillConvex(img, rectangle(x, y, w, h), texture(rng, randomColour(rng), 1));
  }
  return { image: img, people };
}
