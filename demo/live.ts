// Live pose estimation on a <video> (camera or file): one forward pass per shown frame, and frames that
// arrive while one is still running are dropped, not queued. The crop follows the person: a box the user
// drew, else the last confident frame's pose, else the frame's centre. Everything a frame allocates on the GPU
// is freed by predictPose, so the engine's memory, shown with the frame rate, stays flat.
import {
  predictPose,
  data,
  evaluation,
  rasterFromRgb,
  drawSkeleton,
  heatmapRaster,
  fromRasterToImageData,
  paintRaster,
  rgbFromPixels,
  type CpmModel,
  type MemoryStats,
} from './browser-api.js';

export interface LiveFrame {
  /** 1-based count of processed frames. */
  frame: number;
  /** The frame's stamped number (see frame-tag.ts), when the loop was given a reader. */
  tag: number | null;
  /** Last stage's joints in video pixels. */
  pose: evaluation.Pose;
  ms: number;
  memory: MemoryStats;
}

export interface LiveView {
  /** The video frame with the skeleton drawn over it (also where a box is drawn with the mouse). */
  overlay: HTMLCanvasElement;
  /** Fig. 1 of the paper: the chosen joint's belief map at each stage, side by side. */
  stages: HTMLCanvasElement;
  stats: HTMLElement;
  /** The joint shown in the stage view (CPM order). */
  joint(): number;
}

export interface LiveOptions {
  model(): CpmModel;
  onError(e: unknown): void;
  readTag?: (img: data.RgbImage) => number;
}

/** Frames over which the frame rate is averaged. */
const FPS_WINDOW = 10;
const STAGE_TILE = 96;
/** Mean peak belief under which a frame's pose is not trusted to move the crop. */
const LOST_SCORE = 0.1;

export class LiveLoop {
  processed = 0;
  dropped = 0;
  readonly log: LiveFrame[] = [];
  private running = false;
  private busy = false;
  /** Where the next crop goes, [x0, y0, x1, y1] in video pixels; null: the whole frame. */
  private box: [number, number, number, number] | null = null;
  private times: number[] = [];
  private readonly grab: OffscreenCanvasRenderingContext2D;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly view: LiveView,
    private readonly opts: LiveOptions,
  ) {
    this.grab = new OffscreenCanvas(1, 1).getContext('2d', { willReadFrequently: true })!;
    this.listenForBox();
  }

  get fps(): number {
    const t = this.times;
    return t.length < 2 ? 0 : ((t.length - 1) * 1000) / (t[t.length - 1]! - t[0]!);
  }

  start(): void {
    this.running = true;
    this.box = null;
    this.video.requestVideoFrameCallback(this.onFrame);
  }

  stop(): void {
    this.running = false;
  }

  /** Called by the video for every frame it presents; drops the frame when the previous one is still running. */
  private readonly onFrame = (): void => {
    if (!this.running) return;
    this.video.requestVideoFrameCallback(this.onFrame);
    if (this.busy) {
      this.dropped++;
      return;
    }
    this.busy = true;
    this.process()
      .catch((e) => {
        this.stop();
        this.opts.onError(e);
      })
      .finally(() => (this.busy = false));
  };

  private async process(): Promise<void> {
    const t0 = performance.now();
    const image = this.frameImage();
    const person = this.personFor(image.width, image.height);
    const r = await predictPose(this.opts.model(), { id: `frame ${this.processed + 1}`, image, persons: [person], main: 0 });
    if (r.scores.reduce((a, v) => a + v, 0) / r.scores.length >= LOST_SCORE) this.box = boxOf(r.pose) ?? this.box;
    this.processed++;
    const ms = performance.now() - t0;
    this.times.push(performance.now());
    if (this.times.length > FPS_WINDOW) this.times.shift();
    const memory = this.opts.model().engine.memory();
    this.log.push({ frame: this.processed, tag: this.opts.readTag?.(image) ?? null, pose: r.pose, ms, memory });
    this.draw(image, r.pose, r.beliefs, r.sample.grid);
    this.view.stats.textContent =
      `${this.fps.toFixed(1)} fps (${ms.toFixed(0)} ms per frame), ${this.processed} frames, ${this.dropped} dropped\n` +
      `GPU memory: ${memory.liveTensors} live tensors (${memory.liveBytes} B), pool ${memory.allocatedBytes} B allocated, ${memory.pooledBytes} B free`;
  }

  /** The video's current frame as RGB. */
  private frameImage(): data.RgbImage {
    const w = this.video.videoWidth,
      h = this.video.videoHeight;
    const c = this.grab.canvas;
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    this.grab.drawImage(this.video, 0, 0);
    return rgbFromPixels(this.grab.getImageData(0, 0, w, h));
  }

  /** The person the crop is made for: at this.box, or the whole frame. */
  private personFor(width: number, height: number): data.Person {
    const joints = new Float32Array(data.NUM_JOINTS * 3);
    const whole = data.personFromImageFrame(joints, width, height);
    if (!this.box) return whole;
    const [x0, y0, x1, y1] = this.box;
    // The generated-people rule (personFromJointBox): the box's longer side is the person's height, scale = side / 200;
    // kept within a factor of the whole-frame crop so one bad frame cannot shrink or blow up the crop for good.
    const scale = Math.min(Math.max(Math.max(x1 - x0, y1 - y0) / 200, whole.scale / 3), whole.scale * 1.5);
    return { joints, center: [(x0 + x1) / 2, (y0 + y1) / 2], scale };
  }

  private draw(image: data.RgbImage, pose: evaluation.Pose, beliefs: Float32Array[], grid: number): void {
    const r = rasterFromRgb(image);
    drawSkeleton(r, pose, { lineWidth: 2 });
    paintRaster(this.view.overlay, r);
    const j = this.view.joint();
    const c = this.view.stages;
    c.width = beliefs.length * (STAGE_TILE + 4);
    c.height = STAGE_TILE + 16;
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    const tile = new OffscreenCanvas(grid, grid);
    beliefs.forEach((b, t) => {
      tile
        .getContext('2d')!
        .putImageData(fromRasterToImageData(heatmapRaster(b.subarray(j * grid * grid, (j + 1) * grid * grid), grid, grid, { min: 0, max: 1 })), 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(tile, t * (STAGE_TILE + 4), 16, STAGE_TILE, STAGE_TILE);
      ctx.fillStyle = '#222';
      ctx.fillText(`stage ${t + 1}`, t * (STAGE_TILE + 4) + 2, 12);
    });
  }

  /** Drag on the overlay to draw a box around the person; the next frame is cropped there. */
  private listenForBox(): void {
    const c = this.view.overlay;
    let from: [number, number] | null = null;
    const at = (e: MouseEvent): [number, number] => {
      const b = c.getBoundingClientRect();
      return [((e.clientX - b.left) * c.width) / b.width, ((e.clientY - b.top) * c.height) / b.height];
    };
    c.addEventListener('mousedown', (e) => (from = at(e)));
    c.addEventListener('mouseup', (e) => {
      if (!from) return;
      const to = at(e);
      if (Math.abs(to[0] - from[0]) > 8 && Math.abs(to[1] - from[1]) > 8) {
        this.box = [Math.min(from[0], to[0]), Math.min(from[1], to[1]), Math.max(from[0], to[0]), Math.max(from[1], to[1])];
      }
      from = null;
    });
  }
}

function boxOf(pose: evaluation.Pose): [number, number, number, number] | null {
  const b = evaluation.boxOfJoints(pose);
  return b ? [b.x0, b.y0, b.x1, b.y1] : null;
}
