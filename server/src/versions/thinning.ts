import type { VersionSummary } from '@draftroom/shared';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Which automatic checkpoints to drop: named versions are always kept; of the
 * automatic ones, the newest of each hour is kept for the last day, and the
 * newest of each day before that.
 */
export function automaticVersionsToThin(versions: readonly VersionSummary[], now: number): string[] {
  const keptBuckets = new Set<string>();
  const drop: string[] = [];
  const newestFirst = [...versions].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  for (const version of newestFirst) {
    if (version.kind !== 'automatic') continue;
    const at = Date.parse(version.createdAt);
    const bucket = now - at < DAY ? `h${Math.floor(at / HOUR)}` : `d${Math.floor(at / DAY)}`;
    if (keptBuckets.has(bucket)) drop.push(version.id);
    else keptBuckets.add(bucket);
  }
  return drop;
}
