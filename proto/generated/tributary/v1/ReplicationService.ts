// Original file: proto/tributary/v1/replication_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AllocateProducerIdsRequest as _tributary_v1_AllocateProducerIdsRequest, AllocateProducerIdsRequest__Output as _tributary_v1_AllocateProducerIdsRequest__Output } from '../../tributary/v1/AllocateProducerIdsRequest.js';
import type { AllocateProducerIdsResponse as _tributary_v1_AllocateProducerIdsResponse, AllocateProducerIdsResponse__Output as _tributary_v1_AllocateProducerIdsResponse__Output } from '../../tributary/v1/AllocateProducerIdsResponse.js';
import type { AlterPartitionRequest as _tributary_v1_AlterPartitionRequest, AlterPartitionRequest__Output as _tributary_v1_AlterPartitionRequest__Output } from '../../tributary/v1/AlterPartitionRequest.js';
import type { AlterPartitionResponse as _tributary_v1_AlterPartitionResponse, AlterPartitionResponse__Output as _tributary_v1_AlterPartitionResponse__Output } from '../../tributary/v1/AlterPartitionResponse.js';
import type { ConfirmLeadershipRequest as _tributary_v1_ConfirmLeadershipRequest, ConfirmLeadershipRequest__Output as _tributary_v1_ConfirmLeadershipRequest__Output } from '../../tributary/v1/ConfirmLeadershipRequest.js';
import type { ConfirmLeadershipResponse as _tributary_v1_ConfirmLeadershipResponse, ConfirmLeadershipResponse__Output as _tributary_v1_ConfirmLeadershipResponse__Output } from '../../tributary/v1/ConfirmLeadershipResponse.js';
import type { ControlledShutdownRequest as _tributary_v1_ControlledShutdownRequest, ControlledShutdownRequest__Output as _tributary_v1_ControlledShutdownRequest__Output } from '../../tributary/v1/ControlledShutdownRequest.js';
import type { ControlledShutdownResponse as _tributary_v1_ControlledShutdownResponse, ControlledShutdownResponse__Output as _tributary_v1_ControlledShutdownResponse__Output } from '../../tributary/v1/ControlledShutdownResponse.js';
import type { ReplicaFetchRequest as _tributary_v1_ReplicaFetchRequest, ReplicaFetchRequest__Output as _tributary_v1_ReplicaFetchRequest__Output } from '../../tributary/v1/ReplicaFetchRequest.js';
import type { ReplicaFetchResponse as _tributary_v1_ReplicaFetchResponse, ReplicaFetchResponse__Output as _tributary_v1_ReplicaFetchResponse__Output } from '../../tributary/v1/ReplicaFetchResponse.js';

/**
 * Broker-to-broker traffic: followers fetching from leaders, and leaders asking the controller to change
 * a partition's in-sync replica set. Not for clients.
 */
