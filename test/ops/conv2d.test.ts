// conv2d forward, input gradient, weight gradient and bias gradient against a float64 CPU reference
// and central finite differences. Tolerance: 2e-5 relative to the largest reference value. float32
// accumulation over K = Cin·k² ≤ 1452 terms of magnitude ≤ 1 gives errors around 1e-6·√K ≈ 4e-5 in the
// worst case and ~1e-6 typically; a wrong index or boundary gives errors of order 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init,
  tensor,
  conv2d,
  conv2dForward,
  conv2dInputGrad,
  conv2dWeightGrad,
  conv2dBiasGrad,
  conv2dAvailableVariants,
  conv2dDefaultVariant,
  CONV2D_VARIANTS,
  tidy,
  setEngine,
  setConv2dStorage,
  type Engine,
  type Conv2dVariant,
  type Conv2dVariantName,
} from '../../src/index.node.js';
import { PAD_KERNEL, padDispatches } from '../../src/shaders/conv2d/pad.wgsl.js';
import { defaultVariant } from '../../src/shaders/conv2d/tiles.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllClose } from '../reference/close.js';
import { assertConvGradientsMatchFiniteDifferences, assertConvMatchesReference, convTestArgs, outSize, type ConvRefArgs } from '../reference/conv2d.js';
import { testData } from '../reference/data.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

type Case = [n: number, cin: number, cout: number, h: number, w: number, k: number, stride: number, pad: number, bias: boolean, relu: boolean];
const CASES: Case[] = [
  [2, 3, 5, 7, 5, 1, 1, 0, true, false],
  [2, 3, 5, 7, 5, 3, 1, 1, true, false],
  [2, 3, 5, 7, 5, 3, 2, 0, false, true],
  [2, 3, 5, 7, 5, 5, 1, 2, true, true],
  [1, 3, 9, 9, 8, 5, 2, 4, true, false],
  [2, 3, 5, 7, 5, 7, 1, 3, true, false],
  [1, 4, 6, 8, 9, 7, 2, 6, false, false],
  [2, 2, 5, 10, 9, 9, 1, 4, true, true],
  [1, 3, 5, 7, 5, 11, 1, 5, true, false],
  [1, 2, 3, 12, 13, 11, 2, 10, true, true],
  [2, 6, 5, 4, 7, 1, 1, 0, true, true], // 1×1 reading its input in place (h·w a multiple of 4), 6 and 5 channels per step
  [1, 4, 6, 9, 7, 3, 1, 1, false, true], // 3×3 with 2 input channels per step, forward and dX
  [2, 3, 4, 6, 8, 3, 1, 1, true, false], // dY rows of 8: the weight gradient reads dY in place
  [3, 5, 7, 11, 9, 5, 1, 2, true, true], // batch 3, odd channels and sizes (no tile multiple anywhere); split-K in the GEMM weight gradient
  [1, 3, 131, 5, 6, 3, 1, 1, true, false], // output channels past one and two 64-row GEMM blocks
];

function args(c: Case): ConvRefArgs & { dy: Float32Array } {
  const [n, cin, cout, h, w, k, stride, padding, bias, relu] = c;
  return convTestArgs({ n, cin, cout, h, w, k, stride, padding, bias, relu }, 11);
}

