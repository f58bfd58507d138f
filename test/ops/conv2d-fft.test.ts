// The frequency-domain convolution: its tile FFTs against a float64 DFT, and forward, dX, dW and db
// through every FFT tile size against the float64 direct reference and central finite differences,
// on odd shapes (sizes that are not multiples of the tile step, odd channel counts, batches 1–3,
// kernels 3…11, padding 0…k−1) and with sub-batch splits. Tolerance as for the direct kernels: 2e-5
// relative to the largest reference value (measured errors are about 2e-7; a wrong tile offset,
// conjugation or crop gives errors of order 1).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init,
  tensor,
  parameter,
  tidy,
  backward,
  conv2d,
  conv2dForward,
  conv2dInputGrad,
  conv2dWeightGrad,
  conv2dCandidates,
  conv2dChoice,
  conv2dDefaultVariant,
  type Engine,
} from '../../src/index.node.js';
import {
  binSlot,
  FFT_SIZES,
  fftKernelName,
  matmulBlocks,
  MAX_FUSED_T,
  roundTo,
  spectralMatmul,
  spectrumBins,
  tileSpectra,
  tilesFromSpectra,
  type FftSize,
} from '../../src/shaders/fft/fft.js';
import { sharedOperand } from '../../src/shaders/fft/spectral-matmul.wgsl.js';
import type { FFT_VARIANTS } from '../../src/shaders/conv2d/algorithm.js';
import { fftApplicable, sharingPays } from '../../src/shaders/conv2d/fft-algorithm.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllClose } from '../reference/close.js';
import { assertConvGradientsMatchFiniteDifferences, assertConvMatchesReference, conv2dGradRef, convTestArgs, type ConvRefArgs } from '../reference/conv2d.js';
import { testData } from '../reference/data.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

test('tile FFTs of every size, in four passes and fused (T ≤ 32), match a float64 DFT (shifted, clipped tiles of two channels, tap windows from 0 and 3) and invert back to the tile', async () => {
  for (const [T, passes, first] of FFT_SIZES.flatMap((T) =>
    (T <= MAX_FUSED_T ? (['two-pass', 'fused'] as const) : (['two-pass'] as const)).flatMap((p) => [0, 3].map((first) => [T, p, first] as const)),
  )) {
    // Two channels of a 2×(T+3)×(T+5) image; one tile per channel starting at (−2, −2) (two rows and columns of padding), taps first … T − 2.
    const [h, w, lim, off] = [T + 3, T + 5, T - 1 - first, 2];
    const img = testData(2 * h * w, T);
    const inWindow = (v: number) => v >= first && v < first + lim;
    const tileAt = (c: number, y: number, x: number) => {
      const [r, col] = [y - off, x - off];
      return inWindow(y) && inWindow(x) && r >= 0 && r < h && col >= 0 && col < w ? img[(c * h + r) * w + col]! : 0;
    };
    const bins = spectrumBins(T);
    const src = tensor(img, [2 * h * w]);
    const spec = Tensor.empty(engine, [bins * 2 * 4 * 2]);
    const back = tensor(new Float32Array(2 * T * T), [2 * T * T]);
    // Layout [f][channel][tile] with one tile, rows padded to 4 complex values.
    const layout = { fStride: 8, mulA: 4, mulB: 1, specBase: 0 };
    tileSpectra(
      'test',
      engine,
      T,
      src.binding('test'),
      { planes: 2, b: 1, tilesY: 1, tilesX: 1, base: 0, strideN: 0, strideA: h * w, height: h, width: w, step: 1, off, lim, first, ...layout },
      spec.binding('test'),
      passes,
    );
    tilesFromSpectra(
      'test',
      engine,
      T,
      spec.binding('test'),
      { planes: 2, b: 1, tilesY: 1, tilesX: 1, base: 0, strideN: 0, strideA: T * T, height: T, width: T, step: T, off: 0, lim: T, ...layout },
      back.binding('test'),
      null,
      passes,
    );
    const got = await spec.read();
    const want = new Float64Array(bins * 2 * 4 * 2);
    for (let c = 0; c < 2; c++) {
      // Separable float64 DFT: along x for every row, then along y for every kx.
      const rows = Array.from({ length: T }, (_, y) =>
        Array.from({ length: T }, (_, kx) => {
          let [re, im] = [0, 0];
          for (let x = 0; x < T; x++) {
            const a = (-2 * Math.PI * kx * x) / T;
            re += tileAt(c, y, x) * Math.cos(a);
            im += tileAt(c, y, x) * Math.sin(a);
          }
          return [re, im] as const;
        }),
      );
      for (let ky = 0; ky <= T / 2; ky++)
        for (let kx = 0; kx < T; kx++) {
          let [re, im] = [0, 0];
          for (let y = 0; y < T; y++) {
            const [a, [r, i]] = [(-2 * Math.PI * ky * y) / T, rows[y]![kx]!];
            re += r * Math.cos(a) - i * Math.sin(a);
            im += r * Math.sin(a) + i * Math.cos(a);
          }
          const slot = binSlot(T, ky, kx);
          if (slot === null) continue; // the conjugate of a stored bin: not stored
          const at = 2 * (slot * 8 + c * 4);
          [want[at], want[at + 1]] = [re, im];
          for (let j = 2; j < 8; j++) got[at + j] = 0; // padding: unspecified
        }
    }
    assertAllClose(got, want, `${passes} spectrum of a ${T}×${T} tile, taps from ${first}`, 1e-6);
    const tile = new Float64Array(2 * T * T).map((_, i) => tileAt(Math.floor(i / (T * T)), Math.floor(i / T) % T, i % T));
    assertAllClose(await back.read(), tile, `${passes} inverse of a ${T}×${T} spectrum, taps from ${first}`, 1e-6);
    for (const t of [src, spec, back]) t.dispose();
  }
});

