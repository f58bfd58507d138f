// The benchmark's quick mode keeps working (no timing assertions): every case produces a row, and
// TF.js on the same adapter computes the same convolutions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runBench, formatTable } from '../../bench/run.js';

test('quick bench with TF.js side by side: rows for every case, matching numbers', async () => {
  const { machine, rows } = await runBench({ quick: true, tfjs: true });
  assert.ok(machine.adapter);
  const convs = rows.filter((r) => r.unit === 'GFLOP/s');
  assert.is(convs.length, 9, 'three conv cases × forward, dX, dW');
  for (const r of convs) {
    assert.ok(r.rate > 0 && Number.isFinite(r.rate), `${r.name} ${r.kind} rate`);
    assert.ok((r.algorithm === 'direct' || r.algorithm === 'fft') && r.variant, `${r.name} ${r.kind}: the algorithm and variant that ran`);
    // float32 sums of ≤ 200 products in different orders: a few ulps relative to the largest output.
    assert.ok(r.tfjsMaxRelDiff !== undefined && r.tfjsMaxRelDiff < 1e-4, `${r.name} ${r.kind}: ours vs TF.js differ by ${r.tfjsMaxRelDiff}`);
  }
  const memory = rows.filter((r) => r.unit === 'GB/s');
  assert.ok(memory.length >= 5, 'pooling, ReLU, ReLU gradient, concat, L2 loss and SGD rows');
  for (const r of memory.filter((m) => m.kind !== 'sgd')) {
    // Same inputs, same float32 arithmetic up to summation order (L2 loss): agreement to 1e-5 relative.
    assert.ok(r.tfjsMaxRelDiff !== undefined && r.tfjsMaxRelDiff < 1e-5, `${r.name}: ours vs TF.js differ by ${r.tfjsMaxRelDiff}`);
    assert.ok(r.tfjsRatio !== undefined && r.tfjsRatio > 0, `${r.name}: a TF.js/ours ratio`);
  }
  const train = rows.filter((r) => r.unit === 'img/s' && r.kind === 'train');
  assert.equal(
    train.map((r) => r.algorithm),
    ['direct', 'chosen'],
    'training step with direct kernels only, then chosen per layer',
  );
  assert.ok(
    train.every((r) => r.firstMs! > 0),
    'the first (compiling) step is reported',
  );
  assert.match(formatTable(rows), /ours\/TF\.js/);
});

test.run();
