// The Deployment the eks-promote integration tests roll out: one replica of a busybox image that
// serves /actuator/health on 8080, a readiness probe every second, a short progress deadline so
// that a rollout that cannot complete fails fast, and a one-second grace period.
export interface TestDeploymentOptions {
  name: string;
  /** seconds before the rollout counts as failed (the tests' budgets depend on it) */
  progressDeadlineSeconds: number;
  /** default `app` */
  containerName?: string;
  /** the placeholder image eks-promote replaces by the digest; default `name` */
  image?: string;
  /** the container's command (default the image's: busybox httpd) */
  command?: string[];
  /** declared container ports */
  ports?: number[];
  /** a ConfigMap whose keys become the container's environment */
  envFromConfigMap?: string;
}

/** The Deployment as YAML (one document, no trailing `---`). */
export function testDeploymentYaml(options: TestDeploymentOptions): string {
  const { name } = options;
  const container = [
    `        - name: ${options.containerName ?? 'app'}`,
    `          image: ${options.image ?? name}`,
    ...(options.command ? [`          command: ${JSON.stringify(options.command)}`] : []),
    ...(options.ports ? [`          ports: [${options.ports.map((p) => `{ containerPort: ${p} }`).join(', ')}]`] : []),
    ...(options.envFromConfigMap
      ? [`          envFrom: [{ configMapRef: { name: ${options.envFromConfigMap} } }]`]
      : []),
    '          readinessProbe:',
    '            httpGet: { path: /actuator/health, port: 8080 }',
    '            periodSeconds: 1',
    '            failureThreshold: 2',
  ];
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { app: ${name} }
spec:
  replicas: 1
  progressDeadlineSeconds: ${options.progressDeadlineSeconds}
  selector: { matchLabels: { app: ${name} } }
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
${container.join('\n')}
`;
}
