/**
 * The one-line change summary of each version — clauses added, changed,
 * removed and moved — and the version it counts against (its baseline).
 *
 * The rule (README, "Versions, compare"):
 * - a **named version** counts against the previous *named* version;
 *   automatic checkpoints in between never serve as its baseline, so
 *   "Rev. 2" says what changed since "Rev. 1" however many checkpoints were
 *   taken in between;
 * - an **automatic checkpoint** counts against the version just before it,
 *   named or automatic: what that stretch of editing changed;
 * - the first named version, and a checkpoint with nothing before it, have no
 *   baseline (`null`) and zero counts.
 *
 * "Before" is the history's order: `created_at`, then insertion order.
 */
import type {
  ChangeCounts,
  DocumentStructure,
  NegotiationSnapshot,
  SummaryBaseline,
  VersionKind,
  VersionSummary,
} from '@draftroom/shared';
import { compareStructures } from '../compare/compareStructures';
import type { ComparableDocument } from '../compare/types';
import type { StoredVersion, VersionRepository } from './versionStore';

const NO_CHANGE: ChangeCounts = { added: 0, changed: 0, removed: 0, moved: 0 };

/** A stored version as compare reads it: its structure and its negotiation snapshot. */
export function comparableOf(version: StoredVersion): ComparableDocument {
  const structure = JSON.parse(version.structureJson) as DocumentStructure;
  return { structure, ...(JSON.parse(version.negotiationJson) as NegotiationSnapshot) };
}

/**
 * The baseline of a version of `kind`, given the versions before it (newest
 * first): the newest named one for a named version, the newest of any kind
 * for an automatic checkpoint; `undefined` when there is none.
 */
export function baselineAmong<T extends Pick<VersionSummary, 'kind'>>(
  kind: VersionKind,
  olderNewestFirst: readonly T[],
): T | undefined {
  return kind === 'named' ? olderNewestFirst.find((older) => older.kind === 'named') : olderNewestFirst[0];
}

/** How a summary names its baseline. */
export function baselineOf(version: VersionSummary): SummaryBaseline {
  return { id: version.id, kind: version.kind, label: version.label, createdAt: version.createdAt };
}

/** Counts the clauses added / changed / removed / moved from `baseline` to `next` (zeros without one). */
export function changeCounts(baseline: StoredVersion | undefined, next: ComparableDocument): ChangeCounts {
  if (!baseline) return { ...NO_CHANGE };
  const { added, changed, removed, moved } = compareStructures(comparableOf(baseline), next).summary.total;
  return { added, changed, removed, moved };
}

/** Computes, stores and repairs the change summaries of a document's versions. */
export class ChangeSummaries {
  constructor(
    private readonly versions: Pick<
      VersionRepository,
      'latest' | 'staleSummaryIds' | 'list' | 'load' | 'setSummary'
    >,
  ) {}

  /** The summary of a version about to be stored as the newest of `documentId`. */
  async forNewVersion(
    documentId: string,
    kind: VersionKind,
    next: ComparableDocument,
  ): Promise<{ summary: ChangeCounts; baseline: SummaryBaseline | null }> {
    const baseline = await this.versions.latest(documentId, kind === 'named' ? 'named' : undefined);
    return { summary: changeCounts(baseline, next), baseline: baseline ? baselineOf(baseline) : null };
  }

  /**
   * Recounts every summary of the document that is stale: saved before
   * baselines were recorded, or counted against a version thinning removed.
   * Costs one query when none is.
   */
  async refreshStale(documentId: string): Promise<void> {
    const stale = await this.versions.staleSummaryIds(documentId);
    if (stale.length === 0) return;
    const newestFirst = await this.versions.list(documentId);
    for (const id of stale) {
      const index = newestFirst.findIndex((version) => version.id === id);
      const version = newestFirst[index];
      const stored = version && (await this.versions.load(documentId, version.id));
      if (!version || !stored) continue;
      const baseline = baselineAmong(version.kind, newestFirst.slice(index + 1));
      const baselineVersion = baseline && (await this.versions.load(documentId, baseline.id));
      await this.versions.setSummary(
        id,
        changeCounts(baselineVersion, comparableOf(stored)),
        baseline ? baselineOf(baseline) : null,
      );
    }
  }
}
