import type { AddressVerdict } from './address-policy.ts';

/**
 * Host names refused before any DNS look-up, whatever they resolve to here: a name can resolve differently later,
 * through a search domain, or to an address the address ranges do not know (a cluster's API server, a metadata
 * proxy).  Checked on the lower-cased name without trailing dots.
 */
const METADATA_NAMES = new Set([
  // Google Cloud
  'metadata.google.internal',
  'metadata.goog',
  // The bare names cloud images resolve through their search domains (GCP `metadata`, AWS `instance-data`).
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  // Azure, Tencent, Equinix Metal / Packet, IBM Cloud
  'metadata.azure.com',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
  'metadata.packet.net',
  'api.metadata.cloud.ibm.com',
]);

/** The Kubernetes API server as every pod can name it: treated like metadata (it hands out cluster control). */
const KUBERNETES_API_NAMES = new Set([
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
]);

/** Other in-cluster service names: private, like the cluster addresses they resolve to. */
const IN_CLUSTER_SUFFIXES = ['.svc', '.svc.cluster.local', '.cluster.local'];

/**
 * Classifies a host name (not an IP literal) by name alone: `metadata` for cloud metadata services and the
 * Kubernetes API server, `private` for in-cluster service names, `undefined` when the name says nothing (then the
 * addresses it resolves to decide).
 *
 * @example
 * classifyHostName('Metadata.Google.Internal.') // { address: 'metadata.google.internal', class: 'metadata', … }
 */
export function classifyHostName(hostname: string): AddressVerdict | undefined {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (METADATA_NAMES.has(name)) return { address: name, class: 'metadata', reason: 'cloud metadata host name' };
  if (KUBERNETES_API_NAMES.has(name)) return { address: name, class: 'metadata', reason: 'Kubernetes API server' };
  if (IN_CLUSTER_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
    return { address: name, class: 'private', reason: 'in-cluster service name' };
  }
  return undefined;
}
