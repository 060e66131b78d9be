/**
 * A container's environment, command and arguments, as the kubelet makes them from the pod spec:
 *
 * - the image's ENV first, HOSTNAME (as container runtimes set it), then the `kubernetes` Service's variables (always, whatever
 *   `enableServiceLinks` says), then `envFrom`, then `env` in order;
 * - `valueFrom`: downward-API `fieldRef` (metadata.name/namespace/uid, labels['k'], annotations['k'],
 *   spec.nodeName, spec.serviceAccountName, status.podIP(s), status.hostIP(s)), `resourceFieldRef`,
 *   `configMapKeyRef` and `secretKeyRef` (an absent optional key leaves the variable out);
 * - `$(VAR)` in a value names a variable defined before it (or a Service variable); `$$` is a literal `$`;
 *   a name not defined stays as written. Command and args expand against the finished environment.
 */
import type { V1ConfigMap, V1Container, V1EnvVar, V1Pod, V1Secret } from '@kubernetes/client-node';
import { parseQuantity } from '../../../operator/planning/quantity.js';

export interface EnvSources {
  readonly pod: V1Pod;
  readonly podIp: string;
  readonly hostIp: string;
  /** The API server as the `kubernetes` Service's variables name it (see docs/operations.md). */
  readonly apiServer: { readonly host: string; readonly port: number };
  /** The node's allocatable resources, what a resourceFieldRef of an unset limit resolves to. */
  readonly allocatable: Readonly<Record<string, string>>;
  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
}

/** A reference the container cannot start without (the kubelet reports CreateContainerConfigError). */
export class ContainerConfigError extends Error {}

/** `$(VAR)` expansion as Kubernetes does it (k8s.io/kubernetes/third_party/forked/golang/expansion). */
export function expand(input: string, vars: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = vars.get(name);
      out += value ?? `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

/** The value of a downward-API field path of the pod. */
export function fieldValue(fieldPath: string, sources: Pick<EnvSources, 'pod' | 'podIp' | 'hostIp'>): string {
  const { pod } = sources;
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (keyed !== null) {
    const map = keyed[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[keyed[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'metadata.labels':
    case 'metadata.annotations': {
      const map = fieldPath === 'metadata.labels' ? pod.metadata?.labels : pod.metadata?.annotations;
      return Object.entries(map ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join('\n');
    }
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs':
      return sources.podIp;
    case 'status.hostIP':
    case 'status.hostIPs':
      return sources.hostIp;
    default:
      throw new ContainerConfigError(`unsupported fieldRef ${fieldPath}`);
  }
}

/** Quantity in units of `divisor` (rounded up, as the kubelet does), e.g. cpu "500m" / "1" -> "1". */
function resourceValue(quantity: string, divisor: string | undefined): string {
  const value = parseQuantity(quantity);
  const unit = parseQuantity(divisor ?? '1');
  if (!Number.isFinite(value) || !(unit > 0)) throw new ContainerConfigError(`bad quantity ${quantity}`);
  return String(Math.ceil(value / unit));
}

async function valueFrom(
  env: V1EnvVar,
  container: V1Container,
  sources: EnvSources,
): Promise<string | undefined> {
  const from = env.valueFrom!;
  const namespace = sources.pod.metadata!.namespace!;
  if (from.fieldRef !== undefined) return fieldValue(from.fieldRef.fieldPath, sources);
  if (from.resourceFieldRef !== undefined) {
    const { resource, divisor } = from.resourceFieldRef;
    const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
    const set = container.resources?.[kind]?.[name];
    const quantity = set ?? (kind === 'limits' ? sources.allocatable[name] : '0') ?? '0';
    return resourceValue(String(quantity), divisor === undefined ? undefined : String(divisor));
  }
  if (from.configMapKeyRef !== undefined) {
    const { name, key, optional } = from.configMapKeyRef;
    const value = (await sources.configMap(namespace, name!))?.data?.[key];
    if (value === undefined && optional !== true) {
      throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
    }
    return value;
  }
  if (from.secretKeyRef !== undefined) {
    const { name, key, optional } = from.secretKeyRef;
    const data = (await sources.secret(namespace, name!))?.data?.[key];
    if (data === undefined && optional !== true) {
      throw new ContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
    }
    return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
  }
  throw new ContainerConfigError(`env ${env.name}: unsupported valueFrom ${JSON.stringify(from)}`);
}

/** The `kubernetes` Service's variables, which the kubelet gives every container. */
function masterServiceEnv(apiServer: EnvSources['apiServer']): Record<string, string> {
  const { host, port } = apiServer;
  const url = `tcp://${host}:${port}`;
  return {
    KUBERNETES_SERVICE_HOST: host,
    KUBERNETES_SERVICE_PORT: String(port),
    KUBERNETES_SERVICE_PORT_HTTPS: String(port),
    KUBERNETES_PORT: url,
    [`KUBERNETES_PORT_${port}_TCP`]: url,
    [`KUBERNETES_PORT_${port}_TCP_PROTO`]: 'tcp',
    [`KUBERNETES_PORT_${port}_TCP_PORT`]: String(port),
    [`KUBERNETES_PORT_${port}_TCP_ADDR`]: host,
  };
}

