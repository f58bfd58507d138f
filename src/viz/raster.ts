// A small RGBA raster and the drawing primitives the pictures need. Pure: no Node built-ins.
import { glyphFor, GLYPH_WIDTH, GLYPH_HEIGHT } from './font5x7.js';

/** An RGBA image, row-major, 4 bytes per pixel, non-premultiplied. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** A colour as [r, g, b] or [r, g, b, a], each 0–255. */
export type Color = readonly [number, number, number] | readonly [number, number, number, number];

export const WHITE: Color = [255, 255, 255];

export function createRaster(width: number, height: number, fill: Color = [0, 0, 0, 0]): Raster {
  const w = Math.max(0, Math.round(width));
  const h = Math.max(0, Math.round(height));
  const data = new Uint8ClampedArray(w * h * 4);
  const [r, g, b, a = 255] = fill;
  for (let i = 0; i < data.length; i += 4) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
    data[i + 3] = a;
  }
  return { width: w, height: h, data };
}

/** Wraps RGB (3 bytes/pixel) or RGBA (4 bytes/pixel) pixels, e.g. a decoded JPEG, as a raster (copies). */
export function rasterFromPixels(width: number, height: number, pixels: ArrayLike<number>, channels: 3 | 4): Raster {
  const out = createRaster(width, height);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    out.data[i * 4] = pixels[j]!;
    out.data[i * 4 + 1] = pixels[j + 1]!;
    out.data[i * 4 + 2] = pixels[j + 2]!;
    out.data[i * 4 + 3] = channels === 4 ? pixels[j + 3]! : 255;
  }
  return out;
}

export function getPixel(r: Raster, x: number, y: number): [number, number, number, number] {
  const i = (y * r.width + x) * 4;
  return [r.data[i]!, r.data[i + 1]!, r.data[i + 2]!, r.data[i + 3]!];
}

/** Source-over blend of `color` at (x, y); `coverage` in [0, 1] scales the colour's alpha (anti-aliasing). */
export function blendPixel(r: Raster, x: number, y: number, color: Color, coverage = 1): void {
  if (x < 0 || y < 0 || x >= r.width || y >= r.height) return;
  const sa = ((color[3] ?? 255) / 255) * Math.min(1, Math.max(0, coverage));
  if (sa <= 0) return;
  const i = (y * r.width + x) * 4;
  const d = r.data;
  const da = d[i + 3]! / 255;
  const oa = sa + da * (1 - sa);
  for (let c = 0; c < 3; c++) d[i + c] = (color[c]! * sa + d[i + c]! * da * (1 - sa)) / oa;
  d[i + 3] = oa * 255;
}

export function fillRect(r: Raster, x: number, y: number, w: number, h: number, color: Color): void {
  const x0 = Math.max(0, Math.round(x)),
    y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(r.width, Math.round(x + w)),
    y1 = Math.min(r.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) blendPixel(r, xx, yy, color);
}

/** Outline of a rectangle, `thickness` pixels inward. */
export function strokeRect(r: Raster, x: number, y: number, w: number, h: number, color: Color, thickness = 1): void {
  fillRect(r, x, y, w, thickness, color);
  fillRect(r, x, y + h - thickness, w, thickness, color);
  fillRect(r, x, y + thickness, thickness, h - 2 * thickness, color);
  fillRect(r, x + w - thickness, y + thickness, thickness, h - 2 * thickness, color);
}

/** Filled disc centred at continuous pixel coordinates (cx, cy); pixel (i, j) has its centre at (i, j). */
export function fillCircle(r: Raster, cx: number, cy: number, radius: number, color: Color, antialias = true): void {
  const x0 = Math.floor(cx - radius - 1),
    x1 = Math.ceil(cx + radius + 1);
  const y0 = Math.floor(cy - radius - 1),
    y1 = Math.ceil(cy + radius + 1);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const cover = antialias ? radius + 0.5 - d : d <= radius ? 1 : 0;
      if (cover > 0) blendPixel(r, x, y, color, cover);
    }
  }
}

/** A line segment of the given width with round caps; anti-aliased by distance to the segment. */
export function drawLine(r: Raster, x0: number, y0: number, x1: number, y1: number, color: Color, width = 1, antialias = true): void {
  const half = width / 2;
  const minX = Math.floor(Math.min(x0, x1) - half - 1),
    maxX = Math.ceil(Math.max(x0, x1) + half + 1);
  const minY = Math.floor(Math.min(y0, y1) - half - 1),
    maxY = Math.ceil(Math.max(y0, y1) + half + 1);
  const dx = x1 - x0,
    dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  for (let y = Math.max(0, minY); y <= Math.min(r.height - 1, maxY); y++) {
    for (let x = Math.max(0, minX); x <= Math.min(r.width - 1, maxX); x++) {
      const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / len2));
      const d = Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
      // A 1-px line must still cover the pixels it passes through, hence the 0.5 floor on the half width.
      const h = Math.max(half, 0.5);
      const cover = antialias ? h + 0.5 - d : d <= h ? 1 : 0;
      if (cover > 0) blendPixel(r, x, y, color, cover);
    }
  }
}

