/**
 * Steps through the changes of a comparison: next / previous (buttons, and
 * the keys N / P or J / K anywhere outside a form field), scrolling the
 * change into view and moving focus to it.
 */
import { useCallback, useEffect, useState } from 'react';

export interface ChangeNavigation {
  /** -1 before the first step. */
  index: number;
  count: number;
  currentAnchor: string | null;
  next: () => void;
  previous: () => void;
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName);
}

function reveal(anchor: string): void {
  const element = document.getElementById(anchor);
  if (!element) return;
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  element.scrollIntoView({ block: 'center', behavior: reduced ? 'auto' : 'smooth' });
  element.focus({ preventScroll: true });
}

export function useChangeNavigation(anchors: readonly string[]): ChangeNavigation {
  // `step` counts moves, so stepping onto the same change again still reveals it.
  const [position, setPosition] = useState({ anchors, index: -1, step: 0 });
  const count = anchors.length;
  // A different comparison starts again from the top.
  const index = position.anchors === anchors ? position.index : -1;
  const currentAnchor = index >= 0 ? (anchors[index] ?? null) : null;

  const go = useCallback(
    (direction: 1 | -1) => {
      if (count === 0) return;
      setPosition((current) => {
        const from = current.anchors === anchors ? current.index : -1;
        const next = from < 0 ? (direction === 1 ? 0 : count - 1) : (from + direction + count) % count;
        return { anchors, index: next, step: current.step + 1 };
      });
    },
    [anchors, count],
  );
  const next = useCallback(() => go(1), [go]);
  const previous = useCallback(() => go(-1), [go]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: every step reveals, even onto the same change.
  useEffect(() => {
    if (currentAnchor) reveal(currentAnchor);
  }, [currentAnchor, position.step]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const key = event.key.toLowerCase();
      if (key === 'n' || key === 'j') next();
      else if (key === 'p' || key === 'k') previous();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [next, previous]);

  return { index, count, currentAnchor, next, previous };
}