test('binSlot stores each bin that is not the conjugate of another once, in spectrumBins slots', () => {
  for (const T of FFT_SIZES) {
    const slots: number[] = [];
    for (let ky = 0; ky <= T / 2; ky++)
      for (let kx = 0; kx < T; kx++) {
        const slot = binSlot(T, ky, kx);
        // Rows 0 and T/2 are Hermitian along kx: bin (ky, kx) is the conjugate of (ky, T − kx).
        assert.is(slot === null, (ky === 0 || ky === T / 2) && kx > T / 2, `T ${T} bin (${ky}, ${kx})`);
        if (slot !== null) slots.push(slot);
      }
    assert.equal(
      slots.sort((a, b) => a - b),
      Array.from({ length: spectrumBins(T) }, (_, i) => i),
    );
  }
});

test('the spectral product C = op(A)ᵀ·B per bin, register blocks plain and in subgroup form (A or B shared), matches float64 (conjugated or not, accumulating or not, A stored [k][m] or transposed, partial blocks)', async () => {
  // (m, n) and the subgroup form's shared operand: A where the n blocks are 8 (64 and 61 columns in 8-wide blocks, 29 in 4-wide; m = 130
  // takes 16-tall blocks), B where they are not but 64 rows make 8 blocks (B's blocks 16 wide), neither for 13×20 (plain blocks).
  for (const [m, n, form] of [
    [13, 64, 'A'],
    [130, 61, 'A'],
    [9, 29, 'A'],
    [64, 20, 'B'],
    [64, 130, 'B'],
    [13, 20, null],
  ] as const) {
    const [bins, k] = [3, 7];
    for (const kernel of ['register', 'register-subgroup'] as const) {
      const { mb, nb, shared } = matmulBlocks(m, n, kernel);
      assert.is(shared, kernel === 'register-subgroup' ? form : null, `${kernel} ${m}×${n} shared operand`);
      assert.equal([mb, nb], [shared === 'A' && m >= 64 ? 16 : m >= 32 ? 8 : 4, shared === 'B' ? 16 : n >= 32 ? 8 : 4], `${kernel} ${m}×${n} blocks`);
      const [lda, ldb] = [roundTo(m, mb), roundTo(n, nb)];
      // Transposed A: [m][k] per bin, rows padded to whole 16-blocks (so padded blocks read inside), k to 4.
      const [rowsT, ldk] = [roundTo(m, 16), roundTo(k, 4)];
      const a = testData(bins * Math.max(k * lda, rowsT * ldk) * 2, m + n);
      const b = testData(bins * k * ldb * 2, m * n);
      const c0 = testData(bins * lda * ldb * 2, 7);
      for (const [conjugateA, accumulate, transposeA] of [
        [true, false, false],
        [false, true, false],
        [false, false, true],
        [true, true, true],
      ] as const) {
        const [aBin, aRow] = transposeA ? [rowsT * ldk, ldk] : [k * lda, lda];
        const p = {
          bins,
          m,
          n,
          k,
          mb,
          nb,
          aBin,
          aRow,
          transposeA,
          bBin: k * ldb,
          bRow: ldb,
          cBin: lda * ldb,
          cRow: ldb,
          conjugateA,
          accumulate,
          kernel,
          shared,
        };
        assert.is(sharedOperand(p), shared);
        const [A, B, C] = [tensor(a, [a.length]), tensor(b, [b.length]), tensor(c0, [c0.length])];
        spectralMatmul('test', engine, p, A.binding('test'), B.binding('test'), C.binding('test'));
        const got = await C.read();
        const want = new Float64Array(c0);
        for (let f = 0; f < bins; f++)
          for (let i = 0; i < lda; i++)
            for (let j = 0; j < ldb; j++) {
              const at = 2 * (f * lda * ldb + i * ldb + j);
              if (i >= m || j >= n) {
                [got[at], got[at + 1], want[at], want[at + 1]] = [0, 0, 0, 0]; // padding: unspecified
                continue;
              }
              let [re, im] = accumulate ? [c0[at]!, c0[at + 1]!] : [0, 0];
              for (let q = 0; q < k; q++) {
                const at = f * aBin + (transposeA ? i * aRow + q : q * aRow + i);
                const [ar, ai0] = [a[2 * at]!, a[2 * at + 1]!];
                const ai = conjugateA ? -ai0 : ai0;
                const [br, bi] = [b[2 * (f * k * ldb + q * ldb + j)]!, b[2 * (f * k * ldb + q * ldb + j) + 1]!];
                re += ar * br - ai * bi;
                im += ar * bi + ai * br;
              }
              [want[at], want[at + 1]] = [re, im];
            }
        assertAllClose(
          got,
          want,
          `${kernel} ${mb}×${nb} product ${m}×${n}×${k} conjugate ${conjugateA} accumulate ${accumulate} transposed A ${transposeA}`,
          1e-6,
        );
        for (const t of [A, B, C]) t.dispose();
      }
    }
  }
});

