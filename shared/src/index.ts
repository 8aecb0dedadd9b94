export * from './domain';
export * from './protocol';
export * from './schema';
export * from './validation';
