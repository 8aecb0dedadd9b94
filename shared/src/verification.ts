/**
 * What verification answers about a received DOCX (README, "Documents to
 * circulate"). The fingerprint printed in the footer is only a claim: the
 * fingerprint is recomputed from the document's own text (the canonical
 * text it is defined on) and looked up among the stored versions.
 */
import type { DocumentComparison } from './compare';
import type { VersionSummary } from './versions';

/** `GET /api/verify/:fingerprint` (signed in): the versions, of documents the user may see, with that fingerprint. */
export interface FingerprintVerification {
  /** The fingerprint asked for, lower-case. */
  fingerprint: string;
  matches: VersionSummary[];
}

/**
 * - `match`: the text is exactly a stored version's (`matches`);
 * - `differs`: the footer names a version (`claimed`) but the text is not
 *   that version's — `differences` shows which clauses differ;
 * - `unknown`: the text is no version's and the footer names none.
 */
export type VerificationOutcome = 'match' | 'differs' | 'unknown';

/**
 * `POST /api/verify/docx` (signed in). Only versions of documents the user
 * may see are named.
 */
export interface DocxVerification {
  outcome: VerificationOutcome;
  /** The fingerprint printed in the footer, lower-case; null when the file carries none. */
  fingerprint: string | null;
  /** The fingerprint recomputed from the file's text; null when the file has no readable document text. */
  textFingerprint: string | null;
  /** The versions whose text is exactly the file's. */
  matches: VersionSummary[];
  /** The versions the footer's fingerprint names (they may differ from `matches` when the footer was changed). */
  claimed: VersionSummary[];
  /** For `differs`: the claimed version (before) compared with the file's text (after), clause by clause. */
  differences: DocumentComparison | null;
  /** Why the file cannot be vouched for, when it holds what Draftroom never writes (hidden or revision-marked text). */
  reason?: string;
}

/** One version as the public verification names it: nothing but these three facts. */
export interface PublicVersionFacts {
  title: string;
  versionLabel: string;
  /** When the version was saved (ISO 8601). */
  date: string;
}

/**
 * `POST /api/public/verify` (no sign-in): an exact match — the text is a
 * stored version's and the footer names that same text — names it; anything
 * else reveals nothing.
 */
export type PublicVerification = { match: true; versions: PublicVersionFacts[] } | { match: false };
