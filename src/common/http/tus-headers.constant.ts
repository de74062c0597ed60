/**
 * The tus 1.0 headers (docs/api.md#resumable-uploads) that browsers must be allowed to send and
 * to read across origins; the app's CORS configuration lists them beside its own.
 */
export const TUS_REQUEST_HEADERS = [
  'Tus-Resumable',
  'Upload-Length',
  'Upload-Offset',
  'Upload-Metadata',
] as const;

export const TUS_RESPONSE_HEADERS = [
  'Location',
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Upload-Offset',
  'Upload-Length',
  'Upload-Expires',
  'Upload-Metadata',
] as const;
