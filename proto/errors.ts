/**
 * The error table shared by broker and client.
 *
 * Every failure that crosses the wire carries a gRPC status code plus a machine-readable `reason`
 * (UPPER_SNAKE_CASE, stable across releases) and a `retriable` flag. Callers decide whether to retry
 * from this data, never from message text. Whole-request failures travel as a gRPC status whose trailing
 * metadata holds `tributary-reason` and `tributary-retriable`; per-partition failures inside a response
 * travel as an `Error` message with the same three fields.
 */

/** gRPC status codes (mirrors @grpc/grpc-js `status`, kept here so proto/ has no runtime dependency). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

export interface ErrorSpec {
  readonly code: GrpcCode;
  readonly retriable: boolean;
  readonly description: string;
}

/** The table. Adding a reason is compatible; renaming or removing one is not. */
export const ERRORS = {
  INVALID_REQUEST: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'The request is malformed.',
  },
  MALFORMED_REQUEST: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description:
      'The request body is not a valid protobuf message of its type (bad framing, wire type, length, varint or UTF-8).',
  },
  INVALID_TOPIC_NAME: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'Topic names are 1-249 characters of [a-zA-Z0-9._-], and not "." or "..".',
  },
  TOPIC_NAME_COLLISION: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description:
      "The topic name differs from an existing topic's only by '.' against '_', which metric names do not tell apart.",
  },
  UNKNOWN_TOPIC: { code: GrpcCode.NOT_FOUND, retriable: false, description: 'The topic does not exist.' },
  UNKNOWN_PARTITION: {
    code: GrpcCode.NOT_FOUND,
    retriable: false,
    description: 'The partition does not exist in this topic.',
  },
  TOPIC_ALREADY_EXISTS: {
    code: GrpcCode.ALREADY_EXISTS,
    retriable: false,
    description: 'The topic already exists.',
  },
  INVALID_PARTITIONS: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'The partition count is out of range.',
  },
  INVALID_REPLICATION_FACTOR: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'The replication factor is out of range for this cluster.',
  },
  INVALID_CONFIG: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'A configuration value is invalid.',
  },
  UNKNOWN_CONFIG: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'The configuration name is unknown.',
  },
  CORRUPT_BATCH: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description:
      'A record batch is malformed: lengths, magic, record counts, or a record inside it (the message names the record and field).',
  },
  CRC_MISMATCH: {
    code: GrpcCode.DATA_LOSS,
    retriable: false,
    description: "A record batch's CRC-32C does not match its contents.",
  },
  UNSUPPORTED_MAGIC: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'Only RecordBatch v2 (magic 2) is accepted.',
  },
  UNSUPPORTED_COMPRESSION: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'The compression codec is not supported, or a zstd frame needs a window above 8 MiB.',
  },
  BATCH_TOO_LARGE: {
    code: GrpcCode.RESOURCE_EXHAUSTED,
    retriable: false,
    description:
      'A record batch is larger than the topic allows (max.message.bytes), or its records decompress to more than a fetch can serve (maxFetchBytes).',
  },
  REQUEST_TOO_LARGE: {
    code: GrpcCode.RESOURCE_EXHAUSTED,
    retriable: false,
    description: 'The request is larger than the broker accepts.',
  },
  INVALID_TIMESTAMP: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'A timestamp is negative or out of range.',
  },
  OFFSET_OUT_OF_RANGE: {
    code: GrpcCode.OUT_OF_RANGE,
    retriable: false,
    description: 'The offset is before the log start or after the log end.',
  },
  INVALID_ACKS: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'acks must be NONE, LEADER or ALL.',
  },
  TOO_MANY_REQUESTS: {
    code: GrpcCode.RESOURCE_EXHAUSTED,
    retriable: true,
    description: 'The broker has too many requests or bytes in flight; retry after a backoff.',
  },
  REQUEST_TIMED_OUT: {
    code: GrpcCode.DEADLINE_EXCEEDED,
    retriable: true,
    description: 'The request did not complete within its timeout.',
  },
  BROKER_SHUTTING_DOWN: {
    code: GrpcCode.UNAVAILABLE,
    retriable: true,
    description: 'The broker is shutting down; retry against another broker or after it restarts.',
  },
  NOT_LEADER: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: true,
    description: 'This broker does not lead the partition; refresh metadata and retry.',
  },
  STORAGE_ERROR: {
    code: GrpcCode.INTERNAL,
    retriable: true,
    description: 'The broker could not read or write its log.',
  },
  DISK_FULL: {
    code: GrpcCode.RESOURCE_EXHAUSTED,
    retriable: true,
    description: 'The log directory is out of space.',
  },
  NOT_ENOUGH_REPLICAS: {
    code: GrpcCode.UNAVAILABLE,
    retriable: true,
    description:
      'Fewer in-sync replicas than min.insync.replicas: an acks=ALL write was refused before append.',
  },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: {
    code: GrpcCode.UNAVAILABLE,
    retriable: true,
    description:
      'The records were appended by the leader, but the in-sync replicas fell below min.insync.replicas before they were replicated.',
  },
  OUTCOME_UNKNOWN: {
    code: GrpcCode.ABORTED,
    retriable: true,
    description:
      'The records were appended, but the leader lost its leadership (or stopped) before they were replicated: they may or may not be kept. A retry may duplicate them unless the producer is idempotent.',
  },
  LEADER_NOT_AVAILABLE: {
    code: GrpcCode.UNAVAILABLE,
    retriable: true,
    description:
      'The partition has no leader right now (an election is in progress, or no in-sync replica is alive).',
  },
  FENCED_LEADER_EPOCH: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: true,
    description: 'The request carried an older leader epoch than the broker knows; refresh metadata.',
  },
  UNKNOWN_LEADER_EPOCH: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: true,
    description: 'The request carried a newer leader epoch than the broker knows yet; retry shortly.',
  },
  NOT_CONTROLLER: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: true,
    description: 'This broker is not the controller; retry against the current controller.',
  },
  STALE_BROKER_EPOCH: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description: 'The request came from an earlier incarnation of the broker (its registration changed).',
  },
  INVALID_UPDATE_VERSION: {
    code: GrpcCode.ABORTED,
    retriable: true,
    description:
      'The partition changed since the requester read it (stale partition epoch); refresh and retry.',
  },
  INELIGIBLE_REPLICA: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: true,
    description: 'A replica added to the ISR is not alive or not assigned to the partition.',
  },
  INVALID_REPLICA_ASSIGNMENT: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'A replica list names an unknown broker, repeats one, or is empty.',
  },
  NO_REASSIGNMENT_IN_PROGRESS: {
    code: GrpcCode.NOT_FOUND,
    retriable: false,
    description: 'There is no reassignment to cancel for this partition.',
  },
  ELECTION_NOT_NEEDED: {
    code: GrpcCode.ALREADY_EXISTS,
    retriable: false,
    description: 'The preferred replica already leads the partition.',
  },
  PREFERRED_LEADER_NOT_AVAILABLE: {
    code: GrpcCode.UNAVAILABLE,
    retriable: true,
    description: 'The preferred replica is not alive or not in sync, so it cannot lead now.',
  },
  OUT_OF_ORDER_SEQUENCE_NUMBER: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description:
      'An idempotent producer sent a sequence number that does not follow the last one written (records in between were lost).',
  },
  INVALID_PRODUCER_EPOCH: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description: 'The producer was fenced: a newer instance with the same producer id has a higher epoch.',
  },
  UNKNOWN_PRODUCER_ID: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description:
      'The partition has no state for this producer id (it expired or was never written) and the sequence is not 0.',
  },
  INVALID_GROUP_ID: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'Group ids are 1-249 printable characters.',
  },
  GROUP_ID_NOT_FOUND: {
    code: GrpcCode.NOT_FOUND,
    retriable: false,
    description: 'The group has no committed offsets.',
  },
  NOT_COORDINATOR: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: true,
    description:
      'This broker does not coordinate the group (its offsets partition moved); find the coordinator again.',
  },
  COORDINATOR_NOT_AVAILABLE: {
    code: GrpcCode.UNAVAILABLE,
    retriable: true,
    description:
      "The group's offsets partition has no leader right now, or the offsets topic is being created.",
  },
  COORDINATOR_LOAD_IN_PROGRESS: {
    code: GrpcCode.UNAVAILABLE,
    retriable: true,
    description: 'The coordinator is still loading the committed offsets from its log; retry shortly.',
  },
  UNKNOWN_MEMBER_ID: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description:
      'The coordinator does not know this group member (its session timed out, it left, or the coordinator moved): drop every partition and rejoin.',
  },
  FENCED_MEMBER_EPOCH: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description:
      "The member's epoch is behind the coordinator's: it was fenced; drop every partition and rejoin.",
  },
  STALE_MEMBER_EPOCH: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description:
      'A commit came with an old member epoch or for a partition the member does not own (any more).',
  },
  UNRELEASED_INSTANCE_ID: {
    code: GrpcCode.ALREADY_EXISTS,
    retriable: false,
    description: 'Another active member of the group holds this static instance id.',
  },
  NON_EMPTY_GROUP: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description: 'The group has active members: stop them before resetting or deleting its offsets.',
  },
  GROUP_MAX_SIZE_REACHED: {
    code: GrpcCode.RESOURCE_EXHAUSTED,
    retriable: false,
    description: 'The group has as many members as the broker allows (groupMaxSize).',
  },
  INVALID_BROKER_ID: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description: 'A broker id is negative, out of range, or named twice in one request.',
  },
  INVALID_BALANCING_CONFIG: {
    code: GrpcCode.INVALID_ARGUMENT,
    retriable: false,
    description:
      'A partition balancing setting is out of range (the message names the setting and its range).',
  },
  INSUFFICIENT_BROKERS: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description:
      "Marking these brokers leaving would leave fewer brokers that can hold replicas than some topic's replication factor (the message names the topic).",
  },
  REBALANCE_IN_PROGRESS: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description: 'A rebalance is already running: wait for it to finish or cancel it first.',
  },
  NO_REBALANCE_IN_PROGRESS: {
    code: GrpcCode.NOT_FOUND,
    retriable: false,
    description: 'There is no rebalance to cancel.',
  },
  INTERNAL: { code: GrpcCode.INTERNAL, retriable: false, description: 'An unexpected broker error.' },
  AUTHENTICATION_REQUIRED: {
    code: GrpcCode.UNAUTHENTICATED,
    retriable: false,
    description:
      'The broker requires authentication and the call carried none it accepts (no client certificate, session token or service-account token).',
  },
  AUTHENTICATION_FAILED: {
    code: GrpcCode.UNAUTHENTICATED,
    retriable: false,
    description:
      'The credentials were refused: unknown user, wrong password, a certificate the broker does not trust, or a token of another audience. Failed attempts are slowed down.',
  },
  AUTHENTICATION_EXPIRED: {
    code: GrpcCode.UNAUTHENTICATED,
    retriable: true,
    description: 'The session token or service-account token has expired: authenticate again and retry.',
  },
  UNSUPPORTED_AUTHENTICATION_MECHANISM: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description:
      'The broker does not accept this mechanism (the message lists those it does), or it refuses a password exchange over plaintext.',
  },
  TOPIC_AUTHORIZATION_FAILED: {
    code: GrpcCode.PERMISSION_DENIED,
    retriable: false,
    description: 'The principal may not perform this operation on this topic (the message names both).',
  },
  GROUP_AUTHORIZATION_FAILED: {
    code: GrpcCode.PERMISSION_DENIED,
    retriable: false,
    description:
      'The principal may not perform this operation on this consumer group (the message names both).',
  },
  CLUSTER_AUTHORIZATION_FAILED: {
    code: GrpcCode.PERMISSION_DENIED,
    retriable: false,
    description:
      'The principal may not perform this operation on the cluster (the message names it), e.g. a non-broker fetching as a replica.',
  },
  SECURITY_DISABLED: {
    code: GrpcCode.FAILED_PRECONDITION,
    retriable: false,
    description:
      'The request needs a security feature this broker has switched off (e.g. ACLs with authorizer=none).',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorReason = keyof typeof ERRORS;

export function isErrorReason(value: string): value is ErrorReason {
  return Object.hasOwn(ERRORS, value);
}

/** An error that knows its reason. Thrown inside broker and client; mapped to the wire at the edges. */
export class TributaryError extends Error {
  readonly reason: ErrorReason;
  readonly code: GrpcCode;
  readonly retriable: boolean;

  constructor(reason: ErrorReason, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERRORS[reason].description, options);
    this.name = 'TributaryError';
    this.reason = reason;
    this.code = ERRORS[reason].code;
    this.retriable = ERRORS[reason].retriable;
  }
}

/** Metadata keys carrying the reason on a failed gRPC call. */
export const REASON_METADATA_KEY = 'tributary-reason';
export const RETRIABLE_METADATA_KEY = 'tributary-retriable';
