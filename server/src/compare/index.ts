export { normaliseWhitespace, tokenize, wordRedline } from '@draftroom/shared';
export { comparedClauses, compareStructures } from './compareStructures';
export type * from './types';
