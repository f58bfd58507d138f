// An annotation record as read from a dataset's files, before its image is decoded.

/** A person as annotated; without center/scale the LSP rule (image centre and height) applies at load. */
export interface PersonAnnotation {
  joints: Float32Array;
  center?: [number, number];
  scale?: number;
}

export interface AnnotationRecord {
  /** Image file, relative to the dataset's image folder. */
  file: string;
  persons: PersonAnnotation[];
  /** Which person the crop centres on. */
  main: number;
  /** 0-based position of the entry in the annotation file (split ranges count in these). */
  index: number;
  /** The image's size as the annotation states it, when it does (checked against the decoded image). */
  width?: number;
  height?: number;
}

/** Dataset families we read. */
export type DatasetFormat = 'lsp' | 'lspet' | 'mpii';

export interface ParsedAnnotations {
  format: DatasetFormat;
  records: AnnotationRecord[];
  /** Records left out while parsing (with skipBad, or marked unavailable in the file). */
  dropped: { index: number; source: string; reason: string }[];
}
