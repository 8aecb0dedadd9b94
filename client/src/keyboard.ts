/** Keyboard shortcut labels in TipTap's notation ("Mod-Shift-8") for tooltips and aria-keyshortcuts. */

export const isApplePlatform =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad|iPod/.test(navigator.platform || navigator.userAgent);

const APPLE_KEYS: Record<string, string> = { Mod: '⌘', Shift: '⇧', Alt: '⌥', Enter: '↩' };

/** What to show a person: "Ctrl+Shift+8" or "⌘⇧8". */
export function shortcutLabel(shortcut: string): string {
  const keys = shortcut.split('-');
  if (isApplePlatform) return keys.map((key) => APPLE_KEYS[key] ?? key.toUpperCase()).join('');
  return keys.map((key) => (key === 'Mod' ? 'Ctrl' : key.length === 1 ? key.toUpperCase() : key)).join('+');
}

/** The `aria-keyshortcuts` value: "Control+Shift+8" or "Meta+Shift+8". */
export function ariaShortcut(shortcut: string): string {
  return shortcut
    .split('-')
    .map((key) =>
      key === 'Mod' ? (isApplePlatform ? 'Meta' : 'Control') : key.length === 1 ? key.toUpperCase() : key,
    )
    .join('+');
}