type Case = [n: number, cin: number, cout: number, h: number, w: number, k: number, pad: number, bias: boolean, relu: boolean];
const CASES: Case[] = [
  [2, 3, 5, 7, 5, 3, 1, true, false],
  [1, 2, 3, 9, 13, 3, 0, false, true],
  [3, 3, 5, 11, 10, 5, 2, true, true],
  [1, 5, 3, 17, 15, 5, 4, true, false],
  [2, 3, 6, 13, 9, 7, 3, false, false],
  [1, 4, 7, 20, 19, 9, 4, true, false],
  [1, 3, 2, 12, 13, 9, 8, true, true],
  [2, 2, 5, 23, 21, 11, 5, true, false],
  [1, 3, 4, 14, 14, 11, 10, false, false],
  [2, 3, 4, 9, 8, 3, 5, true, false], // padding past k − 1: outputs larger than the input, dX tiles from a positive offset
];

function args(c: Case): ConvRefArgs & { dy: Float32Array } {
  const [n, cin, cout, h, w, k, padding, bias, relu] = c;
  return convTestArgs({ n, cin, cout, h, w, k, stride: 1, padding, bias, relu }, 31);
}

type Options = { variant?: (typeof FFT_VARIANTS)[number]; algorithm?: 'fft'; maxBindingBytes?: number; storage?: 'f16' };
const checkCase = (c: Case, o: Options, what: string, rel?: number) => assertConvMatchesReference(args(c), o, `${what} ${c}`, rel);

