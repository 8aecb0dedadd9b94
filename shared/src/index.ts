export * from './domain';
export * from './negotiation';
export * from './protocol';
export * from './schema';
export * from './validation';
export * from './versions';
