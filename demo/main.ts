// The demo page: the engine and CPM running in the browser on navigator.gpu. Also exposes
// window.cpmDemo so the browser tests can drive the same code paths.
import {
  init,
  CpmModel,
  getConfig,
  parseCheckpoint,
  predictPose,
  data,
  evaluation,
  Adam,
  renderLineChart,
  trainStep,
  skeletonOverlay,
  stageBeliefs,
  paintRaster,
  rgbFromPixels,
  personFromBox,
  type Engine,
  type Raster,
  type CpmConfig,
  type PersonBox,
} from './browser-api.js';
import * as lib from './browser-api.js';
import { timedForward } from './forward-check.js';
import { drawBox, watchBoxes } from './box.js';
import { readFrameTag } from './frame-tag.js';
import { LiveLoop } from './live.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const errorBox = $('error');
const statusBox = $('status');

function showError(e: unknown): void {
  errorBox.textContent = e instanceof Error ? e.message : String(e);
  console.error(e);
}

function status(text: string): void {
  statusBox.textContent = text;
}

function paint(canvasId: string, r: Raster): void {
  paintRaster($<HTMLCanvasElement>(canvasId), r);
}

/** The main job's checkpoint, which `npm run demo` serves from the project root; `?checkpoint=URL` picks another. */
const params = new URLSearchParams(location.search);
const DEFAULT_CHECKPOINT = '../runs/main/checkpoint.safetensors';

let engine: Engine;
let model: CpmModel;
let config: CpmConfig = getConfig('cpm-mini');
let raw: data.RawSample | null = null;
let training = false;
/** The person's box drawn on the overlay (image pixels), and the overlay's enlargement. */
let box: PersonBox | null = null;
let overlayScale = 1;

/** Where the current weights came from, shown with each inference. */
let weightsFrom = 'random weights';

function newModel(c: CpmConfig, seed = 0): void {
  model?.dispose();
  weightsFrom = `random weights, seed ${seed}`;
  config = c;
  model = new CpmModel(engine, c, seed);
}

function generatedSample(seed: number, c: CpmConfig = config): data.RawSample {
  return data.generateSample(data.generatedSpec({ seed, split: 'val', imageSize: Math.round(c.inputSize * 1.25) }), 0);
}

/** A new picture: the person is placed by the whole-image rule until a box is drawn. */
function setImage(next: data.RawSample): void {
  raw = next;
  box = null;
}

/** Crops around the person in `b` (image pixels) and runs inference. */
async function inferInBox(b: PersonBox): Promise<number> {
  raw = { ...(raw ?? generatedSample(1)), persons: [personFromBox(b)], main: 0 };
  box = b;
  return runInference();
}

async function runInference(): Promise<number> {
  if (!raw) raw = generatedSample(1);
  const t0 = performance.now();
  const r = await predictPose(model, raw);
  const ms = performance.now() - t0;
  const overlay = skeletonOverlay(raw.image, r.pose);
  paint('overlay', overlay);
  overlayScale = overlay.width / raw.image.width;
  if (box) drawBox($('overlay'), box, overlayScale);
  paint('beliefs', stageBeliefs(r.sample, r.beliefs, undefined, { tileSize: 96 }));
  const where = box ? `person in box [${box.map((v) => v.toFixed(0)).join(', ')}]` : 'drag a box on the picture to choose the person';
  status(`${engine.describe()}\ninference (${config.name}, ${weightsFrom}): ${ms.toFixed(0)} ms, ${where}`);
  return ms;
}

