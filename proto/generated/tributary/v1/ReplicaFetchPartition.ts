// Original file: proto/tributary/v1/replication_service.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchPartition {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * The leader epoch the follower believes current: a leader with another epoch answers with an error.
   */
  'current_leader_epoch'?: (number);
  'fetch_offset'?: (number | string | Long);
  /**
   * Epoch of the last batch in the follower's log (-1: empty): lets the leader find a divergence.
   */
  'last_fetched_epoch'?: (number);
  'max_bytes'?: (number);
}

export interface ReplicaFetchPartition__Output {
  'topic': (string);
  'partition': (number);
  /**
   * The leader epoch the follower believes current: a leader with another epoch answers with an error.
   */
  'current_leader_epoch': (number);
  'fetch_offset': (string);
  /**
   * Epoch of the last batch in the follower's log (-1: empty): lets the leader find a divergence.
   */
  'last_fetched_epoch': (number);
  'max_bytes': (number);
}
