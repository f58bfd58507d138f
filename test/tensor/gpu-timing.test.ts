// GPU time from timestamp queries has nanosecond resolution in Node: Dawn's default rounding to
// 65.536 µs would read most kernels of a real GPU as 0 ms and every pass as a multiple of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, randn, relu } from '../../src/index.node.js';

const QUANTUM_NS = 65536;

test('GPU times are not rounded to 65.536 µs', async () => {
  const engine = await init();
  assert.ok(engine.info.features['timestamp-query'], 'this adapter has timestamp queries');
  const x = randn([1 << 16], { seed: 1 });
  const ns: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t = await engine.timeCall(() => void relu(relu(x)));
    ns.push(Math.round(t.gpuMs! * 1e6));
  }
  x.dispose();
  // Rounded timestamps make every pass, and so every sum of passes, a whole number of quanta.
  assert.ok(
    ns.some((n) => n % QUANTUM_NS !== 0),
    `GPU ns of 4 calls: ${ns.join(', ')}`,
  );
});

test.run();
