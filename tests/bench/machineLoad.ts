/**
 * CPU the whole machine spent, from /proc/stat: with the server's and the
 * load generator's own CPU subtracted, what other processes took during a
 * run (the bench shares its 2 cores with whatever else runs).
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU time all cores spent busy since boot, in ms. */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busyTicks = [user, nice, system, irq, softirq, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
  return (busyTicks / TICKS_PER_SECOND) * 1000;
}
