// Node-only: read predictions and ground-truth files from disk (the pure parsers do the work).
import { readFileSync } from 'node:fs';
import { FormatError } from './convention.js';
import { parseGroundTruth, type GroundTruthOptions } from './groundTruth.js';
import { parsePredictions, type PredictionSet } from './predictionsFormat.js';
import type { PersonTruth } from './types.js';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FormatError(path, `cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new FormatError(path, `not valid JSON: ${(e as Error).message}`);
  }
}

export function readPredictionsFile(path: string): PredictionSet[] {
  return parsePredictions(readJsonFile(path), path);
}

export function readGroundTruthFile(path: string, opts: GroundTruthOptions = {}): PersonTruth[] {
  return parseGroundTruth(readJsonFile(path), path, opts);
}