/** Trains on generated batches until stopped; draws the loss per stage. */
async function trainLive(steps = Infinity, batchSize = 4): Promise<number[]> {
  const opt = new Adam(model.params.size ? [...model.params.values()] : [], { lr: 2e-3 });
  const loader = data.createInProcessLoader({
    dataset: data.openGeneratedDataset({ seed: 0, imageSize: Math.round(config.inputSize * 1.25) }),
    batchSize,
    size: config.inputSize,
    seed: 0,
    epochs: Infinity,
    sigma: (8 * config.inputSize) / 128,
  });
  const losses: number[] = [];
  const t0 = performance.now();
  let step = 0;
  training = true;
  for await (const b of loader) {
    if (!training || step >= steps) break;
    const loss = await trainStepOn(opt, b, step);
    losses.push(loss);
    step++;
    const ips = (step * batchSize * 1000) / (performance.now() - t0);
    paint(
      'loss',
      renderLineChart([{ name: 'loss', x: losses.map((_, i) => i + 1), y: losses }], { width: 360, height: 240, title: `${ips.toFixed(1)} img/s`, logY: true }),
    );
    status(`training ${config.name}: step ${step}, loss ${loss.toFixed(3)}, ${ips.toFixed(1)} images/s`);
  }
  training = false;
  await loader.close();
  opt.dispose();
  return losses;
}

/** One step of the package's training step on the whole batch; the loss is the sum over stages. */
async function trainStepOn(opt: Adam, b: data.Batch, step: number): Promise<number> {
  const stages = await trainStep(model, opt, b, { microBatch: b.n, strategy: 'e2e', step, steps: Infinity, seed: 0 });
  return stages.reduce((a, v) => a + v, 0);
}

async function fetchCheckpoint(url: string): Promise<void> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  await loadCheckpointBytes(new Uint8Array(await res.arrayBuffer()), url);
}

/** On start: the checkpoint named in the URL, else the main job's if it exists, else a note on how to make one. */
async function loadStartCheckpoint(): Promise<void> {
  const asked = params.get('checkpoint');
  if (asked) return fetchCheckpoint(asked);
  const res = await fetch(DEFAULT_CHECKPOINT);
  if (res.ok) return loadCheckpointBytes(new Uint8Array(await res.arrayBuffer()), 'runs/main/checkpoint.safetensors');
  $('notice').textContent =
    'No trained checkpoint yet, so the model below has random weights. `npm run main` trains cpm-mini (3–9 minutes on a CPU) ' +
    'and writes runs/main/checkpoint.safetensors, which `npm run demo` then loads on start; or pick a checkpoint file or URL above.';
}

let live: LiveLoop;
let stream: MediaStream | null = null;

async function startLive(source: { camera: true } | { file: File }): Promise<void> {
  stopLive();
  const video = $<HTMLVideoElement>('video');
  if ('camera' in source) {
    if (!navigator.mediaDevices?.getUserMedia)
      throw new Error('this browser gives the page no camera (navigator.mediaDevices is missing; pages need https or localhost)');
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    video.srcObject = stream;
  } else {
    video.srcObject = null;
    video.src = URL.createObjectURL(source.file);
    video.loop = true;
  }
  await video.play();
  live.start();
}

function stopLive(): void {
  live.stop();
  stream?.getTracks().forEach((t) => {
    t.stop();
  });
  stream = null;
  const video = $<HTMLVideoElement>('video');
  if (video.src.startsWith('blob:')) URL.revokeObjectURL(video.src);
}

async function loadCheckpointBytes(bytes: Uint8Array, source: string): Promise<void> {
  const ck = parseCheckpoint(bytes, source);
  newModel(ck.config);
  model.load(ck.params, source);
  weightsFrom = `${source}, step ${ck.step}`;
  await runInference();
}

