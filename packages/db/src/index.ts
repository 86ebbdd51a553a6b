export * from './schema/index';
export * from './client';
export * from './migrate';
export * from './embedded';
export * from './resolve';
export * from './jobs';
export * from './statement-cache';
export * from './raw-rows';