// Every FFT tile size the autotuner may pick, with either channel-mixing kernel (`w`: workgroup-tiled), on every case it can run.
for (const T of FFT_SIZES) {
  for (const variant of [`fft${T}`, `fft${T}w`] as const) {
    test(`[${variant}] forward, dX, dW and db match the float64 reference: k 3…11, padding 0…k+2, batches 1–3, odd channels and sizes, bias, fused ReLU`, async () => {
      let ran = 0;
      for (const c of CASES) {
        const [n, cin, cout, h, w, k, padding] = c;
        if (!fftApplicable({ n, cin, h, w, cout, k, padding }, T, Infinity)) continue;
        await checkCase(c, { variant }, variant);
        ran++;
      }
      assert.ok(ran >= 4, `${variant} ran only ${ran} cases`);
    });
  }
}

test('the tiled channel mixing across block edges: 67 output channels and 128 tiles (past one 64×64 block each way), k past one step of 8; 131 channels over 4 tiles (the 128×16 block)', async () => {
  for (const variant of ['fft8w', 'fft16w'] as const) await checkCase([2, 5, 67, 46, 45, 3, 1, true, false], { variant }, variant);
  await checkCase([1, 3, 131, 8, 8, 3, 1, true, false], { variant: 'fft8w' }, 'fft8w narrow');
  await checkCase([1, 3, 131, 8, 8, 3, 1, true, false], { variant: 'fft8w', storage: 'f16' }, 'fft8w narrow f16', 4e-3);
});

// f16 spectra (see conv2d.test.ts for the tolerance: 8 ulps of f16's 11-bit mantissa, relative to the largest value).
test('storage f16 (tiled mixing over f16 spectra, f32 accumulation) matches float64 within f16 rounding', async () => {
  for (const c of [CASES[0]!, CASES[2]!, CASES[5]!, CASES[7]!, CASES[9]!]) {
    for (const variant of ['fft16', 'fft32w'] as const) {
      const [n, cin, cout, h, w, k, padding] = c;
      if (fftApplicable({ n, cin, h, w, cout, k, padding }, variant === 'fft16' ? 16 : 32, Infinity))
        await checkCase(c, { variant, storage: 'f16' }, `f16 ${variant}`, 4e-3);
    }
  }
  // Positive inputs of 100…400 (as after a ReLU): a 64×64 tile's spectrum reaches about 23·21·250 ≈ 1.2e5 at the zero
  // frequency, past f16's 65504 unless scaled (unscaled, this gives NaN).
  const a = args(CASES[7]!);
  await assertConvMatchesReference(
    { ...a, x: a.x.map((v) => Math.abs(v) * 300 + 100) },
    { variant: 'fft64', storage: 'f16' },
    `f16 fft64 large inputs ${CASES[7]}`,
    4e-3,
  );
});

test('sub-batch splits: spectra over several sub-batches (forward and dX per sub-batch, dW summed in the frequency domain)', async () => {
  // 3 images at T=16: one image's spectra are budgeted at 310–390 KiB (channels and tiles padded to whole 16-blocks), so 512 KiB bindings take one image per sub-batch.
  for (const c of [
    [3, 4, 5, 20, 19, 9, 4, true, true],
    [3, 5, 3, 17, 15, 5, 2, true, false],
  ] as Case[])
    await checkCase(c, { variant: 'fft16', maxBindingBytes: 512 * 1024 }, 'fft16 split');
  // At the smallest binding limit the FFT path accepts, every spectrum fits: one image a sub-batch; and dW of 130 input channels, which
  // on lavapipe shares B in 16-wide blocks (its kernel spectra, the binding that sets the limit, pad 130 to 144).
  for (const [c, T] of [
    [[5, 4, 64, 46, 46, 9, 4, true, false], 32],
    [[32, 130, 64, 8, 8, 3, 1, false, false], 8],
  ] as [Case, FftSize][]) {
    const [n, cin, cout, h, w, k, padding] = c;
    let [lo, hi] = [1, 2 ** 30];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      [lo, hi] = fftApplicable({ n, cin, h, w, cout, k, padding }, T, mid) ? [lo, mid] : [mid, hi];
    }
    await checkCase(c, { variant: `fft${T}`, maxBindingBytes: hi }, `fft${T} at its smallest binding limit (${hi} B)`);
  }
});

