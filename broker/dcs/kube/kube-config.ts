import { existsSync, readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Where the `kubernetes` DCS backend finds the API server and its credentials, in this order:
 *
 * 1. a kubeconfig file named by the `dcsKubeconfig` setting;
 * 2. in a pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT set, a service-account token mounted):
 *    the service account's token, CA and namespace under /var/run/secrets/kubernetes.io/serviceaccount;
 *    the token file is re-read every minute and after a 401, since the kubelet rotates it;
 * 3. the first file of `$KUBECONFIG`.
 *
 * Kubeconfig files are read here, not by @kubernetes/client-node, which costs a broker about 80 MB of
 * resident memory: the current context's server, `certificate-authority(-data)`,
 * `insecure-skip-tls-verify`, `tls-server-name`, and a user's `token`, `tokenFile`,
 * `client-certificate(-data)` with `client-key(-data)`, or `username`/`password`. A user with `exec` or
 * `auth-provider` credentials (cloud plugins) is handed to @kubernetes/client-node, loaded only then.
 * Proxies (`proxy-url`) are not supported.
 */
export interface KubeConnection {
  /** `https://host:port` (or `http://` for a plain local API server). */
  readonly server: URL;
  readonly tls: Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;
  /** The namespace of the service account, or of the kubeconfig context; '' when neither names one. */
  readonly namespace: string;
  /** Where the settings came from, for messages: `in-cluster service account`, `kubeconfig <path>`. */
  readonly source: string;
  /** The Authorization header ('' when the user authenticates with a client certificate). */
  authorization(options?: { refresh?: boolean }): Promise<string>;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** How long a token read from a file is used before the file is read again (client-go: one minute). */
const TOKEN_FILE_REREAD_MS = 60_000;

export interface KubeConnectionSources {
  /** A kubeconfig path; '' to look for in-cluster settings, then $KUBECONFIG. */
  readonly kubeconfig: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where a pod's service-account files are (tests point it elsewhere). */
  readonly serviceAccountDir?: string;
}

export async function loadKubeConnection(sources: KubeConnectionSources): Promise<KubeConnection> {
  const env = sources.env ?? process.env;
  const saDir = sources.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (sources.kubeconfig !== '') return fromKubeconfig(sources.kubeconfig);
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && existsSync(join(saDir, 'token'))) {
    return inCluster(env.KUBERNETES_SERVICE_HOST, env.KUBERNETES_SERVICE_PORT, saDir);
  }
  const fromEnv = (env.KUBECONFIG ?? '').split(':').find((p) => p !== '');
  if (fromEnv !== undefined) return fromKubeconfig(fromEnv);
  throw new Error(
    'the kubernetes DCS found no API server: set dcsKubeconfig (or $KUBECONFIG), or run the broker in a pod ' +
      'with a service-account token',
  );
}

/** The namespace a pod runs in (its service-account namespace file), or undefined outside a pod. */
export function podNamespace(serviceAccountDir = SERVICE_ACCOUNT_DIR): string | undefined {
  try {
    const ns = readFileSync(join(serviceAccountDir, 'namespace'), 'utf8').trim();
    return ns === '' ? undefined : ns;
  } catch {
    return undefined;
  }
}

