/**
 * A small dialog next to the control that opened it (rendered in <body>, so
 * the editor never sees it): focus moves into it, Escape or a click outside
 * closes it, and focus returns to the control.
 */
import {
  type ReactNode,
  type RefObject,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { createPortal } from 'react-dom';

interface PopoverProps {
  anchorRef: RefObject<HTMLElement | null>;
  onClose: () => void;
  /** The dialog's accessible name. */
  label: string;
  children: ReactNode;
  className?: string;
}

const MARGIN = 8;

function placement(anchor: HTMLElement, popover: HTMLElement): { top: number; left: number } {
  const rect = anchor.getBoundingClientRect();
  const width = popover.offsetWidth;
  const height = popover.offsetHeight;
  const left = Math.max(MARGIN, Math.min(rect.left, window.innerWidth - width - MARGIN));
  const below = rect.bottom + 6;
  const top = below + height > window.innerHeight - MARGIN ? Math.max(MARGIN, rect.top - height - 6) : below;
  return { top, left };
}

export function Popover({ anchorRef, onClose, label, children, className }: PopoverProps) {
  const popoverRef = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null);

  const reposition = useCallback(() => {
    const anchor = anchorRef.current;
    const popover = popoverRef.current;
    if (anchor && popover) setPosition(placement(anchor, popover));
  }, [anchorRef]);

  useLayoutEffect(() => {
    reposition();
    const first = popoverRef.current?.querySelector<HTMLElement>(
      'input, textarea, select, button:not([disabled]), [tabindex="0"]',
    );
    (first ?? popoverRef.current)?.focus();
  }, [reposition]);

  useEffect(() => {
    const anchor = anchorRef.current;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (popoverRef.current?.contains(target) || anchor?.contains(target)) return;
      onClose();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      onClose();
      anchor?.focus();
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('scroll', reposition, true);
    window.addEventListener('resize', reposition);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('scroll', reposition, true);
      window.removeEventListener('resize', reposition);
    };
  }, [anchorRef, onClose, reposition]);

  return createPortal(
    <div
      ref={popoverRef}
      role="dialog"
      aria-label={label}
      tabIndex={-1}
      className={`popover${className ? ` ${className}` : ''}`}
      style={position ? { top: position.top, left: position.left } : { visibility: 'hidden' }}
    >
      {children}
    </div>,
    document.body,
  );
}

/** Open/closed state of a popover and the ref of the control that opens it. */
export function usePopover<T extends HTMLElement = HTMLButtonElement>() {
  const anchorRef = useRef<T>(null);
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const toggle = useCallback(() => setOpen((current) => !current), []);
  return { anchorRef, open, setOpen, close, toggle };
}