test('autograd through conv2d with algorithm fft (bias, fused ReLU) matches central finite differences in float64', async () => {
  for (const c of [CASES[2]!, CASES[7]!]) await assertConvGradientsMatchFiniteDifferences(args(c), { algorithm: 'fft' }, 10, String(c));
});

test('autograd’s backward through FFT at every tile the register mixing runs, plain and in subgroup form, over sub-batches: dX reads the forward’s kernel spectra and dW dX’s dY spectra (A transposed); x, w and b gradients match float64', async () => {
  // At T = 16 two more take the subgroup form on lavapipe (A shared in 16-tall blocks; B shared: 32 tiles over 128 input channels), and
  // one runs in sub-batches of one image (dW accumulating over them).
  const t16: [Case, number][] = [
    [[1, 130, 32, 46, 46, 11, 5, true, false], Infinity],
    [[1, 128, 64, 46, 20, 11, 5, false, false], Infinity],
    [[3, 4, 5, 20, 19, 9, 4, true, false], 512 * 1024],
  ];
  for (const T of FFT_SIZES) {
    let ran = 0;
    for (const [c, maxBindingBytes] of [...CASES.map((c) => [c, Infinity] as [Case, number]), ...(T === 16 ? t16 : [])]) {
      const [n, cin, cout, h, w, k, padding, bias] = c;
      // At T ≥ 64 four cases: each new k is two more large pipelines to compile (about 10 s each on a cold shader cache).
      if (!fftApplicable({ n, cin, h, w, cout, k, padding }, T, maxBindingBytes) || (T >= 64 && ran >= 4)) continue;
      const a = convTestArgs({ n, cin, cout, h, w, k, stride: 1, padding, bias, relu: false }, 31);
      // CASES are too small to share by default (sharingPays): forced; the larger T = 16 cases share by default.
      const large = cin * cout >= 4096;
      assert.is(sharingPays({ n, cin, h, w, cout, k, padding }, T), large, `${c}: sharing pays`);
      const o = { variant: `fft${T}` as const, padding, maxBindingBytes, ...(large ? {} : { shareSpectra: true }) };
      const [x, wt] = [parameter(a.x, a.xShape, 'x'), parameter(a.w, a.wShape, 'w')];
      const b = bias ? parameter(a.b!, [cout], 'b') : null;
      const y = conv2d(x, wt, b, o);
      // The FFT kernels each gradient dispatches, by op.
      const kernels = (run: () => void): Record<'conv2dInputGrad' | 'conv2dWeightGrad', string[]> => {
        const names = { conv2dInputGrad: [] as string[], conv2dWeightGrad: [] as string[] };
        const dispatch = engine.dispatch.bind(engine);
        engine.dispatch = (d) => {
          if (d.op === 'conv2dInputGrad' || d.op === 'conv2dWeightGrad') names[d.op].push(fftKernelName(d.kernel.code) ?? 'other');
          dispatch(d);
        };
        try {
          run();
        } finally {
          engine.dispatch = dispatch;
        }
        return names;
      };
      const dy = tensor(a.dy, y.shape);
      const what = `fft${T} ${c}${maxBindingBytes < Infinity ? ` in ${maxBindingBytes} B bindings` : ''}`;
      const shared = kernels(() => backward(y, dy));
      const lone = kernels(() => tidy(() => void [conv2dInputGrad(dy, wt, a.xShape, o), conv2dWeightGrad(x, dy, a.wShape, o)]));
      // dX: as alone, less the kernel's transform (the one with k taps; dY's tiles have T), its products reading A transposed.
      const forwardTransform = /^(fused forward|columns|rows) /;
      const isWeightTransform = (name: string) => new RegExp(`^(fused forward|columns|rows) ${T} ${k}$`).test(name);
      const transposed = (name: string) => (name.startsWith('product') ? `${name} transposed A` : name);
      assert.ok(lone.conv2dInputGrad.some(isWeightTransform), `${what}: dX alone transforms the kernel`);
      assert.equal(shared.conv2dInputGrad, lone.conv2dInputGrad.filter((name) => !isWeightTransform(name)).map(transposed), `${what}: dX`);
      // dW: one transform of inputs per sub-batch (S taps from k − 1) where alone it has two (dY's and the inputs'), then the same inverse.
      const dwForward = shared.conv2dWeightGrad.filter((name) => forwardTransform.test(name));
      assert.ok(
        dwForward.length > 0 && dwForward.every((name) => name.endsWith(` ${T - k + 1} from ${k - 1}`)),
        `${what}: dW ran ${shared.conv2dWeightGrad.join(', ')}`,
      );
      assert.is(2 * dwForward.length, lone.conv2dWeightGrad.filter((name) => forwardTransform.test(name)).length, `${what}: dW's transforms against dW alone`);
      assert.ok(
        shared.conv2dWeightGrad.filter((name) => name.startsWith('product')).every((name) => name.endsWith('transposed A')),
        `${what}: dW's products`,
      );
      const ref = conv2dGradRef(a, a.dy);
      assertAllClose(await x.grad!.read(), ref.dx, `${what} autograd dX`, 2e-5);
      assertAllClose(await wt.grad!.read(), ref.dw, `${what} autograd dW`, 2e-5);
      if (b) assertAllClose(await b.grad!.read(), ref.db, `${what} autograd db`, 2e-5);
      for (const t of [x, wt, b, y, dy]) t?.dispose();
      ran++;
    }
    assert.ok(ran >= 4, `fft${T} ran only ${ran} cases`);
  }
});

