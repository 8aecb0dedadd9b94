import { useEffect } from 'react';

/** Sets the browser tab title: "<title> · Draftroom". */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Draftroom` : 'Draftroom';
  }, [title]);
}
