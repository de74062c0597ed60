import type { DetectedFileType } from 'src/common/uploads/upload-spec.type';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Only the content signature counts (docs/api.md#uploads): MP4 `ftyp` at offset 4, JPEG, PNG. */
export function detectFileType(head: Buffer): DetectedFileType | null {
  if (head.length >= 8 && head.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(PNG)) return 'png';
  return null;
}

/** The first bytes needed to decide the type. */
export const SIGNATURE_BYTES = 12;