export interface ContainerInvocation {
  readonly env: Record<string, string>;
  /** The program and its arguments (image entrypoint/cmd where the spec names none). */
  readonly argv: string[];
}

export async function containerInvocation(
  container: V1Container,
  image: { env: Readonly<Record<string, string>>; entrypoint: readonly string[]; cmd: readonly string[] },
  sources: EnvSources,
): Promise<ContainerInvocation> {
  const namespace = sources.pod.metadata!.namespace!;
  const vars = new Map<string, string>(Object.entries(masterServiceEnv(sources.apiServer)));
  const env = new Map<string, string>(Object.entries(image.env));
  // The container runtime names the host (CRI runtimes set HOSTNAME to the pod's hostname).
  env.set('HOSTNAME', sources.pod.spec?.hostname ?? sources.pod.metadata!.name!);
  for (const [k, v] of vars) env.set(k, v);
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef !== undefined) {
      const cm = await sources.configMap(namespace, from.configMapRef.name!);
      if (cm === undefined && from.configMapRef.optional !== true) {
        throw new ContainerConfigError(`configmap ${namespace}/${from.configMapRef.name} not found`);
      }
      for (const [k, v] of Object.entries(cm?.data ?? {})) {
        env.set(prefix + k, v);
        vars.set(prefix + k, v);
      }
    }
    if (from.secretRef !== undefined) {
      const secret = await sources.secret(namespace, from.secretRef.name!);
      if (secret === undefined && from.secretRef.optional !== true) {
        throw new ContainerConfigError(`secret ${namespace}/${from.secretRef.name} not found`);
      }
      for (const [k, v] of Object.entries(secret?.data ?? {})) {
        const value = Buffer.from(v, 'base64').toString('utf8');
        env.set(prefix + k, value);
        vars.set(prefix + k, value);
      }
    }
  }
  for (const e of container.env ?? []) {
    const value =
      e.valueFrom !== undefined ? await valueFrom(e, container, sources) : expand(e.value ?? '', vars);
    if (value === undefined) continue;
    env.set(e.name, value);
    vars.set(e.name, value);
  }
  const finished = new Map(env);
  const command = container.command?.map((a) => expand(a, finished));
  const args = container.args?.map((a) => expand(a, finished));
  // Docker's rule: command replaces ENTRYPOINT (and drops CMD); args replace CMD.
  const argv =
    command !== undefined ? [...command, ...(args ?? [])] : [...image.entrypoint, ...(args ?? image.cmd)];
  if (argv.length === 0) throw new ContainerConfigError(`container ${container.name}: no command to run`);
  return { env: Object.fromEntries(env), argv };
}
