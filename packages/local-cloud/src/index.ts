export { type Distribution, type DistributionOptions, startDistribution } from './distribution.ts';
export { freePort } from './free-port.ts';
