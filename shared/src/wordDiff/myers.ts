/**
 * Myers' O(ND) difference algorithm ("An O(ND) Difference Algorithm and Its
 * Variations", 1986) over sequences of integer token keys.
 *
 * The trace keeps, for each edit distance d, only the diagonals −d…d, so
 * memory is O(D²). Past `maxEditDistance` the differing middle is reported as
 * one deletion followed by one insertion — for texts that have next to
 * nothing in common, which a word-level redline would not make clearer.
 */

export const EQUAL = 0;
export const INSERT = 1;
export const DELETE = -1;
export type EditOp = typeof EQUAL | typeof INSERT | typeof DELETE;

export const DEFAULT_MAX_EDIT_DISTANCE = 2_000;

/**
 * The edit script turning `a` into `b`, one op per token: EQUAL consumes one
 * token of each, DELETE one of `a`, INSERT one of `b`.
 */
export function diffSequences(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  maxEditDistance = DEFAULT_MAX_EDIT_DISTANCE,
): EditOp[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: EditOp[] = new Array<EditOp>(start).fill(EQUAL);
  const middle = myersMiddle(a, b, start, endA, endB, maxEditDistance);
  for (const op of middle) ops.push(op);
  for (let i = endA; i < a.length; i++) ops.push(EQUAL);
  return ops;
}

/** Forward Myers over a[start, endA) × b[start, endB); then the path is traced back. */
function myersMiddle(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  start: number,
  endA: number,
  endB: number,
  maxEditDistance: number,
): EditOp[] {
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return [...new Array<EditOp>(n).fill(DELETE), ...new Array<EditOp>(m).fill(INSERT)];
  const max = Math.min(n + m, maxEditDistance);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m);
    }
  }
  return [...new Array<EditOp>(n).fill(DELETE), ...new Array<EditOp>(m).fill(INSERT)];
}

function backtrack(trace: Int32Array[], n: number, m: number): EditOp[] {
  const reversed: EditOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const before = trace[d] as Int32Array; // diagonals −d…d as they were before round d
    const at = (k: number) => before[k + d] as number;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      reversed.push(EQUAL);
      x--;
      y--;
    }
    reversed.push(down ? INSERT : DELETE);
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0) {
    reversed.push(EQUAL);
    x--;
    y--;
  }
  return reversed.reverse();
}