function wire(): void {
  const guard = (f: () => Promise<unknown>) => () => {
    errorBox.textContent = '';
    f().catch(showError);
  };
  $('config').addEventListener(
    'change',
    guard(async () => {
      newModel(getConfig($<HTMLSelectElement>('config').value));
      raw = null;
      box = null;
      await runInference();
    }),
  );
  $('sample').addEventListener(
    'click',
    guard(async () => {
      setImage(generatedSample(Math.floor(Math.random() * 1000)));
      await runInference();
    }),
  );
  $('run').addEventListener('click', guard(runInference));
  $('train').addEventListener(
    'click',
    guard(async () => {
      if (training) {
        training = false;
        return;
      }
      await trainLive();
      await runInference();
    }),
  );
  $('image').addEventListener(
    'change',
    guard(async () => {
      const file = $<HTMLInputElement>('image').files?.[0];
      if (!file) return;
      const bmp = await createImageBitmap(file);
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const image = rgbFromPixels(ctx.getImageData(0, 0, bmp.width, bmp.height));
      setImage({ id: file.name, image, persons: [data.personFromImageFrame(new Float32Array(42), bmp.width, bmp.height)], main: 0 });
      await runInference();
    }),
  );
  $('checkpoint').addEventListener(
    'change',
    guard(async () => {
      const file = $<HTMLInputElement>('checkpoint').files?.[0];
      if (file) await loadCheckpointBytes(new Uint8Array(await file.arrayBuffer()), file.name);
    }),
  );
  watchBoxes(
    $('overlay'),
    () => overlayScale,
    (b) => guard(() => inferInBox(b))(),
  );
  $('loadUrl').addEventListener(
    'click',
    guard(() => fetchCheckpoint($<HTMLInputElement>('checkpointUrl').value)),
  );
  const joint = $<HTMLSelectElement>('joint');
  data.JOINT_NAMES.forEach((name, j) => {
    joint.add(new Option(name, String(j), false, j === 4));
  });
  live = new LiveLoop(
    $<HTMLVideoElement>('video'),
    { overlay: $('live'), stages: $('stages'), stats: $('liveStats'), joint: () => Number(joint.value) },
    {
      model: () => model,
      onError: showError,
      ...(params.has('frameTags') ? { readTag: readFrameTag } : {}),
    },
  );
  $('camera').addEventListener(
    'click',
    guard(() => startLive({ camera: true })),
  );
  $('videoFile').addEventListener(
    'change',
    guard(async () => {
      const file = $<HTMLInputElement>('videoFile').files?.[0];
      if (file) await startLive({ file });
    }),
  );
  $('stopLive').addEventListener('click', stopLive);
}

/** Test hooks: the same code paths the page uses. */
const api = {
  ready: (async () => {
    try {
      engine = await init();
      void engine.device.lost.then((info) => showError(`the WebGPU device was lost (${info.reason}): ${info.message}`));
      newModel(config);
      wire();
      status(engine.describe());
      await loadStartCheckpoint();
      return engine.describe();
    } catch (e) {
      showError(e);
      throw e;
    }
  })(),
  /** Beliefs of every stage for a seeded model on a generated sample, and the time (parity with Node). */
  forward: (configName: string, modelSeed: number, sampleSeed: number, repeats?: number) =>
    timedForward(lib, engine, configName, modelSeed, sampleSeed, repeats),
  /** Loss on one fixed batch before and after `steps` Adam steps on it. */
  async trainFixedBatch(configName: string, steps: number): Promise<number[]> {
    newModel(getConfig(configName), 1);
    const loader = data.createInProcessLoader({
      dataset: data.openGeneratedDataset({ seed: 2, imageSize: Math.round(config.inputSize * 1.25) }),
      batchSize: 2,
      size: config.inputSize,
      seed: 2,
    });
    const batch = (await loader[Symbol.asyncIterator]().next()).value as data.Batch;
    await loader.close();
    const opt = new Adam([...model.params.values()], { lr: 3e-3 });
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) losses.push(await trainStepOn(opt, batch, i));
    opt.dispose();
    return losses;
  },
  runInference,
  trainLive,
  /** The live loop's counters and per-frame log (from `from` on). */
  liveLog: (from = 0) => ({ processed: live.processed, dropped: live.dropped, fps: live.fps, frames: live.log.slice(from) }),
  /** Destroys the device, as a driver reset would lose it (to test the message). */
  loseDevice: () => engine.device.destroy(),
  evaluation,
};
(window as unknown as { cpmDemo: typeof api }).cpmDemo = api;
