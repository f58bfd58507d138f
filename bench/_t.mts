import { init } from '../src/index.node.js';
import { train } from '../src/cpm/train.js';
import { getConfig } from '../src/cpm/config.js';
const engine = await init();
const r = await train(engine, { config: getConfig(process.argv[2] ?? 'tiny'), steps: Number(process.argv[3] ?? 30), batchSize: 8, microBatch: 4, out: '/tmp/tr1', workers: 0, quiet: false, lr: 3e-3 });
console.log(r.records.map((x) => x.loss.toFixed(2)).join(' '));
process.exit(0);
