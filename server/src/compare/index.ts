export { comparedClauses, compareStructures } from './compareStructures';
export { normaliseWhitespace, tokenize, wordRedline } from './redline';
export type * from './types';
