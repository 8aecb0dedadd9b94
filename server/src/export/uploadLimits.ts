import type { ServerConfig } from '../config';
import type { DocxReadLimits } from '../verify/docxParagraphs';
import type { ZipLimits } from './zipLimits';

type UploadSettings = Pick<
  ServerConfig,
  'maxUploadEntries' | 'maxUploadEntryInflatedBytes' | 'maxUploadInflatedBytes' | 'maxInflateRatio'
>;

/** The bounds on unpacking an uploaded DOCX, from the server's settings (`MAX_UPLOAD_*`, `MAX_INFLATE_RATIO`). */
export function uploadLimitsOf(config: UploadSettings): ZipLimits {
  return {
    maxEntries: config.maxUploadEntries,
    maxEntryBytes: config.maxUploadEntryInflatedBytes,
    maxTotalBytes: config.maxUploadInflatedBytes,
    maxRatio: config.maxInflateRatio,
  };
}

/** The bounds on reading a verified DOCX's XML, from the server's settings (`MAX_VERIFY_*`). */
export function docxLimitsOf(
  config: Pick<ServerConfig, 'maxVerifyParagraphs' | 'maxVerifyRuns' | 'maxVerifyXmlDepth'>,
): DocxReadLimits {
  return {
    maxParagraphs: config.maxVerifyParagraphs,
    maxRuns: config.maxVerifyRuns,
    maxDepth: config.maxVerifyXmlDepth,
  };
}