test('small FFT layers keep their own transforms under autograd by default (sharing would only add pipelines to compile)', async () => {
  const a = args(CASES[5]!);
  const o = { variant: 'fft16' as const, padding: a.padding };
  const [x, w] = [parameter(a.x, a.xShape, 'x'), parameter(a.w, a.wShape, 'w')];
  const y = conv2d(x, w, null, o);
  const names: string[] = [];
  const dispatch = engine.dispatch.bind(engine);
  engine.dispatch = (d) => {
    names.push(fftKernelName(d.kernel.code) ?? 'other');
    dispatch(d);
  };
  try {
    backward(y, tensor(a.dy, y.shape));
  } finally {
    engine.dispatch = dispatch;
  }
  assert.ok(
    names.some((name) => name.startsWith('product')) && !names.some((name) => name.includes('transposed') || name.includes(' from ')),
    names.join(', '),
  );
  for (const t of [x, w, y]) t.dispose();
});

test('a CPM-sized layer (11×11, 16→24 @46, padding 5) through fft16 and fft32 matches float64; 32→130 takes the subgroup mixing’s 16-tall blocks', async () => {
  for (const T of [16, 32] as FftSize[]) await checkCase([1, 16, 24, 46, 46, 11, 5, true, false], { variant: `fft${T}` }, `fft${T} CPM-sized`);
  await checkCase([1, 32, 130, 46, 46, 11, 5, true, true], { variant: 'fft16' }, 'fft16 130 output channels');
});

