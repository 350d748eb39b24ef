// The corpus of hostile input values: one row per value, over the five actions and the two
// reusable workflows. Each must fail the step (exit 1) before anything is changed, with a first
// error line that starts with `Input '<input>'` and says what was expected (`expected` below).
// `guards` names the issue #12 defect a row would have found (it failed until that defect was fixed).
import type { HostileTar } from './tar-fixtures.ts';

export type Target =
  | 'maven-build'
  | 'docker-bake'
  | 'platform-test'
  | 'ecr-push'
  | 'eks-promote'
  | 'build.yml'
  | 'promote.yml';

export interface CaseContext {
  workspace: string;
  scratch: string;
  digest: string;
  /** the local ECR's host: image references that name the workload's own repository */
  registryHost: string;
  tars: Record<HostileTar, string>;
  /** files the suite writes for the cases (hostile kubeconfig, manifests, specs) */
  files: Record<
    'kubeconfigBadYaml' | 'manifestSecretBadYaml' | 'specBadDuration' | 'specInvalidYaml' | 'specUnknownKey',
    string
  >;
}

export interface HostileInputCase {
  target: Target;
  input: string;
  value: string | ((c: CaseContext) => string);
  /** what the first error line must say after `Input '<input>'` */
  expected: RegExp;
  /** other inputs this case needs (undefined removes a base input) */
  with?: Record<string, string | undefined>;
  /** a value that must never be printed (stdout, stderr, summary, annotations) */
  secret?: string;
  /** the defect of issue #12 this row waits for, when it fails today */
  guards?: string;
  /**
   * `value`: the first line names the value (a file's path) instead of starting with
   * `Input '<input>'`: a tar's or a manifest's content is refused naming the file and where in it.
   */
  names?: 'value';
}

const HEX64 = '0123456789abcdef'.repeat(4);
const D = `sha256:${HEX64}`;
const TOKEN = 'k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS9ob3N0aWxlLXNlY3JldC10b2tlbg';
const MANIFEST_SECRET = 'hostile-manifest-password-7Q2x';
export const HOSTILE_SECRETS = { kubeconfigToken: TOKEN, manifestSecret: MANIFEST_SECRET } as const;

