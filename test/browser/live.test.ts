// The demo's camera mode on Chromium's fake camera, fed a Y4M video of a generated person walking across
// the frame: at least 300 frames with a cpm-mini model, the skeleton following the person (PCK over the
// frames after a box is drawn around them, above the mean pose placed at the true person), flat GPU memory from frame 20 to
// frame 300, and the frame rate on the page. The model is cpm-mini fitted in Node, in the test, to this
// video's frames: the test is about the live loop (crop tracking, video coordinates, dropping, freeing),
// not about how well a model generalises (the main job's evaluation measures that).
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as lib from '../../src/index.node.js';
import { Adam } from '../../src/optim/index.js';
import { Rng } from '../../src/data/rng.js';
import { trainStep } from '../../src/cpm/step.js';
import { fitMeanPoseOn, frameOf } from '../../src/cpm/evaluate.js';
import { createInProcessLoader } from '../../src/data/loader.js';
import { openGeneratedDataset } from '../../src/data/generated/dataset.js';
import { pck } from '../../src/eval/pck.js';
import { predictMeanPose } from '../../src/eval/meanPose.js';
import { truthFromJointArray } from '../../src/eval/jointArray.js';
import type { Pose } from '../../src/eval/types.js';
import type { PoseDataset } from '../../src/data/dataset.js';
import type { LiveFrame } from '../../demo/live.js';
import { openPage, type BrowserSession } from './chromium.js';
import { peopleVideo } from './people-video.js';

const FRAMES = 300;
const CAMERA_FPS = 30;
const STEPS = Number(process.env.LIVE_TEST_STEPS ?? 300);
const JITTER = 10;
const video = peopleVideo();
let session: BrowserSession;
let log: { processed: number; dropped: number; fps: number; frames: LiveFrame[] };
/** The first processed frame that can have been cropped at the drawn box. */
let boxFrom = 0;

function jointBox(joints: Float32Array): [number, number, number, number] {
  const xs = [...joints].filter((_, i) => i % 3 === 0),
    ys = [...joints].filter((_, i) => i % 3 === 1);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** cpm-mini fitted to the video's frames (Adam at the main job's lr). Where training takes off depends on summation order: with the direct kernels live PCK@0.2 was 81 % after 150 steps, with the FFT path 0 % after 150 and 97 % after 220; with its backward sharing dY's spectra between dX and dW 0 % after 220 and 99 % after 300 (so 300). */
async function fittedCheckpoint(): Promise<Uint8Array> {
  const engine = await lib.init();
  const config = lib.getConfig('cpm-mini');
  const model = new lib.CpmModel(engine, config, 0);
  // Each frame four times, its crop centre moved by up to ±JITTER px: the live crop comes from a drawn box or the last
  // pose, never exactly the person's true centre, and a model fitted to perfectly centred crops loses the person.
  const rng = new Rng(7);
  const jitter = Array.from({ length: 4 * video.frames }, () => [rng.uniform(-JITTER, JITTER), rng.uniform(-JITTER, JITTER)] as const);
  const dataset: PoseDataset = {
    name: 'people video',
    length: 4 * video.frames,
    spec: { kind: 'generated', seed: 3, count: video.frames, imageSize: 160, split: 'val' },
    skipped: [],
    id: (i) => `frame ${i % video.frames}`,
    load: async (i) => {
      const raw = video.frame(i % video.frames);
      const p = raw.persons[0]!;
      return { ...raw, persons: [{ ...p, center: [p.center[0] + jitter[i]![0], p.center[1] + jitter[i]![1]] }] };
    },
  };
  const loader = createInProcessLoader({
    dataset,
    batchSize: 4,
    size: config.inputSize,
    seed: 0,
    epochs: Infinity,
    augment: false,
    shuffle: true,
    sigma: (8 * config.inputSize) / 128,
  });
  const opt = new Adam([...model.params.values()], { lr: 3e-3 });
  let step = 0;
  for await (const batch of loader) {
    if (step >= STEPS) break;
    await trainStep(model, opt, batch, { microBatch: batch.n, strategy: 'e2e', step, steps: STEPS, seed: 0 });
    step++;
  }
  await loader.close();
  const bytes = await lib.encodeCheckpoint(model, null, { step });
  opt.dispose();
  model.dispose();
  return bytes;
}

