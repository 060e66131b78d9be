// Original file: proto/tributary/v1/admin_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlterConfigsRequest as _tributary_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _tributary_v1_AlterConfigsRequest__Output } from '../../tributary/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse as _tributary_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _tributary_v1_AlterConfigsResponse__Output } from '../../tributary/v1/AlterConfigsResponse.js';
import type { AlterPartitionReassignmentsRequest as _tributary_v1_AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsRequest__Output as _tributary_v1_AlterPartitionReassignmentsRequest__Output } from '../../tributary/v1/AlterPartitionReassignmentsRequest.js';
import type { AlterPartitionReassignmentsResponse as _tributary_v1_AlterPartitionReassignmentsResponse, AlterPartitionReassignmentsResponse__Output as _tributary_v1_AlterPartitionReassignmentsResponse__Output } from '../../tributary/v1/AlterPartitionReassignmentsResponse.js';
import type { CheckBrokerRestartRequest as _tributary_v1_CheckBrokerRestartRequest, CheckBrokerRestartRequest__Output as _tributary_v1_CheckBrokerRestartRequest__Output } from '../../tributary/v1/CheckBrokerRestartRequest.js';
import type { CheckBrokerRestartResponse as _tributary_v1_CheckBrokerRestartResponse, CheckBrokerRestartResponse__Output as _tributary_v1_CheckBrokerRestartResponse__Output } from '../../tributary/v1/CheckBrokerRestartResponse.js';
import type { CreatePartitionsRequest as _tributary_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _tributary_v1_CreatePartitionsRequest__Output } from '../../tributary/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse as _tributary_v1_CreatePartitionsResponse, CreatePartitionsResponse__Output as _tributary_v1_CreatePartitionsResponse__Output } from '../../tributary/v1/CreatePartitionsResponse.js';
import type { CreateTopicsRequest as _tributary_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _tributary_v1_CreateTopicsRequest__Output } from '../../tributary/v1/CreateTopicsRequest.js';
import type { CreateTopicsResponse as _tributary_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _tributary_v1_CreateTopicsResponse__Output } from '../../tributary/v1/CreateTopicsResponse.js';
import type { DeleteTopicsRequest as _tributary_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _tributary_v1_DeleteTopicsRequest__Output } from '../../tributary/v1/DeleteTopicsRequest.js';
import type { DeleteTopicsResponse as _tributary_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _tributary_v1_DeleteTopicsResponse__Output } from '../../tributary/v1/DeleteTopicsResponse.js';
import type { DescribeClusterRequest as _tributary_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _tributary_v1_DescribeClusterRequest__Output } from '../../tributary/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _tributary_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _tributary_v1_DescribeClusterResponse__Output } from '../../tributary/v1/DescribeClusterResponse.js';
import type { DescribeConfigsRequest as _tributary_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _tributary_v1_DescribeConfigsRequest__Output } from '../../tributary/v1/DescribeConfigsRequest.js';
import type { DescribeConfigsResponse as _tributary_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _tributary_v1_DescribeConfigsResponse__Output } from '../../tributary/v1/DescribeConfigsResponse.js';
import type { DescribeTopicsRequest as _tributary_v1_DescribeTopicsRequest, DescribeTopicsRequest__Output as _tributary_v1_DescribeTopicsRequest__Output } from '../../tributary/v1/DescribeTopicsRequest.js';
import type { DescribeTopicsResponse as _tributary_v1_DescribeTopicsResponse, DescribeTopicsResponse__Output as _tributary_v1_DescribeTopicsResponse__Output } from '../../tributary/v1/DescribeTopicsResponse.js';
import type { ElectLeadersRequest as _tributary_v1_ElectLeadersRequest, ElectLeadersRequest__Output as _tributary_v1_ElectLeadersRequest__Output } from '../../tributary/v1/ElectLeadersRequest.js';
import type { ElectLeadersResponse as _tributary_v1_ElectLeadersResponse, ElectLeadersResponse__Output as _tributary_v1_ElectLeadersResponse__Output } from '../../tributary/v1/ElectLeadersResponse.js';
import type { ListPartitionReassignmentsRequest as _tributary_v1_ListPartitionReassignmentsRequest, ListPartitionReassignmentsRequest__Output as _tributary_v1_ListPartitionReassignmentsRequest__Output } from '../../tributary/v1/ListPartitionReassignmentsRequest.js';
import type { ListPartitionReassignmentsResponse as _tributary_v1_ListPartitionReassignmentsResponse, ListPartitionReassignmentsResponse__Output as _tributary_v1_ListPartitionReassignmentsResponse__Output } from '../../tributary/v1/ListPartitionReassignmentsResponse.js';
import type { ListTopicsRequest as _tributary_v1_ListTopicsRequest, ListTopicsRequest__Output as _tributary_v1_ListTopicsRequest__Output } from '../../tributary/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _tributary_v1_ListTopicsResponse, ListTopicsResponse__Output as _tributary_v1_ListTopicsResponse__Output } from '../../tributary/v1/ListTopicsResponse.js';

