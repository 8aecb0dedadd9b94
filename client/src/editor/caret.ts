/**
 * How other people's carets look: a thin line in their delegation's colour
 * with a label "Name (CODE)". The element classes are TipTap's own
 * (`collaboration-carets__caret`, `collaboration-carets__label`).
 */
import type { PresenceUser } from '@draftroom/shared';

const FALLBACK_COLOR = '#5b6473';

function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value);
}

/** Black or white, whichever reads better on the given background. */
export function readableTextColor(background: string): string {
  if (!isHexColor(background)) return '#ffffff';
  const channel = (offset: number) => {
    const value = Number.parseInt(background.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.4 ? '#111418' : '#ffffff';
}

/** "Name (CODE)" for a presence state, tolerating incomplete states from older clients. */
export function presenceLabel(user: Partial<PresenceUser>): string {
  const name = typeof user.name === 'string' && user.name ? user.name : 'Someone';
  return user.participantCode ? `${name} (${user.participantCode})` : name;
}

export function renderCaret(user: Record<string, unknown>): HTMLElement {
  const presence = user as Partial<PresenceUser>;
  const color = isHexColor(presence.color) ? presence.color : FALLBACK_COLOR;

  const caret = document.createElement('span');
  caret.classList.add('collaboration-carets__caret');
  caret.style.borderColor = color;
  if (typeof presence.userId === 'string') caret.dataset.userId = presence.userId;

  const label = document.createElement('div');
  label.classList.add('collaboration-carets__label');
  label.style.backgroundColor = color;
  label.style.color = readableTextColor(color);
  label.textContent = presenceLabel(presence);
  caret.append(label);
  return caret;
}