// Every kernel variant (tiles.ts) is checked; subgroup variants need a device with subgroups of ≥ 8 lanes,
// GEMM variants room for their tile in workgroup memory. The GEMM kernels (new gathers per kind) run every case.
for (const variant of Object.keys(CONV2D_VARIANTS) as Conv2dVariantName[]) {
  test(`[${variant}] forward, dX, dW and db match the float64 reference: k 1/3/5/7/9/11, stride 1 and 2, padding 0…k−1, bias, fused ReLU, several input channels per step`, async () => {
    const v: Conv2dVariant = CONV2D_VARIANTS[variant];
    if (!conv2dAvailableVariants(engine).includes(variant)) {
      assert.ok('gemm' in v || v.forward.subgroups, `${variant} should run everywhere`);
      console.log(`  (${variant} needs subgroups of ≥ 8 lanes or more workgroup memory than this device has)`);
      return;
    }
    // Kernels compile per shape (slowly on lavapipe): the default variant and gemm64 (whose gathers every GEMM tile shares) run
    // every case, the other register tiles a spread, the larger GEMM tiles (3–10 s per kernel to compile here) k 1, 3, 5, 11, stride 2, batch 3 and 131 channels.
    const spread = 'gemm' in v ? [2, 9, 10, 13, 14] : [0, 2, 6, 9, 10, 11, 12, 13];
    for (const c of variant === conv2dDefaultVariant(engine) || variant === 'gemm64' ? CASES : spread.map((i) => CASES[i]!)) {
      await assertConvMatchesReference(args(c), { variant }, `${variant} ${c}`);
    }
  });
}

test('autograd through conv2d (with fused ReLU) matches central finite differences in float64', async () => {
  for (const c of [CASES[3]!, CASES[7]!, CASES[9]!]) await assertConvGradientsMatchFiniteDifferences(args(c), {}, 12, String(c));
  for (const c of [CASES[3]!, CASES[9]!]) await assertConvGradientsMatchFiniteDifferences(args(c), { variant: 'gemm64' }, 12, `gemm64 ${c}`);
});

// f16 operands (11-bit mantissa: relative rounding error u = 2⁻¹¹ ≈ 4.9e-4 per operand, so ≤ 2u per product)
// accumulated in f32: with these data's independent signs the error of a sum of K products grows like
// 2u·√K·rms(term), about 1e-4 of the largest output here (measured 3e-5…1e-4; 2–4e-4 on CPM's 128→128 layers,
// K = 10368…15488, see the README). Tolerance 4e-3 = 8u of the
// largest |reference| value: a few times the worst sum-of-|terms| bound on these data, while a wrong
// index or a dropped term still gives errors of order 1e-1.
const F16_TOLERANCE = 4e-3;

test('storage f16 (GEMM kernels, f32 accumulation): forward, dX, dW and db match float64 within f16 rounding; autograd within it of finite differences', async () => {
  for (const i of [0, 2, 5, 9, 10, 13, 14]) {
    for (const variant of ['gemm64', 'gemm128'] as const)
      await assertConvMatchesReference(args(CASES[i]!), { variant, storage: 'f16' }, `f16 ${variant} ${CASES[i]}`, F16_TOLERANCE);
  }
  // A register variant asked for with f16 runs the default GEMM tile instead.
  await assertConvMatchesReference(args(CASES[3]!), { variant: 'medium', storage: 'f16' }, `f16 medium ${CASES[3]}`, F16_TOLERANCE);
  // The engine-wide default: the same kernels as the option.
  setConv2dStorage(engine, 'f16');
  try {
    await assertConvGradientsMatchFiniteDifferences(args(CASES[7]!), {}, 10, `f16 ${CASES[7]}`, F16_TOLERANCE);
    await assertConvMatchesReference(args(CASES[13]!), { variant: 'gemm64' }, `f16 by default ${CASES[13]}`, F16_TOLERANCE);
    const f32Tolerance = await assertConvMatchesReference(args(CASES[13]!), { variant: 'gemm64' }, 'f16 is not f32', 2e-5).then(
      () => true,
      () => false,
    );
    assert.not.ok(f32Tolerance, 'f16 rounding shows at the f32 tolerance');
  } finally {
    setConv2dStorage(engine, undefined);
  }
});

