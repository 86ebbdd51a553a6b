export { createEgressGuard, type EgressGuard, type EgressGuardOptions } from './guard';
export { createPolicy, type EgressPolicy } from './policy';
export { EgressRefusedError, findRefusal, type EgressRefusal } from './errors';
export { bareHost, parseAddress, privateRange } from './address';
export type { CheckedLookup, Resolver } from './lookup';
