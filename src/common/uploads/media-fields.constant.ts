import type { DetectedFileType, UploadFieldSpec } from 'src/common/uploads/upload-spec.type';

const MB = 1024 * 1024;

interface FileField {
  /** How the 413 names the file. */
  name: string;
  megabytes: number;
  storage: UploadFieldSpec['storage'];
  accepts: DetectedFileType[];
  /** The 415's opening words; it goes on to list the accepted types. */
  wrongTypeLead: string;
  missing: string;
}

/** A field's limit and types are stated once here: the checks, the messages and the OpenAPI body read them. */
function fileField(field: FileField): UploadFieldSpec {
  return {
    maxBytes: field.megabytes * MB,
    storage: field.storage,
    accepts: field.accepts,
    messages: {
      tooLarge: `${field.name} exceeds ${field.megabytes}MB size limit`,
      wrongType: `${field.wrongTypeLead} Only ${field.accepts.join(' or ')} allowed.`,
      missing: field.missing,
    },
  };
}

/** The three file fields of the upload routes (docs/api.md#uploads). */
export const VIDEO_FILE = fileField({
  name: 'Video file',
  megabytes: 100,
  storage: 'disk',
  accepts: ['mp4'],
  wrongTypeLead: 'Invalid video file type.',
  missing: 'Video file is required',
});

export const THUMBNAIL_FILE = fileField({
  name: 'Thumbnail',
  megabytes: 5,
  storage: 'memory',
  accepts: ['jpeg', 'png'],
  wrongTypeLead: 'Invalid thumbnail type.',
  missing: 'Thumbnail file is required',
});

export const PROFILE_IMAGE_FILE = fileField({
  name: 'Profile image',
  megabytes: 5,
  storage: 'memory',
  accepts: ['jpeg', 'png'],
  wrongTypeLead: 'Invalid profileImage file.',
  missing: 'profileImage file is required',
});
