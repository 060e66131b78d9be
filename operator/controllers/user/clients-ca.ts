/**
 * Where the operator finds a Cluster's clients CA, the CA that signs the certificates of tls Users (and that
 * the brokers trust for client certificates). The one place that knows the Secret's name and keys.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { PemPair } from '../../../kit/pki.js';
import type { Cluster } from '../../api/v1alpha1.js';
import type { SecretStore } from '../../kube/secret-store.js';
import { LABEL_INSTANCE } from '../../planning/labels.js';
import { secretText } from '../../planning/user-secret.js';

/** The Secret of a Cluster's clients CA and its keys. */
export function clientsCaSecretName(cluster: string): string {
  return `${cluster}-clients-ca`;
}

/** The Cluster whose clients CA `secret` is (named for it, labelled with its instance), if any. */
export function clientsCaCluster(secret: KubernetesObject): string | undefined {
  const cluster = secret.metadata?.labels?.[LABEL_INSTANCE];
  return cluster !== undefined && secret.metadata?.name === clientsCaSecretName(cluster)
    ? cluster
    : undefined;
}

/** The CA's certificate and key in that Secret, as the cluster reconcile writes them (a TLS Secret's keys). */
const CA_CERT_KEY = 'tls.crt';
const CA_KEY_KEY = 'tls.key';

export interface ClientsCaSource {
  /** The clients CA of `cluster`, or undefined while it does not exist (yet). */
  clientsCa(cluster: Cluster): Promise<PemPair | undefined>;
}

/** Reads the clients CA from its Secret in the Cluster's namespace. */
export class SecretClientsCa implements ClientsCaSource {
  constructor(private readonly secrets: Pick<SecretStore, 'get'>) {}

  async clientsCa(cluster: Cluster): Promise<PemPair | undefined> {
    const secret = await this.secrets.get(
      cluster.metadata.namespace!,
      clientsCaSecretName(cluster.metadata.name!),
    );
    const data = secretText(secret);
    const certPem = data[CA_CERT_KEY];
    const keyPem = data[CA_KEY_KEY];
    if (certPem === undefined || keyPem === undefined || certPem === '' || keyPem === '') return undefined;
    return { certPem, keyPem };
  }
}
