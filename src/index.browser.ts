// Browser entry: the device comes from navigator.gpu.
import { requestEngineDevice, type DeviceOptions } from './tensor/device.js';
import { Engine } from './tensor/engine.js';
import { setEngine } from './tensor/context.js';

export * from './index.js';

/** Creates the engine on navigator.gpu and makes it current. */
export async function init(opts: DeviceOptions = {}): Promise<Engine> {
  const gpu = typeof navigator === 'undefined' ? undefined : navigator.gpu;
  const engine = new Engine(await requestEngineDevice(gpu, opts));
  setEngine(engine);
  return engine;
}