function inCluster(host: string, port: string, saDir: string): KubeConnection {
  const server = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`);
  return {
    server,
    tls: { ca: readFileSync(join(saDir, 'ca.crt')), rejectUnauthorized: true },
    namespace: podNamespace(saDir) ?? '',
    source: 'in-cluster service account',
    authorization: tokenFileAuth(join(saDir, 'token')),
  };
}

interface NamedEntry<T> {
  name?: string;
  cluster?: T;
  user?: T;
  context?: T;
}
type Fields = Record<string, unknown>;

async function fromKubeconfig(path: string): Promise<KubeConnection> {
  let doc: Fields;
  try {
    doc = (parseYaml(readFileSync(path, 'utf8')) ?? {}) as Fields;
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${path}: ${(err as Error).message}`, { cause: err });
  }
  const bad = (why: string) => new Error(`kubeconfig ${path}: ${why}`);
  const find = (section: string, field: 'cluster' | 'user' | 'context', name: unknown): Fields => {
    const list = (Array.isArray(doc[section]) ? doc[section] : []) as NamedEntry<Fields>[];
    const entry = list.find((e) => e?.name === name)?.[field];
    if (entry === undefined || entry === null || typeof entry !== 'object') {
      throw bad(`no ${field} named ${JSON.stringify(name)}`);
    }
    return entry;
  };
  const contextName = doc['current-context'];
  if (typeof contextName !== 'string' || contextName === '') throw bad('no current-context');
  const context = find('contexts', 'context', contextName);
  const cluster = find('clusters', 'cluster', context.cluster);
  const user = context.user === undefined ? {} : find('users', 'user', context.user);
  const base = dirname(path);
  const str = (o: Fields, k: string): string | undefined =>
    typeof o[k] === 'string' ? (o[k] as string) : undefined;
  const file = (p: string) => readFileSync(isAbsolute(p) ? p : join(base, p));
  const pem = (o: Fields, k: string): Buffer | undefined => {
    const data = str(o, `${k}-data`);
    if (data !== undefined) return Buffer.from(data, 'base64');
    const p = str(o, k);
    return p === undefined ? undefined : file(p);
  };

  const serverText = str(cluster, 'server');
  if (serverText === undefined) throw bad(`cluster ${String(context.cluster)} has no server`);
  const server = new URL(serverText);
  if (server.protocol !== 'https:' && server.protocol !== 'http:')
    throw bad(`unsupported server ${serverText}`);
  if (str(cluster, 'proxy-url') !== undefined) throw bad('proxy-url is not supported by the broker');
  const ca = pem(cluster, 'certificate-authority');
  const cert = pem(user, 'client-certificate');
  const key = pem(user, 'client-key');
  const servername = str(cluster, 'tls-server-name');
  const tls: KubeConnection['tls'] = {
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(servername === undefined ? {} : { servername }),
  };

  let authorization: KubeConnection['authorization'];
  const token = str(user, 'token');
  const tokenFile = str(user, 'tokenFile');
  const username = str(user, 'username');
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    authorization = await pluginAuth(path, contextName);
  } else if (token !== undefined) {
    authorization = async () => `Bearer ${token}`;
  } else if (tokenFile !== undefined) {
    authorization = tokenFileAuth(isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile));
  } else if (username !== undefined) {
    const basic = `Basic ${Buffer.from(`${username}:${str(user, 'password') ?? ''}`).toString('base64')}`;
    authorization = async () => basic;
  } else {
    authorization = async () => '';
  }
  return {
    server,
    tls,
    namespace: str(context, 'namespace') ?? '',
    source: `kubeconfig ${path} (context ${contextName})`,
    authorization,
  };
}

function tokenFileAuth(path: string): KubeConnection['authorization'] {
  let header = '';
  let readAtMs = Number.NEGATIVE_INFINITY;
  return async (options = {}) => {
    if (options.refresh === true || performance.now() - readAtMs > TOKEN_FILE_REREAD_MS) {
      header = `Bearer ${readFileSync(path, 'utf8').trim()}`;
      readAtMs = performance.now();
    }
    return header;
  };
}

/** Credentials from an exec or auth-provider plugin, through @kubernetes/client-node (which caches them). */
async function pluginAuth(path: string, context: string): Promise<KubeConnection['authorization']> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  kc.setCurrentContext(context);
  return async () => {
    const options: RequestOptions = {};
    await kc.applyToHTTPSOptions(options);
    const header = (options.headers as Record<string, unknown> | undefined)?.Authorization;
    return typeof header === 'string' ? header : '';
  };
}
