import { DOCUMENT_ACTIONS, type DocumentAction, ROLES, type Role } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import {
  ADMINISTRATION_REFUSAL,
  authorize,
  authorizeAdministration,
  can,
  REFUSAL,
} from '../../server/src/auth/policy';
import { ForbiddenError } from '../../server/src/errors';

/**
 * The permission policy (server/src/auth/policy.ts over shared/src/permissions.ts):
 * every action × every role against the rules as the README states them, written
 * out here independently of the table the code holds.
 */
const EXPECTED: Record<DocumentAction, Role[]> = {
  'edit-text': ['pen-holder', 'drafter'],
  'save-version': ['pen-holder', 'drafter'],
  'restore-version': ['pen-holder'],
  'set-clause-status': ['pen-holder'],
  'record-position': ['pen-holder', 'drafter', 'commenter'],
  comment: ['pen-holder', 'drafter', 'commenter'],
  'change-own-comment': ['pen-holder', 'drafter', 'commenter'],
  'resolve-any-thread': ['pen-holder'],
  bracket: ['pen-holder', 'drafter'],
  'propose-alternative': ['pen-holder', 'drafter', 'commenter'],
  'resolve-bracket': ['pen-holder'],
  'table-amendment': ['pen-holder', 'drafter', 'commenter'],
  'cosponsor-amendment': ['pen-holder', 'drafter', 'commenter'],
  'withdraw-amendment': ['pen-holder', 'drafter', 'commenter'],
  'decide-amendment': ['pen-holder'],
  'table-compromise': ['pen-holder'],
};

describe('permission policy', () => {
  it('names every action once, each with the roles the rules allow', () => {
    expect(new Set(DOCUMENT_ACTIONS).size).toBe(DOCUMENT_ACTIONS.length);
    expect([...DOCUMENT_ACTIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const action of DOCUMENT_ACTIONS) {
      const allowed = ROLES.filter((role) => can(role, action));
      expect({ action, allowed }).toEqual({ action, allowed: EXPECTED[action] });
    }
  });

  it('allows more to a higher role, never less', () => {
    for (const action of DOCUMENT_ACTIONS) {
      const allowed = ROLES.map((role) => can(role, action));
      // ROLES runs from the highest role to the lowest: once refused, every lower role is refused too.
      expect(allowed.indexOf(false) === -1 || !allowed.slice(allowed.indexOf(false)).includes(true)).toBe(
        true,
      );
      expect(can('pen-holder', action)).toBe(true);
    }
  });

  it('refuses with 403 and the message of the action, and lets the allowed through', () => {
    for (const action of DOCUMENT_ACTIONS) {
      expect(REFUSAL[action]).toMatch(/^[A-Z].{10,}\.$/);
      for (const role of ROLES) {
        if (can(role, action)) {
          expect(() => authorize(role, action)).not.toThrow();
          continue;
        }
        let refusal: unknown;
        try {
          authorize(role, action);
        } catch (error) {
          refusal = error;
        }
        expect(refusal).toBeInstanceOf(ForbiddenError);
        expect(refusal).toMatchObject({ status: 403, code: 'forbidden', message: REFUSAL[action] });
      }
    }
  });

  it('gives each action its own refusal', () => {
    const byMessage = new Map<string, DocumentAction[]>();
    for (const action of DOCUMENT_ACTIONS) {
      byMessage.set(REFUSAL[action], [...(byMessage.get(REFUSAL[action]) ?? []), action]);
    }
    expect([...byMessage.values()].filter((actions) => actions.length > 1)).toEqual([]);
  });

  it('lets only administrators administer', () => {
    expect(() => authorizeAdministration({ isAdmin: true })).not.toThrow();
    expect(() => authorizeAdministration({ isAdmin: false })).toThrow(ADMINISTRATION_REFUSAL);
  });
});
