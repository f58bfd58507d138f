// The engine that creation functions use when none is passed (set by init()).
import type { Engine } from './engine.js';
import { EngineError } from './errors.js';

let current: Engine | null = null;

export function setEngine(engine: Engine | null): void {
  current = engine;
}

export function getEngine(): Engine {
  if (!current) throw new EngineError('engine', 'no engine yet: call `await init()` first');
  return current;
}
