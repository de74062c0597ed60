import { isDuplicateKey } from 'src/common/errors/error-mapping.util';

/** What an unordered bulk write's error carries: one write error, or the list of them. */
interface BulkWriteFailure {
  writeErrors?: { index: number; code?: number }[] | { index: number; code?: number };
}

/**
 * The indexes of the operations an unordered bulk write refused as duplicates, or null when the
 * error is anything else (or any refusal was for another reason), which the caller rethrows.
 */
export function duplicateIndexes(error: unknown): Set<number> | null {
  if (typeof error !== 'object' || error === null || !('writeErrors' in error)) return null;
  const raw = (error as BulkWriteFailure).writeErrors;
  const writeErrors = Array.isArray(raw) ? raw : raw ? [raw] : [];
  if (writeErrors.length === 0 || !writeErrors.every((failure) => isDuplicateKey(failure)))
    return null;
  return new Set(writeErrors.map((failure) => failure.index));
}
