export * from './types';
export { CATALOG } from './models';
export * from './query';
export { modelCard } from './card';
export { userNotes } from './notes';