test('GEMM tiles are offered only where they fit the workgroup memory limit, and refused by name where not; GPUs default to them, CPU adapters never', () => {
  const limits = engine.info.limits;
  const saved = limits.maxComputeWorkgroupStorageSize;
  try {
    limits.maxComputeWorkgroupStorageSize = 16384;
    assert.ok(conv2dAvailableVariants(engine).includes('gemm128'));
    assert.not.ok(conv2dAvailableVariants(engine).includes('gemm128k32'), 'a 32 KiB tile needs 32 KiB');
    const x = tensor(testData(2 * 25, 1), [1, 2, 5, 5]);
    const w = tensor(testData(3 * 2 * 9, 2), [3, 2, 3, 3]);
    assert.throws(() => conv2dForward(x, w, null, { variant: 'gemm128k32' }), /gemm128k32 needs more workgroup memory.*maxComputeWorkgroupStorageSize 16384/);
    for (const t of [x, w]) t.dispose();
  } finally {
    limits.maxComputeWorkgroupStorageSize = saved;
  }
  assert.ok(conv2dAvailableVariants(engine).includes('gemm128k32'), `32 KiB fits this device's ${saved} B`);
  assert.not.ok(conv2dDefaultVariant(engine).startsWith('gemm'), 'lavapipe keeps the register tiles');
  const fits = { hasSubgroups8: true, gemmFits: (t: { bm: number; bn: number; bk: number }) => (t.bm + t.bn) * t.bk * 4 <= 8192 };
  assert.is(defaultVariant({ ...fits, gemmFits: () => true }, false), 'gemm128');
  assert.is(defaultVariant(fits, false), 'gemm64', 'the largest tile that fits');
  assert.is(defaultVariant(fits, true), 'shared16');
});

test('CPM-shaped case (default variant): 46×46, 48→128, 11×11, pad 5 (sampled outputs) forward and both gradients', async () => {
  const a: ConvRefArgs = {
    x: testData(48 * 46 * 46, 21),
    xShape: [1, 48, 46, 46],
    w: testData(128 * 48 * 121, 22).map((v) => v * 0.05),
    wShape: [128, 48, 11, 11],
    b: testData(128, 23),
    stride: 1,
    padding: 5,
  };
  const dyv = testData(128 * 46 * 46, 24);
  const [y, dx, dw] = tidy(() => {
    const x = tensor(a.x, a.xShape),
      w = tensor(a.w, a.wShape),
      dy = tensor(dyv, [1, 128, 46, 46]);
    return [
      conv2dForward(x, w, tensor(a.b!, [128]), { padding: 5 }),
      conv2dInputGrad(dy, w, a.xShape, { padding: 5 }),
      conv2dWeightGrad(x, dy, a.wShape, { padding: 5 }),
    ];
  });
  const [gy, gdx, gdw] = [await y!.read(), await dx!.read(), await dw!.read()];
  const X = (c: number, yy: number, xx: number) => (yy < 0 || yy >= 46 || xx < 0 || xx >= 46 ? 0 : a.x[(c * 46 + yy) * 46 + xx]!);
  const W = (o: number, c: number, ky: number, kx: number) => a.w[((o * 48 + c) * 11 + ky) * 11 + kx]!;
  const DY = (o: number, yy: number, xx: number) => (yy < 0 || yy >= 46 || xx < 0 || xx >= 46 ? 0 : dyv[(o * 46 + yy) * 46 + xx]!);
  for (let t = 0; t < 60; t++) {
    const [o, oy, ox] = [(t * 37) % 128, (t * 13) % 46, (t * 29 + 3) % 46];
    let s = a.b![o]!;
    for (let c = 0; c < 48; c++) for (let ky = 0; ky < 11; ky++) for (let kx = 0; kx < 11; kx++) s += X(c, oy + ky - 5, ox + kx - 5) * W(o, c, ky, kx);
    assert.ok(Math.abs(gy[(o * 46 + oy) * 46 + ox]! - s) < 1e-4 * Math.max(1, Math.abs(s)), `y[${o},${oy},${ox}] ${gy[(o * 46 + oy) * 46 + ox]} vs ${s}`);
    const [c, iy, ix] = [(t * 11) % 48, (t * 17) % 46, (t * 5 + 1) % 46];
    let sx = 0;
    for (let oo = 0; oo < 128; oo++) for (let ky = 0; ky < 11; ky++) for (let kx = 0; kx < 11; kx++) sx += DY(oo, iy - ky + 5, ix - kx + 5) * W(oo, c, ky, kx);
    assert.ok(Math.abs(gdx[(c * 46 + iy) * 46 + ix]! - sx) < 1e-4 * Math.max(1, Math.abs(sx)), `dx[${c},${iy},${ix}] ${gdx[(c * 46 + iy) * 46 + ix]} vs ${sx}`);
    const [ky, kx] = [(t * 3) % 11, (t * 7) % 11];
    let sw = 0;
    for (let yy = 0; yy < 46; yy++) for (let xx = 0; xx < 46; xx++) sw += DY(o, yy, xx) * X(c, yy + ky - 5, xx + kx - 5);
    const gi = ((o * 48 + c) * 11 + ky) * 11 + kx;
    assert.ok(Math.abs(gdw[gi]! - sw) < 2e-4 * Math.max(1, Math.abs(sw)), `dw[${o},${c},${ky},${kx}] ${gdw[gi]} vs ${sw}`);
  }
  for (const t of [y, dx, dw]) t!.dispose();
});