/** A polyline through the points (used by charts); each pixel is blended once, so joints between segments show no seams. */
export function drawPolyline(r: Raster, points: readonly (readonly [number, number])[], color: Color, width = 1): void {
  if (points.length === 0) return;
  const h = Math.max(width / 2, 0.5);
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  const x0 = Math.max(0, Math.floor(minX - h - 1)),
    y0 = Math.max(0, Math.floor(minY - h - 1));
  const x1 = Math.min(r.width - 1, Math.ceil(maxX + h + 1)),
    y1 = Math.min(r.height - 1, Math.ceil(maxY + h + 1));
  if (x1 < x0 || y1 < y0) return;
  const bw = x1 - x0 + 1;
  const cover = new Float32Array(bw * (y1 - y0 + 1));
  for (let i = 0; i < Math.max(1, points.length - 1); i++) {
    const a = points[i]!,
      b = points[Math.min(i + 1, points.length - 1)]!;
    const dx = b[0] - a[0],
      dy = b[1] - a[1],
      len2 = dx * dx + dy * dy;
    const sx0 = Math.max(x0, Math.floor(Math.min(a[0], b[0]) - h - 1)),
      sx1 = Math.min(x1, Math.ceil(Math.max(a[0], b[0]) + h + 1));
    const sy0 = Math.max(y0, Math.floor(Math.min(a[1], b[1]) - h - 1)),
      sy1 = Math.min(y1, Math.ceil(Math.max(a[1], b[1]) + h + 1));
    for (let y = sy0; y <= sy1; y++) {
      for (let x = sx0; x <= sx1; x++) {
        const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - a[0]) * dx + (y - a[1]) * dy) / len2));
        const c = h + 0.5 - Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy));
        const k = (y - y0) * bw + (x - x0);
        if (c > cover[k]!) cover[k] = c;
      }
    }
  }
  for (let k = 0; k < cover.length; k++) {
    if (cover[k]! > 0) blendPixel(r, x0 + (k % bw), y0 + Math.floor(k / bw), color, cover[k]!);
  }
}

export interface BlitOptions {
  /** Target size; defaults to the source size. */
  width?: number;
  height?: number;
  /** Multiplies the source alpha, 0–1. */
  opacity?: number;
  /** 'nearest' keeps heatmap cells crisp; 'bilinear' smooths photos. */
  filter?: 'nearest' | 'bilinear';
}

/** Draws `src` onto `dst` with its top-left at (dx, dy), scaled to the target size and alpha-blended. */
export function blit(dst: Raster, src: Raster, dx: number, dy: number, opts: BlitOptions = {}): void {
  const tw = Math.round(opts.width ?? src.width),
    th = Math.round(opts.height ?? src.height);
  const opacity = opts.opacity ?? 1;
  const bilinear = opts.filter === 'bilinear';
  const sx = src.width / tw,
    sy = src.height / th;
  const px: [number, number, number, number] = [0, 0, 0, 0];
  for (let y = 0; y < th; y++) {
    const ty = Math.round(dy) + y;
    if (ty < 0 || ty >= dst.height) continue;
    for (let x = 0; x < tw; x++) {
      const tx = Math.round(dx) + x;
      if (tx < 0 || tx >= dst.width) continue;
      // Pixel centres align: target centre (x + 0.5) maps to source (x + 0.5) * scale.
      const u = (x + 0.5) * sx - 0.5,
        v = (y + 0.5) * sy - 0.5;
      if (bilinear) sampleBilinear(src, u, v, px);
      else {
        const i = (Math.min(src.height - 1, Math.max(0, Math.round(v))) * src.width + Math.min(src.width - 1, Math.max(0, Math.round(u)))) * 4;
        px[0] = src.data[i]!;
        px[1] = src.data[i + 1]!;
        px[2] = src.data[i + 2]!;
        px[3] = src.data[i + 3]!;
      }
      blendPixel(dst, tx, ty, [px[0], px[1], px[2], px[3] * opacity]);
    }
  }
}

function sampleBilinear(src: Raster, u: number, v: number, out: [number, number, number, number]): void {
  const cu = Math.min(src.width - 1, Math.max(0, u)),
    cv = Math.min(src.height - 1, Math.max(0, v));
  const x0 = Math.floor(cu),
    y0 = Math.floor(cv);
  const x1 = Math.min(src.width - 1, x0 + 1),
    y1 = Math.min(src.height - 1, y0 + 1);
  const fx = cu - x0,
    fy = cv - y0;
  const d = src.data;
  for (let c = 0; c < 4; c++) {
    const a = d[(y0 * src.width + x0) * 4 + c]!,
      b = d[(y0 * src.width + x1) * 4 + c]!;
    const e = d[(y1 * src.width + x0) * 4 + c]!,
      f = d[(y1 * src.width + x1) * 4 + c]!;
    out[c] = (a * (1 - fx) + b * fx) * (1 - fy) + (e * (1 - fx) + f * fx) * fy;
  }
}

/** Width in pixels of `text` drawn at integer `scale` with the 5×7 font (1 px spacing). */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

export const TEXT_HEIGHT = GLYPH_HEIGHT;

/** Draws `text` with its top-left at (x, y) in the built-in 5×7 font, each font pixel `scale`×`scale`. */
export function drawText(r: Raster, text: string, x: number, y: number, color: Color, scale = 1): void {
  let cx = Math.round(x);
  const top = Math.round(y);
  for (const ch of text) {
    const rows = glyphFor(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (rows[gy]![gx] === '#') fillRect(r, cx + gx * scale, top + gy * scale, scale, scale, color);
      }
    }
    cx += (GLYPH_WIDTH + 1) * scale;
  }
}

/** Vertical text (rotated 90° counter-clockwise), reading bottom to top, starting at (x, y) = bottom-left. */
export function drawTextVertical(r: Raster, text: string, x: number, y: number, color: Color, scale = 1): void {
  let cy = Math.round(y);
  const left = Math.round(x);
  for (const ch of text) {
    const rows = glyphFor(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (rows[gy]![gx] === '#') fillRect(r, left + gy * scale, cy - (gx + 1) * scale, scale, scale, color);
      }
    }
    cy -= (GLYPH_WIDTH + 1) * scale;
  }
}
