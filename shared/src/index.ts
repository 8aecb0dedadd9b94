export * from './domain';
export * from './negotiation';
export * from './protocol';
export * from './redline';
export * from './schema';
export * from './validation';
export * from './verification';
export * from './versions';