test('a batch larger than one binding is split (at unaligned image offsets) and gives the same numbers as the unsplit run', async () => {
  // Output images of 6·7·9 and 6·4·5 floats: not multiples of 256 bytes, so sub-batches start mid-window.
  // The 1×1 case reads its input in place, through the same windows; the third's weight gradient reads dY rows of 8
  // in place where a sub-batch starts on the bound offset and pads it where not.
  const cases: [Case, number][] = [
    [[5, 3, 6, 7, 9, 3, 1, 1, true, true], 8192],
    [[5, 3, 6, 4, 5, 1, 1, 0, true, true], 1536],
    [[5, 2, 3, 3, 8, 3, 1, 1, true, true], 1536],
  ];
  // The GEMM kernels too: their windows are the unpadded tensors, and dW adds sub-batches in place.
  for (const [[c, limit], variant] of cases.flatMap(
    (k) =>
      [
        [k, undefined],
        [k, 'gemm64'],
      ] as const,
  )) {
    const a = args(c);
    const [n, cout, ho, wo] = [c[0], c[2], ...outSize(a)];
    const opts = { padding: a.padding, relu: true };
    const run = (maxBindingBytes?: number) =>
      tidy(() => {
        const x = tensor(a.x, a.xShape),
          w = tensor(a.w, a.wShape),
          dy = tensor(a.dy, [n, cout, ho, wo]);
        const o = { ...opts, maxBindingBytes, variant };
        return [conv2dForward(x, w, tensor(a.b!, [cout]), o), conv2dInputGrad(dy, w, a.xShape, o), conv2dWeightGrad(x, dy, a.wShape, o), conv2dBiasGrad(dy, o)];
      });
    const whole = await Promise.all(run().map((t) => t.read()));
    const split = await Promise.all(run(limit).map((t) => t.read())); // one to three images per sub-batch
    assert.equal(Array.from(split[0]!), Array.from(whole[0]!), `k${c[5]} forward identical`);
    assert.equal(Array.from(split[1]!), Array.from(whole[1]!), `k${c[5]} dX identical`);
    // dW and db add sub-batch sums in another order: equal to float32 rounding.
    assertAllClose(split[2]!, Float64Array.from(whole[2]!), `k${c[5]} dW summed over sub-batches`, 1e-6);
    assertAllClose(split[3]!, Float64Array.from(whole[3]!), `k${c[5]} db summed over sub-batches`, 1e-6);
    const refused = () => conv2dForward(tensor(a.x, a.xShape), tensor(a.w, a.wShape), null, { padding: a.padding, maxBindingBytes: 200 });
    assert.throws(refused, /one image needs/);
  }
});