export interface ReplicationServiceClient extends grpc.Client {
  /**
   * Sent to the controller by a broker that needs producer ids to hand out (a block at a time, KIP-730).
   */
  AllocateProducerIds(argument: _tributary_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _tributary_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _tributary_v1_AllocateProducerIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _tributary_v1_AllocateProducerIdsRequest, callback: grpc.requestCallback<_tributary_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sent to the controller by a broker that needs producer ids to hand out (a block at a time, KIP-730).
   */
  allocateProducerIds(argument: _tributary_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _tributary_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _tributary_v1_AllocateProducerIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _tributary_v1_AllocateProducerIdsRequest, callback: grpc.requestCallback<_tributary_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sent to the controller by a partition leader to shrink or expand the ISR.
   */
  AlterPartition(argument: _tributary_v1_AlterPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  AlterPartition(argument: _tributary_v1_AlterPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  AlterPartition(argument: _tributary_v1_AlterPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  AlterPartition(argument: _tributary_v1_AlterPartitionRequest, callback: grpc.requestCallback<_tributary_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sent to the controller by a partition leader to shrink or expand the ISR.
   */
  alterPartition(argument: _tributary_v1_AlterPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _tributary_v1_AlterPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _tributary_v1_AlterPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _tributary_v1_AlterPartitionRequest, callback: grpc.requestCallback<_tributary_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Fail-safe mode: sent by a leader whose DCS session lapsed to every broker that hosts a replica of the
   * partitions it leads, each refresh (a third of the session timeout): "do you still follow me at these
   * leader epochs, and lead none of them yourself?". It keeps leading a partition only while every other
   * in-sync replica says yes (docs/architecture.md, "Fail-safe mode").
   */
  ConfirmLeadership(argument: _tributary_v1_ConfirmLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ConfirmLeadershipResponse__Output>): grpc.ClientUnaryCall;
  ConfirmLeadership(argument: _tributary_v1_ConfirmLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ConfirmLeadershipResponse__Output>): grpc.ClientUnaryCall;
  ConfirmLeadership(argument: _tributary_v1_ConfirmLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ConfirmLeadershipResponse__Output>): grpc.ClientUnaryCall;
  ConfirmLeadership(argument: _tributary_v1_ConfirmLeadershipRequest, callback: grpc.requestCallback<_tributary_v1_ConfirmLeadershipResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Fail-safe mode: sent by a leader whose DCS session lapsed to every broker that hosts a replica of the
   * partitions it leads, each refresh (a third of the session timeout): "do you still follow me at these
   * leader epochs, and lead none of them yourself?". It keeps leading a partition only while every other
   * in-sync replica says yes (docs/architecture.md, "Fail-safe mode").
   */
  confirmLeadership(argument: _tributary_v1_ConfirmLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ConfirmLeadershipResponse__Output>): grpc.ClientUnaryCall;
  confirmLeadership(argument: _tributary_v1_ConfirmLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ConfirmLeadershipResponse__Output>): grpc.ClientUnaryCall;
  confirmLeadership(argument: _tributary_v1_ConfirmLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ConfirmLeadershipResponse__Output>): grpc.ClientUnaryCall;
  confirmLeadership(argument: _tributary_v1_ConfirmLeadershipRequest, callback: grpc.requestCallback<_tributary_v1_ConfirmLeadershipResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sent to the controller by a broker that is stopping: move its leaderships away first.
   */
  ControlledShutdown(argument: _tributary_v1_ControlledShutdownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ControlledShutdownResponse__Output>): grpc.ClientUnaryCall;
  ControlledShutdown(argument: _tributary_v1_ControlledShutdownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ControlledShutdownResponse__Output>): grpc.ClientUnaryCall;
  ControlledShutdown(argument: _tributary_v1_ControlledShutdownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ControlledShutdownResponse__Output>): grpc.ClientUnaryCall;
  ControlledShutdown(argument: _tributary_v1_ControlledShutdownRequest, callback: grpc.requestCallback<_tributary_v1_ControlledShutdownResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sent to the controller by a broker that is stopping: move its leaderships away first.
   */
  controlledShutdown(argument: _tributary_v1_ControlledShutdownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ControlledShutdownResponse__Output>): grpc.ClientUnaryCall;
  controlledShutdown(argument: _tributary_v1_ControlledShutdownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ControlledShutdownResponse__Output>): grpc.ClientUnaryCall;
  controlledShutdown(argument: _tributary_v1_ControlledShutdownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ControlledShutdownResponse__Output>): grpc.ClientUnaryCall;
  controlledShutdown(argument: _tributary_v1_ControlledShutdownRequest, callback: grpc.requestCallback<_tributary_v1_ControlledShutdownResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A follower's long-poll fetch of every partition it replicates from this leader.
   */
  ReplicaFetch(argument: _tributary_v1_ReplicaFetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  ReplicaFetch(argument: _tributary_v1_ReplicaFetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  ReplicaFetch(argument: _tributary_v1_ReplicaFetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  ReplicaFetch(argument: _tributary_v1_ReplicaFetchRequest, callback: grpc.requestCallback<_tributary_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A follower's long-poll fetch of every partition it replicates from this leader.
   */
  replicaFetch(argument: _tributary_v1_ReplicaFetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  replicaFetch(argument: _tributary_v1_ReplicaFetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  replicaFetch(argument: _tributary_v1_ReplicaFetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  replicaFetch(argument: _tributary_v1_ReplicaFetchRequest, callback: grpc.requestCallback<_tributary_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Broker-to-broker traffic: followers fetching from leaders, and leaders asking the controller to change
 * a partition's in-sync replica set. Not for clients.
 */
export interface ReplicationServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Sent to the controller by a broker that needs producer ids to hand out (a block at a time, KIP-730).
   */
  AllocateProducerIds: grpc.handleUnaryCall<_tributary_v1_AllocateProducerIdsRequest__Output, _tributary_v1_AllocateProducerIdsResponse>;
  
  /**
   * Sent to the controller by a partition leader to shrink or expand the ISR.
   */
  AlterPartition: grpc.handleUnaryCall<_tributary_v1_AlterPartitionRequest__Output, _tributary_v1_AlterPartitionResponse>;
  
  /**
   * Fail-safe mode: sent by a leader whose DCS session lapsed to every broker that hosts a replica of the
   * partitions it leads, each refresh (a third of the session timeout): "do you still follow me at these
   * leader epochs, and lead none of them yourself?". It keeps leading a partition only while every other
   * in-sync replica says yes (docs/architecture.md, "Fail-safe mode").
   */
  ConfirmLeadership: grpc.handleUnaryCall<_tributary_v1_ConfirmLeadershipRequest__Output, _tributary_v1_ConfirmLeadershipResponse>;
  
  /**
   * Sent to the controller by a broker that is stopping: move its leaderships away first.
   */
  ControlledShutdown: grpc.handleUnaryCall<_tributary_v1_ControlledShutdownRequest__Output, _tributary_v1_ControlledShutdownResponse>;
  
  /**
   * A follower's long-poll fetch of every partition it replicates from this leader.
   */
  ReplicaFetch: grpc.handleUnaryCall<_tributary_v1_ReplicaFetchRequest__Output, _tributary_v1_ReplicaFetchResponse>;
  
}

export interface ReplicationServiceDefinition extends grpc.ServiceDefinition {
  AllocateProducerIds: MethodDefinition<_tributary_v1_AllocateProducerIdsRequest, _tributary_v1_AllocateProducerIdsResponse, _tributary_v1_AllocateProducerIdsRequest__Output, _tributary_v1_AllocateProducerIdsResponse__Output>
  AlterPartition: MethodDefinition<_tributary_v1_AlterPartitionRequest, _tributary_v1_AlterPartitionResponse, _tributary_v1_AlterPartitionRequest__Output, _tributary_v1_AlterPartitionResponse__Output>
  ConfirmLeadership: MethodDefinition<_tributary_v1_ConfirmLeadershipRequest, _tributary_v1_ConfirmLeadershipResponse, _tributary_v1_ConfirmLeadershipRequest__Output, _tributary_v1_ConfirmLeadershipResponse__Output>
  ControlledShutdown: MethodDefinition<_tributary_v1_ControlledShutdownRequest, _tributary_v1_ControlledShutdownResponse, _tributary_v1_ControlledShutdownRequest__Output, _tributary_v1_ControlledShutdownResponse__Output>
  ReplicaFetch: MethodDefinition<_tributary_v1_ReplicaFetchRequest, _tributary_v1_ReplicaFetchResponse, _tributary_v1_ReplicaFetchRequest__Output, _tributary_v1_ReplicaFetchResponse__Output>
}
