// A boxes JSON file (Node): its placements, and its images (named in it, beside it).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseBoxesJson, type Placement } from './people.js';

export function readBoxesFile(path: string): { table: Map<string, Placement[]>; images: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read the boxes JSON (${(e as Error).message})`);
  }
  const table = parseBoxesJson(json, path);
  return { table, images: [...table.keys()].map((name) => resolve(dirname(path), name)) };
}