test('the zero-padding pass pads, crops and dilates, also with planes split over several dispatches', async () => {
  // 5 planes of 37×5, placed at (2, 3) in 43×12 (dilation 1: more rows than one workgroup covers) and at
  // (−1, 1) dilated by 2 in 6×8; at most 2 planes per dispatch.
  const [planes, srcH, srcW] = [5, 37, 5];
  const src = testData(planes * srcH * srcW, 31);
  for (const g of [
    { outH: 43, outW: 12, offY: 2, offX: 3, dil: 1 },
    { outH: 6, outW: 8, offY: -1, offX: 1, dil: 2 },
  ]) {
    const want = new Float64Array(planes * g.outH * g.outW);
    for (let p = 0; p < planes; p++)
      for (let r = 0; r < g.outH; r++)
        for (let q = 0; q < g.outW; q++) {
          const [y, x] = [(r - g.offY) / g.dil, (q - g.offX) / g.dil];
          if (Number.isInteger(y) && Number.isInteger(x) && y >= 0 && x >= 0 && y < srcH && x < srcW)
            want[(p * g.outH + r) * g.outW + q] = src[(p * srcH + y) * srcW + x]!;
        }
    const x = tensor(src, [src.length]);
    const out = Tensor.empty(engine, [want.length], 'padded');
    const dispatches = padDispatches('pad test', { planes, srcH, srcW, ...g }, 0, 2);
    assert.is(dispatches.length, 3);
    for (const d of dispatches)
      engine.dispatch({ op: 'pad test', kernel: { code: PAD_KERNEL }, bindings: [x.binding('pad test'), out.binding('pad test')], ...d });
    assertAllClose(await out.read(), want, `padded ${JSON.stringify(g)}`, 0);
    x.dispose();
    out.dispose();
  }
  assert.throws(
    () => padDispatches('pad test', { planes, srcH, srcW, outH: 4, outW: 6, offY: 0, offX: 0, dil: 1 }, 0, 2),
    /pad test: padded row of 6 floats is not a multiple of 4/,
  );
});

test('bad arguments are refused with the tensors named', () => {
  const x = tensor(new Float32Array(2 * 3 * 5 * 5), [2, 3, 5, 5], 'img');
  assert.throws(
    () => conv2d(x, tensor(new Float32Array(4 * 2 * 3 * 3), [4, 2, 3, 3], 'w'), null),
    /conv2d: input "img".* has 3 channels but weight "w".* expects 2/,
  );
  assert.throws(() => conv2d(tensor([1, 2, 3], [3]), tensor(new Float32Array(9), [1, 1, 3, 3]), null), /must be 4-D/);
  assert.throws(() => conv2d(x, tensor(new Float32Array(4 * 3 * 7 * 7), [4, 3, 7, 7]), null), /smaller than kernel/);
  assert.throws(() => conv2d(x, tensor(new Float32Array(4 * 3 * 3 * 3), [4, 3, 3, 3]), tensor([1, 2], [2], 'bias')), /bias "bias"/);
  void engine;
});

test('storage f16 on a device without shader-f16 is refused, naming the option; a bad storage value too', async () => {
  const x = tensor(testData(2 * 25, 1), [1, 2, 5, 5]);
  const w = tensor(testData(3 * 2 * 9, 2), [3, 2, 3, 3]);
  assert.throws(() => conv2dForward(x, w, null, { storage: 'bf16' as 'f16' }), /conv2d: storage must be "f32" or "f16", got bf16/);
  for (const t of [x, w]) t.dispose();
  const plain = await init({ disableFeatures: ['shader-f16'] });
  try {
    assert.not.ok(plain.info.features['shader-f16']);
    const x2 = tensor(testData(2 * 25, 1), [1, 2, 5, 5]);
    const w2 = tensor(testData(3 * 2 * 9, 2), [3, 2, 3, 3]);
    assert.throws(() => conv2dForward(x2, w2, null, { storage: 'f16' }), /conv2d: storage "f16" needs the shader-f16 feature, which this device lacks/);
    assert.throws(() => conv2dForward(x2, w2, null, { storage: 'f16', algorithm: 'fft' }), /storage "f16" needs the shader-f16 feature/);
    conv2dForward(x2, w2, null, { variant: 'gemm64' }).dispose(); // f32 GEMM needs no f16
    for (const t of [x2, w2]) t.dispose();
  } finally {
    plain.destroy();
    setEngine(engine);
  }
});

test.run();
