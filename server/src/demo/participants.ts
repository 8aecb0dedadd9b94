import type { ParticipantKind, Role, UserProfile } from '@draftroom/shared';

export interface DemoParticipant {
  code: string;
  name: string;
  kind: ParticipantKind;
  /** Default role of the participant's users on the process's documents. */
  role: Role;
}

/**
 * The Prague Process in 2011 (source: the project's context documents): the
 * EU and Schengen states, Eastern Europe, the South Caucasus, the Western
 * Balkans, Central Asia and Turkey, with the European Commission, Frontex,
 * ICMPD, IOM and UNHCR. Poland holds the pen; the BMP core group (Czech
 * Republic, Hungary, Romania, Slovakia) and the ICMPD secretariat draft;
 * the other states comment; the international organisations observe.
 */
const drafters = new Set(['CZ', 'HU', 'RO', 'SK', 'ICMPD']);

const states: [string, string][] = [
  ['AT', 'Austria'],
  ['BE', 'Belgium'],
  ['BG', 'Bulgaria'],
  ['CY', 'Cyprus'],
  ['CZ', 'Czech Republic'],
  ['DE', 'Germany'],
  ['DK', 'Denmark'],
  ['EE', 'Estonia'],
  ['EL', 'Greece'],
  ['ES', 'Spain'],
  ['FI', 'Finland'],
  ['FR', 'France'],
  ['HU', 'Hungary'],
  ['IE', 'Ireland'],
  ['IT', 'Italy'],
  ['LT', 'Lithuania'],
  ['LU', 'Luxembourg'],
  ['LV', 'Latvia'],
  ['MT', 'Malta'],
  ['NL', 'Netherlands'],
  ['PL', 'Poland'],
  ['PT', 'Portugal'],
  ['RO', 'Romania'],
  ['SE', 'Sweden'],
  ['SI', 'Slovenia'],
  ['SK', 'Slovakia'],
  ['UK', 'United Kingdom'],
  ['CH', 'Switzerland'],
  ['IS', 'Iceland'],
  ['LI', 'Liechtenstein'],
  ['NO', 'Norway'],
  ['AL', 'Albania'],
  ['BA', 'Bosnia and Herzegovina'],
  ['HR', 'Croatia'],
  ['ME', 'Montenegro'],
  ['MK', 'North Macedonia'],
  ['RS', 'Serbia'],
  ['AM', 'Armenia'],
  ['AZ', 'Azerbaijan'],
  ['BY', 'Belarus'],
  ['GE', 'Georgia'],
  ['MD', 'Moldova'],
  ['RU', 'Russian Federation'],
  ['UA', 'Ukraine'],
  ['KZ', 'Kazakhstan'],
  ['KG', 'Kyrgyzstan'],
  ['TJ', 'Tajikistan'],
  ['TM', 'Turkmenistan'],
  ['UZ', 'Uzbekistan'],
  ['TR', 'Turkey'],
];

const organisations: [string, string, ParticipantKind][] = [
  ['EC', 'European Commission', 'eu-institution'],
  ['FRONTEX', 'Frontex', 'eu-institution'],
  ['ICMPD', 'International Centre for Migration Policy Development', 'organisation'],
  ['IOM', 'International Organization for Migration', 'organisation'],
  ['UNHCR', 'Office of the UN High Commissioner for Refugees', 'organisation'],
];

function roleOf(code: string, kind: ParticipantKind): Role {
  if (code === 'PL') return 'pen-holder';
  if (drafters.has(code)) return 'drafter';
  return kind === 'state' || code === 'EC' ? 'commenter' : 'observer';
}

export const demoParticipants: DemoParticipant[] = [
  ...states.map(([code, name]) => ({ code, name, kind: 'state' as const, role: roleOf(code, 'state') })),
  ...organisations.map(([code, name, kind]) => ({ code, name, kind, role: roleOf(code, kind) })),
];

export interface DemoUser {
  email: string;
  name: string;
  participantCode: string;
  isAdmin: boolean;
  /** What the README and `npm start` say about this account. */
  description: string;
}

export const DEMO_PASSWORD = 'prague-process-2011';

/** The profile of a seeded demo user by address (as in demoUsers); throws when there is none. */
export type DemoProfileOf = (email: string) => UserProfile;

export const demoUsers: DemoUser[] = [
  {
    email: 'anna.nowak@pl.example',
    name: 'Anna Nowak',
    participantCode: 'PL',
    isAdmin: false,
    description: 'Polish presidency, holds the pen',
  },
  {
    email: 'laszlo.kovacs@hu.example',
    name: 'László Kovács',
    participantCode: 'HU',
    isAdmin: false,
    description: 'Hungarian delegate, drafter',
  },
  {
    email: 'jana.novakova@cz.example',
    name: 'Jana Nováková',
    participantCode: 'CZ',
    isAdmin: false,
    description: 'Czech delegate, drafter',
  },
  {
    email: 'martin.weber@icmpd.example',
    name: 'Martin Weber',
    participantCode: 'ICMPD',
    isAdmin: false,
    description: 'ICMPD secretariat officer, drafter',
  },
  {
    email: 'olena.bondar@ua.example',
    name: 'Olena Bondar',
    participantCode: 'UA',
    isAdmin: false,
    description: 'Ukrainian delegate, commenter',
  },
  {
    email: 'sofia.rossi@unhcr.example',
    name: 'Sofia Rossi',
    participantCode: 'UNHCR',
    isAdmin: false,
    description: 'UNHCR, observer',
  },
  {
    email: 'admin@icmpd.example',
    name: 'Process Administrator',
    participantCode: 'ICMPD',
    isAdmin: true,
    description: 'administrator (ICMPD)',
  },
];

const PALETTE = [
  '#1f6feb',
  '#c2410c',
  '#15803d',
  '#9333ea',
  '#b91c1c',
  '#0e7490',
  '#a16207',
  '#be185d',
  '#4d7c0f',
  '#4338ca',
  '#0f766e',
  '#9a3412',
  '#6d28d9',
  '#047857',
  '#b45309',
  '#1d4ed8',
];

/** A stable, readable colour for a participant's carets and badges. */
export function participantColor(code: string): string {
  if (code === 'PL') return '#dc2626';
  let hash = 0;
  for (const char of code) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length] ?? '#1f6feb';
}
