export { type ComparisonExport, exportComparisonDocx } from './comparisonDocx';
export { extractFingerprintFromDocx } from './docxFingerprint';
export { FINGERPRINT_LABEL } from './docxParts';
export { exportVersionDocx, type VersionExport } from './versionDocx';
