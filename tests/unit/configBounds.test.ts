import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config';

/** The settings of issue 12, items 6–8: uploads, the log's buffer, the audit key, anchor and refusal bounds. */
describe('upload, log and audit settings', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({}, '')).toMatchObject({
      maxUploadEntries: 1000,
      maxUploadEntryInflatedBytes: 16 * 1024 * 1024,
      maxUploadInflatedBytes: 64 * 1024 * 1024,
      maxInflateRatio: 200,
      logBufferMaxBytes: 1024 * 1024,
      auditKey: '',
      auditAnchorFile: '',
      auditCheckpointSeconds: 10,
      auditRefusalWindowSeconds: 60,
      auditRefusalRowsPerWindow: 100,
    });
  });

  it('reads every variable', () => {
    const key = 'k'.repeat(40);
    const config = loadConfig(
      {
        MAX_UPLOAD_ENTRIES: '50',
        MAX_UPLOAD_ENTRY_INFLATED_BYTES: '4096',
        MAX_UPLOAD_INFLATED_BYTES: '8192',
        MAX_INFLATE_RATIO: '20.5',
        LOG_BUFFER_MAX_BYTES: '65536',
        AUDIT_KEY: key,
        AUDIT_ANCHOR_FILE: 'anchors/audit.jsonl',
        AUDIT_CHECKPOINT_SECONDS: '0',
        AUDIT_REFUSAL_WINDOW_SECONDS: '0.5',
        AUDIT_REFUSAL_ROWS_PER_WINDOW: '7',
      },
      '',
    );
    expect(config).toMatchObject({
      maxUploadEntries: 50,
      maxUploadEntryInflatedBytes: 4096,
      maxUploadInflatedBytes: 8192,
      maxInflateRatio: 20.5,
      logBufferMaxBytes: 65536,
      auditKey: key,
      auditAnchorFile: resolve('anchors/audit.jsonl'),
      auditCheckpointSeconds: 0,
      auditRefusalWindowSeconds: 0.5,
      auditRefusalRowsPerWindow: 7,
    });
  });

  it('refuses a short AUDIT_KEY and non-positive bounds, naming each variable', () => {
    let message = '';
    try {
      loadConfig(
        {
          AUDIT_KEY: 'short',
          MAX_UPLOAD_ENTRIES: '0',
          MAX_INFLATE_RATIO: '0',
          AUDIT_REFUSAL_WINDOW_SECONDS: '0',
        },
        '',
      );
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of [
      'AUDIT_KEY',
      'MAX_UPLOAD_ENTRIES',
      'MAX_INFLATE_RATIO',
      'AUDIT_REFUSAL_WINDOW_SECONDS',
    ]) {
      expect(message).toContain(name);
    }
  });
});