export const CASES: HostileInputCase[] = [
  // maven-build: paths, goals, arguments, timestamps, booleans
  { target: 'maven-build', input: 'working-directory', value: '../..', expected: /inside the workspace|expected/ },
  { target: 'maven-build', input: 'working-directory', value: '/etc', expected: /inside the workspace|expected/ },
  { target: 'maven-build', input: 'working-directory', value: 'src', expected: /no pom\.xml.*expected/ },
  { target: 'maven-build', input: 'goals', value: 'verify;touch$IFS/tmp/x', expected: /expected Maven phases/ },
  { target: 'maven-build', input: 'goals', value: '-Dmaven.repo.local=/ verify', expected: /expected Maven phases/ },
  { target: 'maven-build', input: 'arguments', value: "-o 'unclosed", expected: /close the quote/ },
  {
    target: 'maven-build',
    input: 'settings-file',
    value: '../../../etc/passwd',
    expected: /inside the workspace|expected/,
  },
  { target: 'maven-build', input: 'source-date-epoch', value: '-1', expected: /expected whole seconds/ },
  { target: 'maven-build', input: 'source-date-epoch', value: '1e9', expected: /expected whole seconds/ },
  { target: 'maven-build', input: 'source-date-epoch', value: '99999999999999999999', expected: /expected/ },
  { target: 'maven-build', input: 'cache', value: 'yes please', expected: /expected.*true.*false|true \| false/ },
  { target: 'maven-build', input: 'use-wrapper', value: 'maybe', expected: /expected.*true.*false|true \| false/ },

  // docker-bake: references, tags, paths, users, ports, key=value lines
  { target: 'docker-bake', input: 'image-name', value: 'Licensing-Service', expected: /lowercase|expected/ },
  { target: 'docker-bake', input: 'image-name', value: 'licensing-service:latest', expected: /no tag|expected/ },
  { target: 'docker-bake', input: 'image-name', value: 'licensing-service@sha256:abc', expected: /expected/ },
  { target: 'docker-bake', input: 'image-name', value: 'licensing service', expected: /must be lowercase|expected/ },
  { target: 'docker-bake', input: 'tags', value: 'latest', expected: /latest/ },
  { target: 'docker-bake', input: 'tags', value: 'v1,bad tag', expected: /expected|tag/ },
  { target: 'docker-bake', input: 'tags', value: '-leading-dash', expected: /expected|tag/ },
  {
    target: 'docker-bake',
    input: 'base-image',
    value: 'registry.example/jre@sha256:1234',
    expected: /sha256: followed by 64/,
  },
  {
    target: 'docker-bake',
    input: 'base-image',
    value: `REGISTRY.example/JRE@${D}`,
    expected: /expected|lowercase|invalid/,
  },
  {
    target: 'docker-bake',
    input: 'jar',
    value: '../../../../etc/hostname',
    expected: /inside the workspace|expected/,
    guards: "#12 defect 5: docker-bake's jar may point outside the workspace",
  },
  {
    target: 'docker-bake',
    input: 'jar',
    value: '/etc/hostname',
    expected: /inside the workspace|expected/,
    guards: "#12 defect 5: docker-bake's jar may point outside the workspace",
  },
  { target: 'docker-bake', input: 'jar', value: 'target/*.nothing', expected: /expected exactly one matching file/ },
  { target: 'docker-bake', input: 'source-date-epoch', value: 'yesterday', expected: /expected|integer/ },
  { target: 'docker-bake', input: 'source-date-epoch', value: '-5', expected: /expected|integer|at least/ },
  { target: 'docker-bake', input: 'user', value: '0', expected: /root|allow-root/ },
  { target: 'docker-bake', input: 'user', value: 'root', expected: /root|allow-root/ },
  { target: 'docker-bake', input: 'ports', value: '99999', expected: /expected|port/ },
  { target: 'docker-bake', input: 'ports', value: '8080/icmp', expected: /expected|tcp|udp/ },
  {
    target: 'docker-bake',
    input: 'env',
    value: 'DB_PASSWORD=hunter2-bake',
    expected: /secret|PASSWORD/,
    secret: 'hunter2-bake',
  },
  { target: 'docker-bake', input: 'env', value: '=novalue', expected: /expected|KEY=VALUE/ },
  { target: 'docker-bake', input: 'labels', value: 'no-equals-sign', expected: /expected|KEY=VALUE/ },
  { target: 'docker-bake', input: 'entrypoint', value: '["java",', expected: /expected|JSON/ },
  { target: 'docker-bake', input: 'allow-root', value: 'yes', expected: /expected.*true.*false|true \| false/ },
  { target: 'docker-bake', input: 'builder', value: 'kaniko', expected: /auto.*dockerfile.*jar|expected/ },
  {
    target: 'docker-bake',
    input: 'context',
    value: '../../..',
    expected: /inside the workspace|expected/,
    with: { builder: 'dockerfile', jar: undefined, ports: undefined },
  },

  // platform-test: digests, references, specs, durations, paths, KEY=VALUE lines, tar archives
  {
    target: 'platform-test',
    input: 'digest',
    value: `sha256:${HEX64.toUpperCase()}`,
    expected: /expected sha256:<64 lowercase hex>/,
  },
  {
    target: 'platform-test',
    input: 'digest',
    value: `sha256:${HEX64.slice(1)}`,
    expected: /expected sha256:<64 lowercase hex>/,
  },
  {
    target: 'platform-test',
    input: 'digest',
    value: `md5:${HEX64.slice(32)}`,
    expected: /expected sha256:<64 lowercase hex>/,
  },
  {
    target: 'platform-test',
    input: 'image',
    value: `registry.example/repo:@${D}`,
    expected: /expected|invalid/,
    with: { archive: undefined, digest: D },
  },
  {
    target: 'platform-test',
    input: 'image',
    value: 'registry.example/repo:17',
    expected: /expected repository@sha256/,
    with: { archive: undefined, digest: undefined },
  },
  {
    target: 'platform-test',
    input: 'spec',
    value: '../../../../etc/passwd',
    expected: /inside the workspace|expected/,
  },
  { target: 'platform-test', input: 'spec', value: (c) => c.files.specBadDuration, expected: /duration|expected/ },
  { target: 'platform-test', input: 'spec', value: (c) => c.files.specInvalidYaml, expected: /YAML|expected/ },
  { target: 'platform-test', input: 'spec', value: (c) => c.files.specUnknownKey, expected: /unknown|expected/ },
  { target: 'platform-test', input: 'startup-timeout', value: '10 parsecs', expected: /expected|duration/ },
  { target: 'platform-test', input: 'startup-timeout', value: '-5s', expected: /expected|duration/ },
  { target: 'platform-test', input: 'startup-timeout', value: '9999h', expected: /expected|at most/ },
  {
    target: 'platform-test',
    input: 'keep-on-failure',
    value: 'sometimes',
    expected: /expected.*true.*false|true \| false/,
  },
  {
    target: 'platform-test',
    input: 'junit-path',
    value: '../tmp/escaped-junit.xml',
    expected: /inside the workspace|RUNNER_TEMP|expected/,
    guards: "#12 defect 5: platform-test's junit-path is not checked",
  },
  { target: 'platform-test', input: 'env', value: 'NO_EQUALS_SIGN', expected: /expected|KEY=VALUE/ },
  {
    target: 'platform-test',
    input: 'secret-env',
    value: 'DB_PASSWORD hostile-secret-env-9Kq3',
    expected: /expected|KEY=VALUE/,
    secret: 'hostile-secret-env-9Kq3',
    guards: '#12 defect 3: platform-test masks secret-env only after reading all inputs (a malformed line is echoed)',
  },
  {
    target: 'platform-test',
    input: 'base-url',
    value: 'ftp://127.0.0.1/x',
    expected: /expected http/,
    with: { archive: undefined, digest: undefined },
  },
  { target: 'platform-test', input: 'env-file', value: 'no-such.env', expected: /expected|no such|does not exist/ },
  {
    target: 'platform-test',
    input: 'archive',
    value: (c) => c.tars['pax-size-abc'],
    expected: /size/,
    names: 'value',
    guards: '#12 defect 1: a crafted tar (PAX size=abc) loops forever',
  },
  {
    target: 'platform-test',
    input: 'archive',
    value: (c) => c.tars['pax-size-negative'],
    expected: /size/,
    names: 'value',
    guards: '#12 defect 1: a crafted tar (PAX size=-1536) loops forever',
  },

  // ecr-push: digests, repository names, tags, regions, ARNs, durations, numbers, endpoints, archives
  { target: 'ecr-push', input: 'digest', value: 'sha256:1234', expected: /expected sha256:<64 lowercase hex>/ },
  {
    target: 'ecr-push',
    input: 'digest',
    value: `${D}\nsha256:${'f'.repeat(64)}`,
    expected: /expected sha256:<64 lowercase hex>/,
  },
  { target: 'ecr-push', input: 'repository', value: 'Ostock/Service', expected: /expected lowercase/ },
  { target: 'ecr-push', input: 'repository', value: '../etc/passwd', expected: /expected/ },
  { target: 'ecr-push', input: 'repository', value: `a${'/b'.repeat(150)}`, expected: /expected/ },
  { target: 'ecr-push', input: 'tags', value: 'v1, no:colons', expected: /expected tags matching/ },
  { target: 'ecr-push', input: 'tags', value: 'x'.repeat(129), expected: /expected tags matching/ },
  { target: 'ecr-push', input: 'region', value: 'us-east-1; curl 169.254.169.254', expected: /expected an AWS region/ },
  { target: 'ecr-push', input: 'region', value: 'US-EAST-1', expected: /expected an AWS region/ },
  { target: 'ecr-push', input: 'registry', value: '1234', expected: /expected a 12-digit account ID/ },
  {
    target: 'ecr-push',
    input: 'role-to-assume',
    value: 'arn:aws:iam::12:role/x',
    expected: /expected arn:<partition>:iam::<12-digit account>:role\/<name>/,
  },
  { target: 'ecr-push', input: 'role-session-name', value: 'a b', expected: /expected 2-64 of/ },
  { target: 'ecr-push', input: 'scan-timeout', value: '10 parsecs', expected: /expected|duration/ },
  { target: 'ecr-push', input: 'concurrency', value: '1e3', expected: /expected an integer in 1\.\.16/ },
  { target: 'ecr-push', input: 'concurrency', value: '4.5', expected: /expected an integer in 1\.\.16/ },
  {
    target: 'ecr-push',
    input: 'ecr-endpoint',
    value: 'ftp://127.0.0.1:21',
    expected: /expected http\(s\):\/\/host\[:port\]/,
  },
  {
    target: 'ecr-push',
    input: 'sts-endpoint',
    value: 'http://127.0.0.1:notaport',
    expected: /expected http\(s\):\/\/host\[:port\]/,
  },
  {
    target: 'ecr-push',
    input: 'lifecycle-policy',
    value: '../../../../etc/passwd',
    expected: /inside the workspace|expected/,
  },
  {
    target: 'ecr-push',
    input: 'archive',
    value: (c) => c.tars['pax-size-abc'],
    expected: /size/,
    names: 'value',
    with: { layout: undefined },
    guards: '#12 defect 1: a crafted tar (PAX size=abc) loops forever',
  },
  {
    target: 'ecr-push',
    input: 'archive',
    value: (c) => c.tars['pax-size-negative'],
    expected: /size/,
    names: 'value',
    with: { layout: undefined },
    guards: '#12 defect 1: a crafted tar (PAX size=-1536) loops forever',
  },
  {
    target: 'ecr-push',
    input: 'archive',
    value: (c) => c.tars['pax-size-huge'],
    expected: /truncated|size/,
    names: 'value',
    with: { layout: undefined },
  },
  {
    target: 'ecr-push',
    input: 'archive',
    value: (c) => c.tars['pax-mtime-garbage'],
    expected: /mtime/,
    names: 'value',
    with: { layout: undefined },
    guards: '#12 defect 1: a PAX mtime is read with Number() and never checked',
  },
  {
    target: 'ecr-push',
    input: 'archive',
    value: (c) => c.tars['bad-checksum'],
    expected: /checksum/,
    names: 'value',
    with: { layout: undefined },
  },
  {
    target: 'ecr-push',
    input: 'archive',
    value: (c) => c.tars['size-field-garbage'],
    expected: /size/,
    names: 'value',
    with: { layout: undefined },
  },
  {
    target: 'ecr-push',
    input: 'archive',
    value: (c) => c.tars['truncated-entry'],
    expected: /truncated/,
    names: 'value',
    with: { layout: undefined },
  },

  // eks-promote: references, names, selectors, durations, regions, endpoints, kubeconfigs, manifests, tokens
  {
    target: 'eks-promote',
    input: 'image',
    value: (c) => `${c.registryHost}/ostock/licensing-service:@${D}`,
    expected: /expected repository@sha256/,
    guards: "#12 defect 5: eks-promote's own image regex accepts repo:@sha256:...",
  },
  {
    target: 'eks-promote',
    input: 'image',
    value: (c) => `${c.registryHost}/ostock/licensing-service:latest`,
    expected: /a tag; expected repository@sha256/,
  },
  {
    target: 'eks-promote',
    input: 'image',
    value: (c) => `${c.registryHost}/ostock/licensing-service@sha256:abc`,
    expected: /expected repository@sha256/,
  },
  { target: 'eks-promote', input: 'namespace', value: 'Dev', expected: /expected a DNS-1123 label/ },
  { target: 'eks-promote', input: 'namespace', value: '../kube-system', expected: /expected a DNS-1123 label/ },
  { target: 'eks-promote', input: 'workload', value: 'app in (x', expected: /expected|selector|DNS-1123/ },
  { target: 'eks-promote', input: 'workload', value: 'Bad_Name', expected: /DNS-1123/ },
  { target: 'eks-promote', input: 'container', value: 'Bad Name', expected: /expected a container name/ },
  { target: 'eks-promote', input: 'timeout', value: '10 parsecs', expected: /expected|duration/ },
  { target: 'eks-promote', input: 'timeout', value: '0s', expected: /expected|at least/ },
  { target: 'eks-promote', input: 'stuck-grace', value: 'forever', expected: /expected|duration/ },
  {
    target: 'eks-promote',
    input: 'rollback-on-failure',
    value: 'maybe',
    expected: /expected.*true.*false|true \| false/,
  },
  {
    target: 'eks-promote',
    input: 'region',
    value: 'us-east-1; curl 169.254.169.254',
    expected: /expected an AWS region/,
    guards: "#12 defect 5: eks-promote's region input is not validated",
  },
  {
    target: 'eks-promote',
    input: 'eks-endpoint',
    value: 'ftp://127.0.0.1:21',
    expected: /expected http/,
    guards: "#12 defect 5: eks-promote's endpoint inputs are not validated",
  },
  {
    target: 'eks-promote',
    input: 'role-to-assume',
    value: 'arn:aws:iam::1:role/x',
    expected: /expected an IAM role ARN/,
  },
  {
    target: 'eks-promote',
    input: 'kubeconfig',
    value: (c) => c.files.kubeconfigBadYaml,
    expected: /YAML|line \d+, column \d+/,
    names: 'value',
    with: { 'cluster-name': undefined, 'role-to-assume': undefined },
    secret: TOKEN,
    guards: '#12 defect 3: YAML parse errors of kubeconfigs print the offending line (a token)',
  },
  {
    target: 'eks-promote',
    input: 'kubeconfig',
    value: 'no-such-kubeconfig',
    expected: /expected|no such|does not exist/,
    with: { 'cluster-name': undefined, 'role-to-assume': undefined },
  },
  {
    target: 'eks-promote',
    input: 'manifests',
    value: '../../../../etc/passwd',
    expected: /inside the workspace|expected/,
  },
  {
    target: 'eks-promote',
    input: 'manifests',
    value: (c) => c.files.manifestSecretBadYaml,
    expected: /YAML|line \d+, column \d+/,
    names: 'value',
    secret: MANIFEST_SECRET,
    guards: "#12 defect 3: YAML parse errors of manifests print the offending line (a Secret's stringData)",
  },
  {
    target: 'eks-promote',
    input: 'manifests-from',
    value: 'HEAD',
    expected: /expected one of image-revision, image-revision-or-workspace, workspace/,
  },
  { target: 'eks-promote', input: 'kustomize', value: '../../../etc', expected: /inside the workspace/ },
  {
    target: 'eks-promote',
    input: 'environment-url',
    value: 'javascript:alert(1)',
    expected: /expected an http\(s\) URL/,
    with: { 'github-deployment': 'true' },
  },
  {
    target: 'eks-promote',
    input: 'github-token',
    value: 'ghp_hostileToken 4f8a',
    expected: /expected a GitHub token/,
    with: { 'github-deployment': 'true' },
    secret: 'ghp_hostileToken',
  },

  // the reusable workflows, through the local workflow runner: the first error line may come from
  // the workflow's own check or from the action it hands the value to; either way it names the input
  { target: 'build.yml', input: 'working-directory', value: '../..', expected: /inside the workspace|expected/ },
  { target: 'build.yml', input: 'arguments', value: "-o 'unclosed", expected: /close the quote/ },
  {
    target: 'promote.yml',
    input: 'image',
    value: (c) => `${c.registryHost}/ostock/licensing-service@sha256:${HEX64.slice(2)}`,
    expected: /expected <?repository>?@sha256/,
  },
  {
    target: 'promote.yml',
    input: 'image',
    value: (c) => `${c.registryHost}/ostock/licensing-service:latest`,
    expected: /tag|expected <?repository>?@sha256/,
  },
  {
    target: 'promote.yml',
    input: 'image',
    value: (c) => `${c.registryHost}/ostock/licensing-service:@${D}`,
    expected: /expected <?repository>?@sha256/,
    guards: "#12 defect 5: eks-promote's own image regex accepts repo:@sha256:...",
  },
];
