// sum and mean against float64 sums: deterministic (same bits every run), gradients constant.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, parameter, sum, mean, backward, tidy } from '../../src/index.node.js';
import { testData } from '../reference/data.js';

test.before(async () => {
  await init();
});

test('sum and mean match float64 sums, bit-identically on a second run; d sum = 1, d mean = 1/n', async () => {
  // 4097 crosses one first-pass chunk; 2·15·46·46 is a CPM belief batch.
  for (const n of [1, 7, 4097, 2 * 15 * 46 * 46, 100003]) {
    const v = testData(n, n);
    const want = v.reduce((acc, x) => acc + x, 0);
    const x = parameter(v, [n], 'x');
    const s = tidy(() => sum(x));
    const got = await s.item();
    // float32 partial sums of ≤ 4096 values of magnitude ≤ 1 (random signs): error well under 1e-7·n.
    assert.ok(Math.abs(got - want) < 1e-6 * n + 1e-6, `sum n=${n}: ${got} vs ${want}`);
    assert.is(await tidy(() => sum(x)).item(), got, 'same bits on a second run');
    const m = tidy(() => mean(x));
    assert.ok(Math.abs((await m.item()) - want / n) < 1e-6, `mean n=${n}`);
    backward(s);
    assert.ok(
      (await x.grad!.read()).every((g) => g === 1),
      'd sum / dx = 1',
    );
    x.grad!.dispose();
    x.grad = null;
    backward(m);
    // The kernel multiplies by float32(1/n): compare with that rounding.
    assert.ok(
      (await x.grad!.read()).every((g) => Math.abs(g - 1 / n) <= 1e-7 / n),
      'd mean / dx = 1/n',
    );
    x.dispose();
  }
});

test.run();
