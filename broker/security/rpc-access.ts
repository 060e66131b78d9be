/**
 * What each RPC needs (docs/architecture.md, "Security: authorization"; docs/api.md lists it per call),
 * Kafka's mapping where Kafka has the call. Every method of every service served has an entry (a test
 * holds the table to the loaded services), and the security interceptor applies it to every request
 * message before the handler sees it: `check` throws a denial, `filter` removes from a listing what the
 * caller may not describe. A request naming several resources is refused whole at the first one denied.
 */
import type { AclOperation, AclResourceType } from '../../proto/acl.js';
import { CLUSTER_RESOURCE_NAME } from '../../proto/acl.js';
import type { AlterConfigsRequest__Output } from '../../proto/generated/tributary/v1/AlterConfigsRequest.js';
import type { CommitOffsetsRequest__Output } from '../../proto/generated/tributary/v1/CommitOffsetsRequest.js';
import type { ConsumerGroupHeartbeatRequest__Output } from '../../proto/generated/tributary/v1/ConsumerGroupHeartbeatRequest.js';
import type { CreatePartitionsRequest__Output } from '../../proto/generated/tributary/v1/CreatePartitionsRequest.js';
import type { CreateTopicsRequest__Output } from '../../proto/generated/tributary/v1/CreateTopicsRequest.js';
import type { FetchOffsetsRequest__Output } from '../../proto/generated/tributary/v1/FetchOffsetsRequest.js';
import type { FetchRequest__Output } from '../../proto/generated/tributary/v1/FetchRequest.js';
import type { ListOffsetsRequest__Output } from '../../proto/generated/tributary/v1/ListOffsetsRequest.js';
import type { ProduceRequest__Output } from '../../proto/generated/tributary/v1/ProduceRequest.js';
import type { SubscribeRequest__Output } from '../../proto/generated/tributary/v1/SubscribeRequest.js';

/** The caller's rights for one call. */
export interface Access {
  /** Throws PERMISSION_DENIED (TOPIC_/GROUP_/CLUSTER_AUTHORIZATION_FAILED) naming operation and resource. */
  require(operation: AclOperation, resourceType: AclResourceType, name: string): void;
  allowed(operation: AclOperation, resourceType: AclResourceType, name: string): boolean;
  /** Kafka's rule for InitProducerId (KIP-679): idempotent_write on the cluster, or write on some topic. */
  requireIdempotentWrite(): void;
}

export interface RpcRule {
  check?: (request: never, access: Access) => void;
  filter?: (response: never, access: Access) => void;
}

function rule<Req, Res = unknown>(r: {
  check?: (request: Req, access: Access) => void;
  filter?: (response: Res, access: Access) => void;
}): RpcRule {
  return r as RpcRule;
}

const cluster = (operation: AclOperation) =>
  rule<unknown>({ check: (_r, a) => a.require(operation, 'cluster', CLUSTER_RESOURCE_NAME) });
/** Authenticated callers only; nothing more (WhoAmI, server reflection). */
const AUTHENTICATED = rule<unknown>({});

function eachTopic(operation: AclOperation, names: Iterable<string>, a: Access): void {
  for (const name of new Set(names)) a.require(operation, 'topic', name);
}

/** Keeps the items of a listing the caller may describe. */
function keep<T>(items: T[] | undefined, ok: (item: T) => boolean): T[] | undefined {
  return items?.filter(ok);
}

const CLIENT: Record<string, RpcRule> = {
  Produce: rule<ProduceRequest__Output>({
    check: (r, a) =>
      eachTopic(
        'write',
        r.topics.map((t) => t.topic),
        a,
      ),
  }),
  ProduceStream: rule<ProduceRequest__Output>({
    check: (r, a) =>
      eachTopic(
        'write',
        r.topics.map((t) => t.topic),
        a,
      ),
  }),
  Fetch: rule<FetchRequest__Output>({
    check: (r, a) =>
      eachTopic(
        'read',
        r.topics.map((t) => t.topic),
        a,
      ),
  }),
  Subscribe: rule<SubscribeRequest__Output>({ check: (r, a) => a.require('read', 'topic', r.topic) }),
  ListOffsets: rule<ListOffsetsRequest__Output>({
    check: (r, a) =>
      eachTopic(
        'describe',
        r.topics.map((t) => t.topic),
        a,
      ),
  }),
  Metadata: rule<{ topics: string[] }, { topics?: Array<{ name?: string }> }>({
    check: (r, a) => eachTopic('describe', r.topics, a),
    filter: (res, a) => {
      res.topics = keep(res.topics, (t) => a.allowed('describe', 'topic', t.name ?? ''));
    },
  }),
  InitProducerId: rule<unknown>({ check: (_r, a) => a.requireIdempotentWrite() }),
};

