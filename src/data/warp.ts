// The one resampling step: an affine warp with bilinear sampling from an RGB image straight into
// the network's normalised CHW input. Augmentation and evaluation both come through here.
import type { Affine } from '../pose/affine.js';
import type { RgbImage } from './image.js';

export type ChannelOrder = 'bgr' | 'rgb';

export interface WarpOptions {
  /** Output channel order; 'bgr' (default) matches the released CPM networks. */
  order?: ChannelOrder;
  /** Value for pixels outside the image (default 128, which normalises to 0). */
  pad?: number;
}

/**
 * Fill `out` (3×size×size from `offset`) with the image sampled at cropToImage(u, v) for every crop
 * pixel (u, v); pixel centres are at integer 0-based coordinates. Values are v/256 − 0.5.
 */
export function warpToChw(
  img: RgbImage,
  cropToImage: Affine,
  size: number,
  opts: WarpOptions = {},
  out: Float32Array = new Float32Array(3 * size * size),
  offset = 0,
): Float32Array {
  const pad = opts.pad ?? 128;
  const bgr = (opts.order ?? 'bgr') === 'bgr';
  const plane = size * size;
  const c0 = offset + (bgr ? 2 : 0) * plane; // where R goes
  const c1 = offset + plane; // G
  const c2 = offset + (bgr ? 0 : 2) * plane; // B
  const { width: w, height: h, data } = img;
  const [a, b, c, d, e, f] = cropToImage;
  const inv = 1 / 256;
  const padN = pad * inv - 0.5;
  for (let v = 0; v < size; v++) {
    let sx = b * v + c;
    let sy = e * v + f;
    let o = v * size;
    for (let u = 0; u < size; u++, o++, sx += a, sy += d) {
      const x0 = Math.floor(sx),
        y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) {
        out[c0 + o] = padN;
        out[c1 + o] = padN;
        out[c2 + o] = padN;
        continue;
      }
      const fx = sx - x0,
        fy = sy - y0;
      const w00 = (1 - fx) * (1 - fy),
        w10 = fx * (1 - fy),
        w01 = (1 - fx) * fy,
        w11 = fx * fy;
      let r: number, g: number, bl: number;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        const p00 = (y0 * w + x0) * 3,
          p10 = p00 + 3,
          p01 = p00 + w * 3,
          p11 = p01 + 3;
        r = w00 * data[p00]! + w10 * data[p10]! + w01 * data[p01]! + w11 * data[p11]!;
        g = w00 * data[p00 + 1]! + w10 * data[p10 + 1]! + w01 * data[p01 + 1]! + w11 * data[p11 + 1]!;
        bl = w00 * data[p00 + 2]! + w10 * data[p10 + 2]! + w01 * data[p01 + 2]! + w11 * data[p11 + 2]!;
      } else {
        // Border: taps outside the image read the pad value.
        r = 0;
        g = 0;
        bl = 0;
        const taps: [number, number, number][] = [
          [x0, y0, w00],
          [x0 + 1, y0, w10],
          [x0, y0 + 1, w01],
          [x0 + 1, y0 + 1, w11],
        ];
        for (const [x, y, wt] of taps) {
          if (x >= 0 && y >= 0 && x < w && y < h) {
            const p = (y * w + x) * 3;
            r += wt * data[p]!;
            g += wt * data[p + 1]!;
            bl += wt * data[p + 2]!;
          } else {
            r += wt * pad;
            g += wt * pad;
            bl += wt * pad;
          }
        }
      }
      out[c0 + o] = r * inv - 0.5;
      out[c1 + o] = g * inv - 0.5;
      out[c2 + o] = bl * inv - 0.5;
    }
  }
  return out;
}
