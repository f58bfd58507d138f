// A page as a user's app bundles it from the installed package (esbuild): a seeded tiny CPM's beliefs.
import * as lib from 'cpm-webgpu';
import { timedForward, type TimedForward } from './forward-check.js';

const result: Promise<TimedForward> = lib.init().then((engine) => timedForward(lib, engine, 'tiny', 3, 1, 1));
(window as unknown as { result: Promise<TimedForward> }).result = result;