const ADMIN: Record<string, RpcRule> = {
  CreateTopics: rule<CreateTopicsRequest__Output>({
    check: (r, a) => {
      if (a.allowed('create', 'cluster', CLUSTER_RESOURCE_NAME)) return;
      eachTopic(
        'create',
        r.topics.map((t) => t.name),
        a,
      );
    },
  }),
  DeleteTopics: rule<{ names: string[] }>({ check: (r, a) => eachTopic('delete', r.names, a) }),
  ListTopics: rule<unknown, { topics?: Array<{ name?: string }> }>({
    filter: (res, a) => {
      res.topics = keep(res.topics, (t) => a.allowed('describe', 'topic', t.name ?? ''));
    },
  }),
  DescribeTopics: rule<{ names: string[] }, { topics?: Array<{ name?: string }> }>({
    check: (r, a) => eachTopic('describe', r.names, a),
    filter: (res, a) => {
      res.topics = keep(res.topics, (t) => a.allowed('describe', 'topic', t.name ?? ''));
    },
  }),
  CreatePartitions: rule<CreatePartitionsRequest__Output>({
    check: (r, a) =>
      eachTopic(
        'alter',
        r.topics.map((t) => t.topic),
        a,
      ),
  }),
  DescribeConfigs: rule<{ topics: string[] }, { topics?: Array<{ topic?: string }> }>({
    check: (r, a) => eachTopic('describe_configs', r.topics, a),
    filter: (res, a) => {
      res.topics = keep(res.topics, (t) => a.allowed('describe_configs', 'topic', t.topic ?? ''));
    },
  }),
  AlterConfigs: rule<AlterConfigsRequest__Output>({
    check: (r, a) =>
      eachTopic(
        'alter_configs',
        r.topics.map((t) => t.topic),
        a,
      ),
  }),
  DescribeCluster: cluster('describe'),
  ElectLeaders: cluster('alter'),
  AlterPartitionReassignments: cluster('alter'),
  ListPartitionReassignments: cluster('describe'),
  CheckBrokerRestart: cluster('describe'),
  AlterBrokerStates: cluster('alter'),
  DescribeBalance: cluster('describe'),
  Rebalance: cluster('alter'),
  CancelRebalance: cluster('alter'),
  AlterBalancingConfig: cluster('alter'),
  DescribeBalancingConfig: cluster('describe'),
  DescribeLogDirs: cluster('describe'),
};

const REPLICATION: Record<string, RpcRule> = {
  ReplicaFetch: cluster('cluster_action'),
  AlterPartition: cluster('cluster_action'),
  ControlledShutdown: cluster('cluster_action'),
  AllocateProducerIds: cluster('cluster_action'),
  ConfirmLeadership: cluster('cluster_action'),
};

const GROUP: Record<string, RpcRule> = {
  FindCoordinator: rule<{ group_id: string }>({
    check: (r, a) => a.require('describe', 'group', r.group_id),
  }),
  CommitOffsets: rule<CommitOffsetsRequest__Output>({
    check: (r, a) => {
      a.require('read', 'group', r.group_id);
      eachTopic(
        'read',
        r.topics.map((t) => t.topic),
        a,
      );
    },
  }),
  FetchOffsets: rule<FetchOffsetsRequest__Output, { offsets?: Array<{ topic?: string }> }>({
    check: (r, a) => {
      a.require('describe', 'group', r.group_id);
      eachTopic(
        'describe',
        r.topics.map((t) => t.topic),
        a,
      );
    },
    filter: (res, a) => {
      res.offsets = keep(res.offsets, (o) => a.allowed('describe', 'topic', o.topic ?? ''));
    },
  }),
  ListGroups: rule<unknown, { groups?: string[] }>({
    filter: (res, a) => {
      res.groups = keep(res.groups, (g) => a.allowed('describe', 'group', g));
    },
  }),
  DeleteGroup: rule<{ group_id: string }>({ check: (r, a) => a.require('delete', 'group', r.group_id) }),
  ConsumerGroupHeartbeat: rule<ConsumerGroupHeartbeatRequest__Output>({
    check: (r, a) => {
      a.require('read', 'group', r.group_id);
      eachTopic('describe', r.subscribed_topics, a);
    },
  }),
  DescribeGroup: rule<{ group_id: string }>({ check: (r, a) => a.require('describe', 'group', r.group_id) }),
};

const SECURITY: Record<string, RpcRule> = {
  // Authenticate runs before there is an identity: the interceptor lets it through (UNAUTHENTICATED_PATHS).
  WhoAmI: AUTHENTICATED,
  CreateAcls: cluster('alter'),
  DescribeAcls: cluster('describe'),
  DeleteAcls: cluster('alter'),
  AlterUserScramCredentials: cluster('alter'),
  DescribeUserScramCredentials: cluster('describe'),
  // Kafka's: quotas are cluster configuration.
  AlterClientQuotas: cluster('alter_configs'),
  DescribeClientQuotas: cluster('describe_configs'),
};

/** Calls that need no identity: health probes (kubelets, load balancers) and the login itself. */
export const UNAUTHENTICATED_PATHS: ReadonlySet<string> = new Set([
  '/grpc.health.v1.Health/Check',
  '/grpc.health.v1.Health/Watch',
  '/grpc.health.v1.Health/List',
  '/tributary.v1.SecurityService/Authenticate',
]);

function byPath(service: string, rules: Record<string, RpcRule>): Array<[string, RpcRule]> {
  return Object.entries(rules).map(([method, r]) => [`/${service}/${method}`, r]);
}

/** The rule of every authenticated method, by gRPC path. */
export const RPC_RULES: ReadonlyMap<string, RpcRule> = new Map([
  ...byPath('tributary.v1.ClientService', CLIENT),
  ...byPath('tributary.v1.AdminService', ADMIN),
  ...byPath('tributary.v1.ReplicationService', REPLICATION),
  ...byPath('tributary.v1.GroupService', GROUP),
  ...byPath('tributary.v1.SecurityService', SECURITY),
  ['/grpc.reflection.v1.ServerReflection/ServerReflectionInfo', AUTHENTICATED],
  ['/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo', AUTHENTICATED],
]);
