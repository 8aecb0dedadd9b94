/** Order helpers of the comparison: what moved, and where removed items are shown. */

/** Indices of one longest strictly increasing subsequence of `values` (patience sorting, O(n log n)). */
export function longestIncreasingSubsequence(values: readonly number[]): Set<number> {
  const tails: number[] = []; // tails[l] = index of the smallest tail of an increasing run of length l + 1
  const previous = new Int32Array(values.length).fill(-1);
  values.forEach((value, index) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((values[tails[mid] as number] as number) < value) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[index] = tails[low - 1] as number;
    tails[low] = index;
  });
  const kept = new Set<number>();
  for (let index = tails[tails.length - 1] ?? -1; index >= 0; index = previous[index] as number)
    kept.add(index);
  return kept;
}

/**
 * Of the items present in both versions, listed in "after" order with their
 * "before" positions, those that left the longest run kept in order: they
 * moved, the others were only renumbered by what moved around them.
 */
export function movedItems(
  afterOrder: readonly string[],
  beforePosition: ReadonlyMap<string, number>,
): Set<string> {
  const common = afterOrder.filter((id) => beforePosition.has(id));
  const kept = longestIncreasingSubsequence(common.map((id) => beforePosition.get(id) as number));
  return new Set(common.filter((_, index) => !kept.has(index)));
}

/**
 * The kept items in "after" order, each removed item placed right after the
 * kept item that preceded it in "before" order (or first, when none did).
 */
export function placeRemoved<T>(
  kept: readonly T[],
  idOf: (item: T) => string,
  beforeOrder: readonly string[],
  removed: ReadonlyMap<string, T>,
): T[] {
  const keptIds = new Set(kept.map(idOf));
  const pending = new Map<string | null, T[]>();
  let anchor: string | null = null;
  for (const id of beforeOrder) {
    const item = removed.get(id);
    if (item !== undefined) {
      const list = pending.get(anchor);
      if (list) list.push(item);
      else pending.set(anchor, [item]);
    } else if (keptIds.has(id)) {
      anchor = id;
    }
  }
  const result = [...(pending.get(null) ?? [])];
  for (const item of kept) {
    result.push(item);
    for (const follower of pending.get(idOf(item)) ?? []) result.push(follower);
  }
  return result;
}
