/**
 * The versions of a document and the meetings of its Work Plan, loaded when
 * the history panel opens and refreshed while it stays open (every half
 * minute and when the window regains focus), so versions others save appear.
 */
import type { Meeting, VersionSummary } from '@draftroom/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isUnauthenticated } from '../api';
import { useAuth } from '../auth';
import { fetchMeetings, fetchVersions } from './api';

const REFRESH_MS = 30_000;

export interface VersionHistoryData {
  versions: VersionSummary[] | null;
  meetings: Meeting[];
  error: string | null;
  refresh: () => Promise<void>;
}

export function useVersionHistory(documentId: string, open: boolean): VersionHistoryData {
  const { markSignedOut } = useAuth();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [meetings, setMeetings] = useState<Meeting[]>([]);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    try {
      const [list, workPlan] = await Promise.all([fetchVersions(documentId), fetchMeetings(documentId)]);
      if (!mounted.current) return;
      setVersions(list);
      setMeetings(workPlan);
      setError(null);
    } catch (failure) {
      if (!mounted.current) return;
      if (isUnauthenticated(failure)) markSignedOut();
      else setError(failure instanceof Error ? failure.message : 'The history could not be loaded.');
    }
  }, [documentId, markSignedOut]);

  useEffect(() => {
    if (!open) return;
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    const onFocus = () => void refresh();
    window.addEventListener('focus', onFocus);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
  }, [open, refresh]);

  return { versions, meetings, error, refresh };
}
