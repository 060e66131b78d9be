// Original file: proto/tributary/v1/group_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CommitOffsetsRequest as _tributary_v1_CommitOffsetsRequest, CommitOffsetsRequest__Output as _tributary_v1_CommitOffsetsRequest__Output } from '../../tributary/v1/CommitOffsetsRequest.js';
import type { CommitOffsetsResponse as _tributary_v1_CommitOffsetsResponse, CommitOffsetsResponse__Output as _tributary_v1_CommitOffsetsResponse__Output } from '../../tributary/v1/CommitOffsetsResponse.js';
import type { ConsumerGroupHeartbeatRequest as _tributary_v1_ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatRequest__Output as _tributary_v1_ConsumerGroupHeartbeatRequest__Output } from '../../tributary/v1/ConsumerGroupHeartbeatRequest.js';
import type { ConsumerGroupHeartbeatResponse as _tributary_v1_ConsumerGroupHeartbeatResponse, ConsumerGroupHeartbeatResponse__Output as _tributary_v1_ConsumerGroupHeartbeatResponse__Output } from '../../tributary/v1/ConsumerGroupHeartbeatResponse.js';
import type { DeleteGroupRequest as _tributary_v1_DeleteGroupRequest, DeleteGroupRequest__Output as _tributary_v1_DeleteGroupRequest__Output } from '../../tributary/v1/DeleteGroupRequest.js';
import type { DeleteGroupResponse as _tributary_v1_DeleteGroupResponse, DeleteGroupResponse__Output as _tributary_v1_DeleteGroupResponse__Output } from '../../tributary/v1/DeleteGroupResponse.js';
import type { DescribeGroupRequest as _tributary_v1_DescribeGroupRequest, DescribeGroupRequest__Output as _tributary_v1_DescribeGroupRequest__Output } from '../../tributary/v1/DescribeGroupRequest.js';
import type { DescribeGroupResponse as _tributary_v1_DescribeGroupResponse, DescribeGroupResponse__Output as _tributary_v1_DescribeGroupResponse__Output } from '../../tributary/v1/DescribeGroupResponse.js';
import type { FetchOffsetsRequest as _tributary_v1_FetchOffsetsRequest, FetchOffsetsRequest__Output as _tributary_v1_FetchOffsetsRequest__Output } from '../../tributary/v1/FetchOffsetsRequest.js';
import type { FetchOffsetsResponse as _tributary_v1_FetchOffsetsResponse, FetchOffsetsResponse__Output as _tributary_v1_FetchOffsetsResponse__Output } from '../../tributary/v1/FetchOffsetsResponse.js';
import type { FindCoordinatorRequest as _tributary_v1_FindCoordinatorRequest, FindCoordinatorRequest__Output as _tributary_v1_FindCoordinatorRequest__Output } from '../../tributary/v1/FindCoordinatorRequest.js';
import type { FindCoordinatorResponse as _tributary_v1_FindCoordinatorResponse, FindCoordinatorResponse__Output as _tributary_v1_FindCoordinatorResponse__Output } from '../../tributary/v1/FindCoordinatorResponse.js';
import type { ListGroupsRequest as _tributary_v1_ListGroupsRequest, ListGroupsRequest__Output as _tributary_v1_ListGroupsRequest__Output } from '../../tributary/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _tributary_v1_ListGroupsResponse, ListGroupsResponse__Output as _tributary_v1_ListGroupsResponse__Output } from '../../tributary/v1/ListGroupsResponse.js';

/**
 * Consumer groups' committed offsets. Each group has a coordinator: the leader of one partition of the
 * internal, compacted, replicated topic `__consumer_offsets` (chosen from the group id, as Kafka does),
 * where its commits are stored. Offset calls go to the coordinator; FindCoordinator says which it is.
 */
