// Autotuning choices on disk (Node): one JSON file, { adapter: { case key: variant } }, written
// atomically and merged with what is there, so runs on other adapters keep theirs.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/files.js';
import type { TuningStore } from './tuning.js';

/** CPM_TUNING_FILE, else $XDG_CACHE_HOME (or ~/.cache)/cpm-webgpu/conv2d-tuning.json. */
export function defaultTuningFile(): string {
  return process.env.CPM_TUNING_FILE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cpm-webgpu', 'conv2d-tuning.json');
}

type TuningFile = Record<string, Record<string, string>>;

function readTuningFile(path: string): TuningFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {}; // no file yet
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as TuningFile;
  } catch {
    // fall through: a damaged cache is only a cache
  }
  console.warn(`${path}: not a conv2d tuning file; it will be rewritten`);
  return {};
}

export function fileTuningStore(path = defaultTuningFile()): TuningStore {
  return {
    load: (adapter) => {
      const entry = readTuningFile(path)[adapter] ?? {};
      return Object.fromEntries(Object.entries(entry).filter(([, v]) => typeof v === 'string'));
    },
    save: (adapter, choices) => {
      const all = readTuningFile(path);
      all[adapter] = { ...all[adapter], ...choices };
      writeFileAtomic(path, `${JSON.stringify(all, null, 1)}\n`);
    },
  };
}
