// Anti-aliased filled shapes on an RgbImage, coloured by a per-pixel shader (for textures).
import type { RgbImage } from '../image.js';

export type Rgb = [number, number, number];
/** Colour at pixel (x, y). */
export type Shader = (x: number, y: number) => Rgb;

export function solid(c: Rgb): Shader {
  return () => c;
}

function blend(img: RgbImage, x: number, y: number, c: Rgb, cover: number): void {
  const p = (y * img.width + x) * 3;
  const d = img.data;
  d[p] = d[p]! + (c[0] - d[p]!) * cover;
  d[p + 1] = d[p + 1]! + (c[1] - d[p + 1]!) * cover;
  d[p + 2] = d[p + 2]! + (c[2] - d[p + 2]!) * cover;
}

/** Visit pixels of a clipped box, painting where `coverage(x, y)` > 0. */
function paintBox(img: RgbImage, x0: number, y0: number, x1: number, y1: number, coverage: (x: number, y: number) => number, shade: Shader): void {
  const xa = Math.max(0, Math.floor(x0)),
    xb = Math.min(img.width - 1, Math.ceil(x1));
  const ya = Math.max(0, Math.floor(y0)),
    yb = Math.min(img.height - 1, Math.ceil(y1));
  for (let y = ya; y <= yb; y++) {
    for (let x = xa; x <= xb; x++) {
      const c = coverage(x, y);
      if (c > 0) blend(img, x, y, shade(x, y), Math.min(c, 1));
    }
  }
}

/** A segment with round ends whose radius goes from ra at A to rb at B (a limb). */
export function fillCapsule(img: RgbImage, ax: number, ay: number, bx: number, by: number, ra: number, rb: number, shade: Shader): void {
  const dx = bx - ax,
    dy = by - ay;
  const l2 = Math.max(dx * dx + dy * dy, 1e-9);
  const r = Math.max(ra, rb) + 1;
  paintBox(
    img,
    Math.min(ax, bx) - r,
    Math.min(ay, by) - r,
    Math.max(ax, bx) + r,
    Math.max(ay, by) + r,
    (x, y) => {
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / l2));
      const px = ax + t * dx - x,
        py = ay + t * dy - y;
      return ra + (rb - ra) * t - Math.sqrt(px * px + py * py) + 0.5;
    },
    shade,
  );
}

/** Rotated ellipse. */
export function fillEllipse(img: RgbImage, cx: number, cy: number, rx: number, ry: number, angle: number, shade: Shader): void {
  const c = Math.cos(angle),
    s = Math.sin(angle);
  const r = Math.max(rx, ry) + 1;
  paintBox(
    img,
    cx - r,
    cy - r,
    cx + r,
    cy + r,
    (x, y) => {
      const u = ((x - cx) * c + (y - cy) * s) / rx,
        v = (-(x - cx) * s + (y - cy) * c) / ry;
      const q = Math.sqrt(u * u + v * v);
      return (1 - q) * Math.min(rx, ry) + 0.5; // approximate distance to the edge
    },
    shade,
  );
}

/** Convex polygon (any winding). */
export function fillConvex(img: RgbImage, pts: readonly [number, number][], shade: Shader): void {
  const n = pts.length;
  let area = 0;
  for (let i = 0; i < n; i++) {
    const [x0, y0] = pts[i]!,
      [x1, y1] = pts[(i + 1) % n]!;
    area += x0 * y1 - x1 * y0;
  }
  const sgn = area >= 0 ? 1 : -1;
  const edges = pts.map((p, i) => {
    const q = pts[(i + 1) % n]!;
    const ex = q[0] - p[0],
      ey = q[1] - p[1];
    const l = Math.hypot(ex, ey) || 1;
    return [p[0], p[1], (sgn * -ey) / l, (sgn * ex) / l] as const; // inward normal
  });
  const xs = pts.map((p) => p[0]),
    ys = pts.map((p) => p[1]);
  paintBox(
    img,
    Math.min(...xs) - 1,
    Math.min(...ys) - 1,
    Math.max(...xs) + 1,
    Math.max(...ys) + 1,
    (x, y) => {
      let m = Infinity;
      for (const [px, py, nx, ny] of edges) m = Math.min(m, (x - px) * nx + (y - py) * ny);
      return m + 0.5;
    },
    shade,
  );
}
