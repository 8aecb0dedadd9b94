/** The accessibility check of the browser tests: axe-core's WCAG 2.x A/AA and best-practice rules. */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

const RULE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Serious and critical violations on the page as it is now, one line each (rule, impact, help, where). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(RULE_TAGS).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => {
      const where = violation.nodes
        .slice(0, 4)
        .map((node) => node.target.join(' '))
        .join(' | ');
      return `${violation.id} (${violation.impact}): ${violation.help} — ${where}`;
    });
}
