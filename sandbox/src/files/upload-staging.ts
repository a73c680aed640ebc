/**
 * Name prefix of the folders an upload extracts into before moving its entries into place.
 * Change scans and downloads skip them.
 */
export const UPLOAD_STAGING_PREFIX = '.handoff-upload-';
