// Recognise an annotation file by its content and parse it (pure: bytes in, records out).
import { DataError } from '../errors.js';
import { readMat, type Inflate } from '../mat.js';
import { lspFromMat, lspFromSchemaJson } from './lsp.js';
import { looksLikeMpii, mpiiFromJson } from './mpii.js';
import type { ParsedAnnotations } from './record.js';

export function parseAnnotations(bytes: Uint8Array, source: string, inflate: Inflate, skipBad = false): ParsedAnnotations {
  const lower = source.toLowerCase();
  if (lower.endsWith('.mat')) return lspFromMat(readMat(bytes, source, inflate), source, skipBad);
  if (lower.endsWith('.json')) {
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new DataError(source, `not valid JSON (${(e as Error).message})`);
    }
    if (looksLikeMpii(doc)) return mpiiFromJson(doc, source, skipBad);
    if (typeof doc === 'object' && doc !== null && 'images' in doc) return lspFromSchemaJson(doc, source, skipBad);
    throw new DataError(source, 'unknown annotation format (neither the LSP/LSPet joints.json schema nor an MPII person list)');
  }
  throw new DataError(source, 'unknown annotation file type (expected .mat or .json)');
}
