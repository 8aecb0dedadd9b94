import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LogOutage, ResilientLogDestination } from '../../server/src/logDestination';

describe('a log destination whose writes fail', () => {
  it('on /dev/full (ENOSPC) keeps at most its bound of lines, drops and counts the rest, and never throws', () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const destination = new ResilientLogDestination(fd, 4096);
      let dropped = 0;
      destination.stream.on('drop', () => dropped++);
      const line = `${JSON.stringify({ msg: 'x'.repeat(80) })}\n`;
      for (let i = 0; i < 200; i++) destination.stream.write(line);
      expect(destination.failing).toBe(true);
      const kept = 200 - dropped;
      expect(kept * line.length).toBeLessThanOrEqual(4096);
      expect(kept).toBe(Math.floor(4096 / line.length));
    } finally {
      closeSync(fd);
    }
  });

  it('writes what waited once writing works again, and reports the outage once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'draftroom-log-'));
    const file = join(dir, 'log');
    const fd = openSync(file, 'a');
    try {
      const destination = new ResilientLogDestination(fd, 4096);
      const outages: LogOutage[] = [];
      destination.onRecovered = (outage) => outages.push(outage);
      destination.stream.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }));
      expect(destination.failing).toBe(true);
      destination.stream.write('first\n');
      destination.stream.write('second\n');
      expect(destination.failing).toBe(false);
      expect(outages).toEqual([
        { code: 'ENOSPC', durationMs: expect.any(Number), failedWrites: 1, droppedLines: 0 },
      ]);
      expect(readFileSync(file, 'utf8')).toBe('first\nsecond\n');
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
