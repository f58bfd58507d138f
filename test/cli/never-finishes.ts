// For runs.test.ts: a command awaiting something that holds nothing in Node's event loop.
import { runCli } from '../../src/cli/run.js';

runCli('never-finishes', () => new Promise<void>(() => undefined));