export interface GroupServiceClient extends grpc.Client {
  CommitOffsets(argument: _tributary_v1_CommitOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _tributary_v1_CommitOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _tributary_v1_CommitOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _tributary_v1_CommitOffsetsRequest, callback: grpc.requestCallback<_tributary_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _tributary_v1_CommitOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _tributary_v1_CommitOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _tributary_v1_CommitOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _tributary_v1_CommitOffsetsRequest, callback: grpc.requestCallback<_tributary_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Group membership (Kafka KIP-848's protocol): members heartbeat; the coordinator computes the
   * assignment and answers each member with the partitions it should own now. See ConsumerGroupHeartbeatRequest.
   */
  ConsumerGroupHeartbeat(argument: _tributary_v1_ConsumerGroupHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ConsumerGroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  ConsumerGroupHeartbeat(argument: _tributary_v1_ConsumerGroupHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ConsumerGroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  ConsumerGroupHeartbeat(argument: _tributary_v1_ConsumerGroupHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ConsumerGroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  ConsumerGroupHeartbeat(argument: _tributary_v1_ConsumerGroupHeartbeatRequest, callback: grpc.requestCallback<_tributary_v1_ConsumerGroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Group membership (Kafka KIP-848's protocol): members heartbeat; the coordinator computes the
   * assignment and answers each member with the partitions it should own now. See ConsumerGroupHeartbeatRequest.
   */
  consumerGroupHeartbeat(argument: _tributary_v1_ConsumerGroupHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ConsumerGroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  consumerGroupHeartbeat(argument: _tributary_v1_ConsumerGroupHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ConsumerGroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  consumerGroupHeartbeat(argument: _tributary_v1_ConsumerGroupHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ConsumerGroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  consumerGroupHeartbeat(argument: _tributary_v1_ConsumerGroupHeartbeatRequest, callback: grpc.requestCallback<_tributary_v1_ConsumerGroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Removes every committed offset of the group (refused while it has active members).
   */
  DeleteGroup(argument: _tributary_v1_DeleteGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _tributary_v1_DeleteGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _tributary_v1_DeleteGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _tributary_v1_DeleteGroupRequest, callback: grpc.requestCallback<_tributary_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes every committed offset of the group (refused while it has active members).
   */
  deleteGroup(argument: _tributary_v1_DeleteGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _tributary_v1_DeleteGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _tributary_v1_DeleteGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _tributary_v1_DeleteGroupRequest, callback: grpc.requestCallback<_tributary_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The group's members, epochs and assignments (at its coordinator).
   */
  DescribeGroup(argument: _tributary_v1_DescribeGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _tributary_v1_DescribeGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _tributary_v1_DescribeGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _tributary_v1_DescribeGroupRequest, callback: grpc.requestCallback<_tributary_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The group's members, epochs and assignments (at its coordinator).
   */
  describeGroup(argument: _tributary_v1_DescribeGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _tributary_v1_DescribeGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _tributary_v1_DescribeGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _tributary_v1_DescribeGroupRequest, callback: grpc.requestCallback<_tributary_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  
  FetchOffsets(argument: _tributary_v1_FetchOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _tributary_v1_FetchOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _tributary_v1_FetchOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _tributary_v1_FetchOffsetsRequest, callback: grpc.requestCallback<_tributary_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _tributary_v1_FetchOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _tributary_v1_FetchOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _tributary_v1_FetchOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _tributary_v1_FetchOffsetsRequest, callback: grpc.requestCallback<_tributary_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  FindCoordinator(argument: _tributary_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _tributary_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _tributary_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _tributary_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_tributary_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _tributary_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _tributary_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _tributary_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _tributary_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_tributary_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Groups coordinated by this broker (a client asks every broker and merges).
   */
  ListGroups(argument: _tributary_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _tributary_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _tributary_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _tributary_v1_ListGroupsRequest, callback: grpc.requestCallback<_tributary_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Groups coordinated by this broker (a client asks every broker and merges).
   */
  listGroups(argument: _tributary_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _tributary_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _tributary_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _tributary_v1_ListGroupsRequest, callback: grpc.requestCallback<_tributary_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Consumer groups' committed offsets. Each group has a coordinator: the leader of one partition of the
 * internal, compacted, replicated topic `__consumer_offsets` (chosen from the group id, as Kafka does),
 * where its commits are stored. Offset calls go to the coordinator; FindCoordinator says which it is.
 */
export interface GroupServiceHandlers extends grpc.UntypedServiceImplementation {
  CommitOffsets: grpc.handleUnaryCall<_tributary_v1_CommitOffsetsRequest__Output, _tributary_v1_CommitOffsetsResponse>;
  
  /**
   * Group membership (Kafka KIP-848's protocol): members heartbeat; the coordinator computes the
   * assignment and answers each member with the partitions it should own now. See ConsumerGroupHeartbeatRequest.
   */
  ConsumerGroupHeartbeat: grpc.handleUnaryCall<_tributary_v1_ConsumerGroupHeartbeatRequest__Output, _tributary_v1_ConsumerGroupHeartbeatResponse>;
  
  /**
   * Removes every committed offset of the group (refused while it has active members).
   */
  DeleteGroup: grpc.handleUnaryCall<_tributary_v1_DeleteGroupRequest__Output, _tributary_v1_DeleteGroupResponse>;
  
  /**
   * The group's members, epochs and assignments (at its coordinator).
   */
  DescribeGroup: grpc.handleUnaryCall<_tributary_v1_DescribeGroupRequest__Output, _tributary_v1_DescribeGroupResponse>;
  
  FetchOffsets: grpc.handleUnaryCall<_tributary_v1_FetchOffsetsRequest__Output, _tributary_v1_FetchOffsetsResponse>;
  
  FindCoordinator: grpc.handleUnaryCall<_tributary_v1_FindCoordinatorRequest__Output, _tributary_v1_FindCoordinatorResponse>;
  
  /**
   * Groups coordinated by this broker (a client asks every broker and merges).
   */
  ListGroups: grpc.handleUnaryCall<_tributary_v1_ListGroupsRequest__Output, _tributary_v1_ListGroupsResponse>;
  
}

export interface GroupServiceDefinition extends grpc.ServiceDefinition {
  CommitOffsets: MethodDefinition<_tributary_v1_CommitOffsetsRequest, _tributary_v1_CommitOffsetsResponse, _tributary_v1_CommitOffsetsRequest__Output, _tributary_v1_CommitOffsetsResponse__Output>
  ConsumerGroupHeartbeat: MethodDefinition<_tributary_v1_ConsumerGroupHeartbeatRequest, _tributary_v1_ConsumerGroupHeartbeatResponse, _tributary_v1_ConsumerGroupHeartbeatRequest__Output, _tributary_v1_ConsumerGroupHeartbeatResponse__Output>
  DeleteGroup: MethodDefinition<_tributary_v1_DeleteGroupRequest, _tributary_v1_DeleteGroupResponse, _tributary_v1_DeleteGroupRequest__Output, _tributary_v1_DeleteGroupResponse__Output>
  DescribeGroup: MethodDefinition<_tributary_v1_DescribeGroupRequest, _tributary_v1_DescribeGroupResponse, _tributary_v1_DescribeGroupRequest__Output, _tributary_v1_DescribeGroupResponse__Output>
  FetchOffsets: MethodDefinition<_tributary_v1_FetchOffsetsRequest, _tributary_v1_FetchOffsetsResponse, _tributary_v1_FetchOffsetsRequest__Output, _tributary_v1_FetchOffsetsResponse__Output>
  FindCoordinator: MethodDefinition<_tributary_v1_FindCoordinatorRequest, _tributary_v1_FindCoordinatorResponse, _tributary_v1_FindCoordinatorRequest__Output, _tributary_v1_FindCoordinatorResponse__Output>
  ListGroups: MethodDefinition<_tributary_v1_ListGroupsRequest, _tributary_v1_ListGroupsResponse, _tributary_v1_ListGroupsRequest__Output, _tributary_v1_ListGroupsResponse__Output>
}
