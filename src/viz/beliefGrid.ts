// Belief maps of each stage for chosen joints, blended over the image: a row per stage, a column per joint
// (as in the CPM paper's Fig. 1 and 4), plus the image itself in the first column.
import { CPM_JOINT_SHORT_NAMES } from '../pose/joints.js';
import { heatmapRaster, type ColormapName } from './colormap.js';
import { blit, createRaster, drawText, fillRect, textWidth, TEXT_HEIGHT, type Raster } from './raster.js';

export interface BeliefGridInput {
  /** The network input crop (any size; each tile shows it at `tileSize`). */
  readonly image: Raster;
  /** Per stage: beliefs (P+1)×G×G, row-major, as the model emits them. */
  readonly stages: readonly Float32Array[];
  /** Map size G (square maps) and channel count P+1. */
  readonly mapSize: number;
  readonly channels: number;
  /** Channels to show (CPM joint indices); default: right wrist, right ankle, left wrist, left ankle, head. */
  readonly joints?: readonly number[];
}

export interface BeliefGridOptions {
  /** Tile side in pixels; default 128. */
  tileSize?: number;
  /** 'fixed': value range [0, 1] (confidence comparable across stages); 'per-map': each map's own max. */
  normalize?: 'fixed' | 'per-map';
  colormap?: ColormapName;
  /** How much the photo is darkened under the heatmap, 0–1; default 0.5. */
  dim?: number;
  /** Optional titles for rows (default "STAGE t"). */
  rowLabels?: readonly string[];
}

const DEFAULT_JOINTS = [4, 10, 7, 13, 0];

export function renderBeliefGrid(input: BeliefGridInput, opts: BeliefGridOptions = {}): Raster {
  const tile = opts.tileSize ?? 128;
  const joints = input.joints ?? DEFAULT_JOINTS;
  const G = input.mapSize;
  const labelW = textWidth('STAGE 10') + 12;
  const headerH = TEXT_HEIGHT + 10;
  const gap = 2;
  const cols = joints.length + 1;
  const rows = input.stages.length;
  const W = labelW + cols * (tile + gap),
    H = headerH + rows * (tile + gap);
  const out = createRaster(W, H, [20, 20, 20]);
  const white = [240, 240, 240] as const;

  drawText(out, 'IMAGE', labelW + (tile - textWidth('IMAGE')) / 2, 4, white);
  joints.forEach((j, c) => {
    const name = CPM_JOINT_SHORT_NAMES[j] ?? `CH${j}`;
    drawText(out, name, labelW + (c + 1) * (tile + gap) + (tile - textWidth(name)) / 2, 4, white);
  });

  input.stages.forEach((maps, t) => {
    if (maps.length !== input.channels * G * G) {
      throw new Error(`renderBeliefGrid: stage ${t + 1} has ${maps.length} values, expected ${input.channels}×${G}×${G}`);
    }
    const y = headerH + t * (tile + gap);
    drawText(out, opts.rowLabels?.[t] ?? `STAGE ${t + 1}`, 4, y + (tile - TEXT_HEIGHT) / 2, white);
    blit(out, input.image, labelW, y, { width: tile, height: tile, filter: 'bilinear' });
    joints.forEach((j, c) => {
      const x = labelW + (c + 1) * (tile + gap);
      blit(out, input.image, x, y, { width: tile, height: tile, filter: 'bilinear' });
      fillRect(out, x, y, tile, tile, [0, 0, 0, Math.round(255 * (opts.dim ?? 0.5))]);
      const map = maps.subarray(j * G * G, (j + 1) * G * G);
      const heat = heatmapRaster(map, G, G, {
        colormap: opts.colormap ?? 'jet',
        alpha: 'value',
        min: 0,
        ...(opts.normalize === 'per-map' ? {} : { max: 1 }),
      });
      blit(out, heat, x, y, { width: tile, height: tile, filter: 'bilinear' });
    });
  });
  return out;
}
