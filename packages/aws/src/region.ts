// AWS region names as the partitions define them: `<area>-<direction>-<n>`, with the partition
// markers `gov`, `iso`, `isob`, `isof`, `isoe` where they apply (us-gov-west-1, cn-north-1,
// us-iso-east-1, eu-isoe-west-1), and the European Sovereign Cloud's `eusc-de-east-1`. Checked
// before any call, so that `europe` or a value with a shell fragment is refused by name instead
// of reaching DNS.
const REGION = /^([a-z]{2}|eusc-[a-z]{2})(-(gov|iso|isob|isof|isoe))?-[a-z]+-\d{1,2}$/;

export function isAwsRegion(value: string): boolean {
  return REGION.test(value);
}
