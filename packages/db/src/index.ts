export * from './schema/index';
export * from './client';
export * from './migrate';
export * from './embedded';
export * from './resolve';
export { DEFAULT_PIPELINE_LANES, DriverChangedError } from './driver/index';
export * from './raw-rows';
