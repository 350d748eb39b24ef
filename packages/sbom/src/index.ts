export { type ImageSbomResult, writeImageSbom } from './image-sbom.ts';