test('algorithm choice: FFT candidates only where they apply, the cost model picks FFT for large kernels and direct for 1×1, bad requests are refused by name', () => {
  const c = (k: number, stride = 1, cin = 128) => ({
    kind: 'forward' as const,
    n: 1,
    cin,
    h: 46,
    w: 46,
    cout: 128,
    kh: k,
    kw: k,
    stride,
    padding: Math.floor(k / 2),
  });
  assert.ok(
    conv2dCandidates(engine, c(11)).some((v) => v.startsWith('fft')),
    '11×11 has FFT candidates',
  );
  assert.not.ok(
    conv2dCandidates(engine, c(3, 2)).some((v) => v.startsWith('fft')),
    'stride 2 has none',
  );
  // 128→128 spectra at T = 64 are 277 MB: over lavapipe's 128 MiB binding, so not a candidate there.
  assert.is(conv2dCandidates(engine, c(11), 128 * 2 ** 20).includes('fft64'), false);
  assert.match(conv2dChoice(engine, c(11)), /^fft/, 'cost model: 11×11 128→128 @46 in the frequency domain');
  assert.match(conv2dChoice(engine, c(9)), /^fft/, 'cost model: 9×9');
  assert.not.match(conv2dChoice(engine, c(1)), /^fft/, 'cost model: 1×1 direct');
  // 1×1 layers of at least 2^17 channel pairs take shared32 on lavapipe (8-lane subgroups), the rest the default;
  // so does the paper's image layer forward (9×9 3→128), with shared8 for its dW; cpm-small's (5×5 3→32) the default.
  const cpu = /llvmpipe/.test(engine.info.adapter.description) && engine.info.adapter.subgroupMinSize === 8;
  const image = (kind: 'forward' | 'dX' | 'dW', cout: number) => conv2dChoice(engine, { ...c(9, 1, 3), h: 368, w: 368, cout, kind });
  assert.equal(
    [image('forward', 128), image('dX', 128), image('dW', 128)],
    cpu ? ['shared32', conv2dDefaultVariant(engine), 'shared8'] : Array(3).fill(conv2dDefaultVariant(engine)),
    'cost model: 9×9 3→128 @368',
  );
  assert.equal([image('forward', 32), image('dW', 32)], Array(2).fill(conv2dDefaultVariant(engine)), 'cost model: 9×9 3→32');
  assert.is(conv2dChoice(engine, { ...c(1, 1, 512), cout: 512 }), cpu ? 'shared32' : conv2dDefaultVariant(engine), 'cost model: 1×1 512→512');
  assert.is(conv2dChoice(engine, { ...c(1, 1, 512), cout: 255 }), conv2dDefaultVariant(engine), 'cost model: 1×1 512→255');
  assert.is(conv2dChoice(engine, c(1)), conv2dDefaultVariant(engine), 'cost model: 1×1 128→128');
  assert.not.match(conv2dChoice(engine, c(3, 1, 3)), /^fft/, 'cost model: 3×3 3→128 direct');
  // The GPU kernels are candidates (the autotuner times them) but never the cost model's pick on a CPU adapter.
  assert.ok(conv2dCandidates(engine, c(11)).includes('fft16w') && conv2dCandidates(engine, c(11)).includes('gemm64'));
  for (const k of [1, 3, 5, 7, 9, 11])
    for (const kind of ['forward', 'dX', 'dW'] as const) assert.not.match(conv2dChoice(engine, { ...c(k), kind }), /w$|^gemm/, `${k}×${k} ${kind}`);
  const x = tensor(testData(2 * 9 * 9, 1), [1, 2, 9, 9]);
  const w = tensor(testData(3 * 2 * 9, 2), [3, 2, 3, 3]);
  assert.throws(() => conv2dForward(x, w, null, { stride: 2, variant: 'fft16' }), /fft16 cannot run this shape.*stride 2/);
  assert.throws(() => conv2dForward(x, w, null, { stride: 2, algorithm: 'fft' }), /fft cannot run this shape/);
  assert.throws(() => conv2dForward(x, w, null, { algorithm: 'winograd' as 'fft' }), /algorithm must be "direct" or "fft", got winograd/);
  for (const t of [x, w]) t.dispose();
});

test.run();
