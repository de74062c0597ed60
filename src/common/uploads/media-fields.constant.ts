import type { UploadFieldSpec } from 'src/common/uploads/upload-spec.type';

const MB = 1024 * 1024;

/** The three file fields of contract §1.13. */
export const VIDEO_FILE: UploadFieldSpec = {
  maxBytes: 100 * MB,
  storage: 'disk',
  accepts: ['mp4'],
  messages: {
    tooLarge: 'Video file exceeds 100MB size limit',
    wrongType: 'Invalid video file type. Only mp4 allowed.',
    missing: 'Video file is required',
  },
};

export const THUMBNAIL_FILE: UploadFieldSpec = {
  maxBytes: 5 * MB,
  storage: 'memory',
  accepts: ['jpeg', 'png'],
  messages: {
    tooLarge: 'Thumbnail exceeds 5MB size limit',
    wrongType: 'Invalid thumbnail type. Only jpeg or png allowed.',
    missing: 'Thumbnail file is required',
  },
};

export const PROFILE_IMAGE_FILE: UploadFieldSpec = {
  maxBytes: 5 * MB,
  storage: 'memory',
  accepts: ['jpeg', 'png'],
  messages: {
    tooLarge: 'Profile image exceeds 5MB size limit',
    wrongType: 'Invalid profileImage file. Only jpeg or png allowed.',
    missing: 'profileImage file is required',
  },
};