/**
 * Topic and configuration management.
 */
export interface AdminServiceClient extends grpc.Client {
  /**
   * Set or remove (revert to default) individual topic configuration entries.
   */
  AlterConfigs(argument: _tributary_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _tributary_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _tributary_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _tributary_v1_AlterConfigsRequest, callback: grpc.requestCallback<_tributary_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Set or remove (revert to default) individual topic configuration entries.
   */
  alterConfigs(argument: _tributary_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _tributary_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _tributary_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _tributary_v1_AlterConfigsRequest, callback: grpc.requestCallback<_tributary_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Starts moving partitions to new replica lists: add, wait until in sync, move leadership, drop.
   */
  AlterPartitionReassignments(argument: _tributary_v1_AlterPartitionReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterPartitionReassignments(argument: _tributary_v1_AlterPartitionReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterPartitionReassignments(argument: _tributary_v1_AlterPartitionReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterPartitionReassignments(argument: _tributary_v1_AlterPartitionReassignmentsRequest, callback: grpc.requestCallback<_tributary_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Starts moving partitions to new replica lists: add, wait until in sync, move leadership, drop.
   */
  alterPartitionReassignments(argument: _tributary_v1_AlterPartitionReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterPartitionReassignments(argument: _tributary_v1_AlterPartitionReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterPartitionReassignments(argument: _tributary_v1_AlterPartitionReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterPartitionReassignments(argument: _tributary_v1_AlterPartitionReassignmentsRequest, callback: grpc.requestCallback<_tributary_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Whether restarting one broker now keeps every partition it replicates at or above min.insync.replicas,
   * and whether it is caught up (in the ISR of every partition it replicates). From the answering broker's
   * metadata; read-only. The operator's roller asks it before each restart and after it.
   */
  CheckBrokerRestart(argument: _tributary_v1_CheckBrokerRestartRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CheckBrokerRestartResponse__Output>): grpc.ClientUnaryCall;
  CheckBrokerRestart(argument: _tributary_v1_CheckBrokerRestartRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CheckBrokerRestartResponse__Output>): grpc.ClientUnaryCall;
  CheckBrokerRestart(argument: _tributary_v1_CheckBrokerRestartRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CheckBrokerRestartResponse__Output>): grpc.ClientUnaryCall;
  CheckBrokerRestart(argument: _tributary_v1_CheckBrokerRestartRequest, callback: grpc.requestCallback<_tributary_v1_CheckBrokerRestartResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Whether restarting one broker now keeps every partition it replicates at or above min.insync.replicas,
   * and whether it is caught up (in the ISR of every partition it replicates). From the answering broker's
   * metadata; read-only. The operator's roller asks it before each restart and after it.
   */
  checkBrokerRestart(argument: _tributary_v1_CheckBrokerRestartRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CheckBrokerRestartResponse__Output>): grpc.ClientUnaryCall;
  checkBrokerRestart(argument: _tributary_v1_CheckBrokerRestartRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CheckBrokerRestartResponse__Output>): grpc.ClientUnaryCall;
  checkBrokerRestart(argument: _tributary_v1_CheckBrokerRestartRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CheckBrokerRestartResponse__Output>): grpc.ClientUnaryCall;
  checkBrokerRestart(argument: _tributary_v1_CheckBrokerRestartRequest, callback: grpc.requestCallback<_tributary_v1_CheckBrokerRestartResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Add partitions to existing topics (partition counts never decrease).
   */
  CreatePartitions(argument: _tributary_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _tributary_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _tributary_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _tributary_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_tributary_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Add partitions to existing topics (partition counts never decrease).
   */
  createPartitions(argument: _tributary_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _tributary_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _tributary_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _tributary_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_tributary_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTopics(argument: _tributary_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _tributary_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _tributary_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _tributary_v1_CreateTopicsRequest, callback: grpc.requestCallback<_tributary_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _tributary_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _tributary_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _tributary_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _tributary_v1_CreateTopicsRequest, callback: grpc.requestCallback<_tributary_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopics(argument: _tributary_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _tributary_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _tributary_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _tributary_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_tributary_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tributary_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tributary_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tributary_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tributary_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_tributary_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeCluster(argument: _tributary_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _tributary_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _tributary_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _tributary_v1_DescribeClusterRequest, callback: grpc.requestCallback<_tributary_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _tributary_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _tributary_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _tributary_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _tributary_v1_DescribeClusterRequest, callback: grpc.requestCallback<_tributary_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeConfigs(argument: _tributary_v1_DescribeConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  DescribeConfigs(argument: _tributary_v1_DescribeConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  DescribeConfigs(argument: _tributary_v1_DescribeConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  DescribeConfigs(argument: _tributary_v1_DescribeConfigsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _tributary_v1_DescribeConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _tributary_v1_DescribeConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _tributary_v1_DescribeConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _tributary_v1_DescribeConfigsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeTopics(argument: _tributary_v1_DescribeTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopics(argument: _tributary_v1_DescribeTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopics(argument: _tributary_v1_DescribeTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopics(argument: _tributary_v1_DescribeTopicsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _tributary_v1_DescribeTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _tributary_v1_DescribeTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _tributary_v1_DescribeTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _tributary_v1_DescribeTopicsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Moves leadership to the preferred replica (the first in the list), or to any live replica (unclean).
   */
  ElectLeaders(argument: _tributary_v1_ElectLeadersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _tributary_v1_ElectLeadersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _tributary_v1_ElectLeadersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _tributary_v1_ElectLeadersRequest, callback: grpc.requestCallback<_tributary_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Moves leadership to the preferred replica (the first in the list), or to any live replica (unclean).
   */
  electLeaders(argument: _tributary_v1_ElectLeadersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _tributary_v1_ElectLeadersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _tributary_v1_ElectLeadersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _tributary_v1_ElectLeadersRequest, callback: grpc.requestCallback<_tributary_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  
  ListPartitionReassignments(argument: _tributary_v1_ListPartitionReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  ListPartitionReassignments(argument: _tributary_v1_ListPartitionReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  ListPartitionReassignments(argument: _tributary_v1_ListPartitionReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  ListPartitionReassignments(argument: _tributary_v1_ListPartitionReassignmentsRequest, callback: grpc.requestCallback<_tributary_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listPartitionReassignments(argument: _tributary_v1_ListPartitionReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listPartitionReassignments(argument: _tributary_v1_ListPartitionReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listPartitionReassignments(argument: _tributary_v1_ListPartitionReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listPartitionReassignments(argument: _tributary_v1_ListPartitionReassignmentsRequest, callback: grpc.requestCallback<_tributary_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTopics(argument: _tributary_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _tributary_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _tributary_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _tributary_v1_ListTopicsRequest, callback: grpc.requestCallback<_tributary_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _tributary_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _tributary_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _tributary_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _tributary_v1_ListTopicsRequest, callback: grpc.requestCallback<_tributary_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Topic and configuration management.
 */
export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Set or remove (revert to default) individual topic configuration entries.
   */
  AlterConfigs: grpc.handleUnaryCall<_tributary_v1_AlterConfigsRequest__Output, _tributary_v1_AlterConfigsResponse>;
  
  /**
   * Starts moving partitions to new replica lists: add, wait until in sync, move leadership, drop.
   */
  AlterPartitionReassignments: grpc.handleUnaryCall<_tributary_v1_AlterPartitionReassignmentsRequest__Output, _tributary_v1_AlterPartitionReassignmentsResponse>;
  
  /**
   * Whether restarting one broker now keeps every partition it replicates at or above min.insync.replicas,
   * and whether it is caught up (in the ISR of every partition it replicates). From the answering broker's
   * metadata; read-only. The operator's roller asks it before each restart and after it.
   */
  CheckBrokerRestart: grpc.handleUnaryCall<_tributary_v1_CheckBrokerRestartRequest__Output, _tributary_v1_CheckBrokerRestartResponse>;
  
  /**
   * Add partitions to existing topics (partition counts never decrease).
   */
  CreatePartitions: grpc.handleUnaryCall<_tributary_v1_CreatePartitionsRequest__Output, _tributary_v1_CreatePartitionsResponse>;
  
  CreateTopics: grpc.handleUnaryCall<_tributary_v1_CreateTopicsRequest__Output, _tributary_v1_CreateTopicsResponse>;
  
  DeleteTopics: grpc.handleUnaryCall<_tributary_v1_DeleteTopicsRequest__Output, _tributary_v1_DeleteTopicsResponse>;
  
  DescribeCluster: grpc.handleUnaryCall<_tributary_v1_DescribeClusterRequest__Output, _tributary_v1_DescribeClusterResponse>;
  
  DescribeConfigs: grpc.handleUnaryCall<_tributary_v1_DescribeConfigsRequest__Output, _tributary_v1_DescribeConfigsResponse>;
  
  DescribeTopics: grpc.handleUnaryCall<_tributary_v1_DescribeTopicsRequest__Output, _tributary_v1_DescribeTopicsResponse>;
  
  /**
   * Moves leadership to the preferred replica (the first in the list), or to any live replica (unclean).
   */
  ElectLeaders: grpc.handleUnaryCall<_tributary_v1_ElectLeadersRequest__Output, _tributary_v1_ElectLeadersResponse>;
  
  ListPartitionReassignments: grpc.handleUnaryCall<_tributary_v1_ListPartitionReassignmentsRequest__Output, _tributary_v1_ListPartitionReassignmentsResponse>;
  
  ListTopics: grpc.handleUnaryCall<_tributary_v1_ListTopicsRequest__Output, _tributary_v1_ListTopicsResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  AlterConfigs: MethodDefinition<_tributary_v1_AlterConfigsRequest, _tributary_v1_AlterConfigsResponse, _tributary_v1_AlterConfigsRequest__Output, _tributary_v1_AlterConfigsResponse__Output>
  AlterPartitionReassignments: MethodDefinition<_tributary_v1_AlterPartitionReassignmentsRequest, _tributary_v1_AlterPartitionReassignmentsResponse, _tributary_v1_AlterPartitionReassignmentsRequest__Output, _tributary_v1_AlterPartitionReassignmentsResponse__Output>
  CheckBrokerRestart: MethodDefinition<_tributary_v1_CheckBrokerRestartRequest, _tributary_v1_CheckBrokerRestartResponse, _tributary_v1_CheckBrokerRestartRequest__Output, _tributary_v1_CheckBrokerRestartResponse__Output>
  CreatePartitions: MethodDefinition<_tributary_v1_CreatePartitionsRequest, _tributary_v1_CreatePartitionsResponse, _tributary_v1_CreatePartitionsRequest__Output, _tributary_v1_CreatePartitionsResponse__Output>
  CreateTopics: MethodDefinition<_tributary_v1_CreateTopicsRequest, _tributary_v1_CreateTopicsResponse, _tributary_v1_CreateTopicsRequest__Output, _tributary_v1_CreateTopicsResponse__Output>
  DeleteTopics: MethodDefinition<_tributary_v1_DeleteTopicsRequest, _tributary_v1_DeleteTopicsResponse, _tributary_v1_DeleteTopicsRequest__Output, _tributary_v1_DeleteTopicsResponse__Output>
  DescribeCluster: MethodDefinition<_tributary_v1_DescribeClusterRequest, _tributary_v1_DescribeClusterResponse, _tributary_v1_DescribeClusterRequest__Output, _tributary_v1_DescribeClusterResponse__Output>
  DescribeConfigs: MethodDefinition<_tributary_v1_DescribeConfigsRequest, _tributary_v1_DescribeConfigsResponse, _tributary_v1_DescribeConfigsRequest__Output, _tributary_v1_DescribeConfigsResponse__Output>
  DescribeTopics: MethodDefinition<_tributary_v1_DescribeTopicsRequest, _tributary_v1_DescribeTopicsResponse, _tributary_v1_DescribeTopicsRequest__Output, _tributary_v1_DescribeTopicsResponse__Output>
  ElectLeaders: MethodDefinition<_tributary_v1_ElectLeadersRequest, _tributary_v1_ElectLeadersResponse, _tributary_v1_ElectLeadersRequest__Output, _tributary_v1_ElectLeadersResponse__Output>
  ListPartitionReassignments: MethodDefinition<_tributary_v1_ListPartitionReassignmentsRequest, _tributary_v1_ListPartitionReassignmentsResponse, _tributary_v1_ListPartitionReassignmentsRequest__Output, _tributary_v1_ListPartitionReassignmentsResponse__Output>
  ListTopics: MethodDefinition<_tributary_v1_ListTopicsRequest, _tributary_v1_ListTopicsResponse, _tributary_v1_ListTopicsRequest__Output, _tributary_v1_ListTopicsResponse__Output>
}