test.before(async () => {
  mkdirSync('out/live', { recursive: true });
  writeFileSync('out/live/people.y4m', video.y4m(CAMERA_FPS));
  writeFileSync('out/live/cpm-mini.safetensors', await fittedCheckpoint());
  session = await openPage('/demo/?frameTags&checkpoint=/out/live/cpm-mini.safetensors', {
    extraFlags: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${resolve('out/live/people.y4m')}`],
  });
  const { page } = session;
  await page.evaluate(() => (window as unknown as { cpmDemo: { ready: Promise<string> } }).cpmDemo.ready);
  const liveLog = () => page.evaluate(() => (window as unknown as { cpmDemo: { liveLog(): typeof log } }).cpmDemo.liveLog());
  const processed = (n: number) =>
    page.waitForFunction((k) => (window as unknown as { cpmDemo: { liveLog(): { processed: number } } }).cpmDemo.liveLog().processed >= k, n, {
      timeout: 600_000,
      polling: 200,
    });
  await page.click('#camera');
  await processed(3);
  // Draw a box around the person as a user would: where the last processed frame shows them, a few camera frames on.
  const seen = (await liveLog()).frames.at(-1)!;
  boxFrom = seen.frame + 1;
  const [x0, y0, x1, y1] = jointBox(video.frame(seen.tag! + 4).persons[0]!.joints);
  const c = (await page.locator('#live').boundingBox())!;
  const [sx, sy] = [c.width / video.width, c.height / video.height];
  await page.mouse.move(c.x + x0 * sx, c.y + y0 * sy);
  await page.mouse.down();
  await page.mouse.move(c.x + x1 * sx, c.y + y1 * sy, { steps: 4 });
  await page.mouse.up();
  await processed(FRAMES);
  await page.screenshot({ path: 'out/live/camera.png', fullPage: true });
  await page.click('#stopLive');
  log = await liveLog();
  writeFileSync(
    'out/live/log.json',
    JSON.stringify({
      boxFrom,
      ...log,
      videoSize: await page.evaluate(() => [document.querySelector('video')!.videoWidth, document.querySelector('video')!.videoHeight]),
    }),
  );
});

test.after(async () => {
  await session?.close();
});

test(`the camera mode runs ${FRAMES} frames, dropping the ones that arrive during a forward pass`, () => {
  assert.ok(log.processed >= FRAMES, `${log.processed} frames`);
  assert.is(log.frames[0]!.frame, 1);
  assert.ok(
    log.frames.every((f) => f.tag !== null && f.tag < video.frames),
    'every processed frame carries its number',
  );
  // The camera runs at 30 fps and a cpm-mini forward pass on lavapipe takes longer than 33 ms.
  assert.ok(log.dropped > 0, `${log.dropped} frames dropped`);
  // Frames apart in the video between consecutive processed frames: more than one when frames are skipped, not queued.
  const apart = log.frames.slice(1).map((f, i) => (f.tag! - log.frames[i]!.tag! + video.frames) % video.frames);
  assert.ok(apart.filter((d) => d === 0).length <= apart.length / 20, 'frames processed twice');
  const mean = apart.reduce((a, d) => a + d, 0) / apart.length;
  assert.ok(mean > 1.5, `consecutive processed frames are ${mean.toFixed(2)} video frames apart`);
});

test('after a box is drawn the skeleton follows the generated person: PCK@0.2 above the mean pose', async () => {
  const followed = log.frames.filter((f) => f.frame > boxFrom);
  const truths = followed.map((f) => truthFromJointArray(`frame ${f.tag}`, video.frame(f.tag!).persons[0]!.joints));
  const meanPose = await fitMeanPoseOn(openGeneratedDataset({ seed: 0, imageSize: 160 }), 200);
  const floor = followed.map((f) => predictMeanPose(meanPose, frameOf(video.frame(f.tag!).persons[0]!)));
  const model = pck(
    followed.map((f) => f.pose as Pose),
    truths,
    { alpha: 0.2 },
  );
  const mean = pck(floor, truths, { alpha: 0.2 });
  console.log(
    `  live PCK@0.2 ${model.total.toFixed(1)} % over ${followed.length} frames after the box, mean pose ${mean.total.toFixed(1)} %; ${log.fps.toFixed(1)} fps, ${log.dropped} dropped`,
  );
  assert.ok(model.total > mean.total + 10, `live PCK ${model.total.toFixed(1)} %, mean pose ${mean.total.toFixed(1)} %`);
});

test('live tensors and pooled bytes after frame 300 equal those after frame 20', () => {
  const at = (n: number) => log.frames.find((f) => f.frame === n)!.memory;
  const [m20, m300] = [at(20), at(FRAMES)];
  assert.equal(
    { liveTensors: m300.liveTensors, liveBytes: m300.liveBytes, allocatedBytes: m300.allocatedBytes, pooledBytes: m300.pooledBytes },
    { liveTensors: m20.liveTensors, liveBytes: m20.liveBytes, allocatedBytes: m20.allocatedBytes, pooledBytes: m20.pooledBytes },
  );
});

test('the page reports the frame rate', async () => {
  const text = (await session.page.textContent('#liveStats'))!;
  const fps = Number(/([\d.]+) fps/.exec(text)?.[1]);
  assert.ok(fps > 0, `#liveStats: ${text}`);
  assert.match(text, /live tensors/);
});

test.run();
