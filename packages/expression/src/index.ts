export * from './references.ts';
export * from './template.ts';
