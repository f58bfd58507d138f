// A Node script as a user of the published package writes it: one op on the GPU. The consumer test
// type-checks it under node16 and bundler resolution, then runs it.
import { init, tensor, relu, type Tensor } from 'cpm-webgpu';
import type { Engine as BrowserEngine } from 'cpm-webgpu/browser';

const engine: BrowserEngine = await init();
const y: Tensor = relu(tensor([-1, 2, -3, 4], [4]));

export function typesAreReal(): void {
  // @ts-expect-error: a shape is numbers; without the package's types (or with `any`) this line compiles
  tensor([1], ['one']);
}

console.log(JSON.stringify({ relu: Array.from(await y.read()), adapter: engine.describe() }));
