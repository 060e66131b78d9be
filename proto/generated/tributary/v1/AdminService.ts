// Original file: proto/tributary/v1/admin_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlterBalancingConfigRequest as _tributary_v1_AlterBalancingConfigRequest, AlterBalancingConfigRequest__Output as _tributary_v1_AlterBalancingConfigRequest__Output } from '../../tributary/v1/AlterBalancingConfigRequest.js';
import type { AlterBrokerStatesRequest as _tributary_v1_AlterBrokerStatesRequest, AlterBrokerStatesRequest__Output as _tributary_v1_AlterBrokerStatesRequest__Output } from '../../tributary/v1/AlterBrokerStatesRequest.js';
import type { AlterBrokerStatesResponse as _tributary_v1_AlterBrokerStatesResponse, AlterBrokerStatesResponse__Output as _tributary_v1_AlterBrokerStatesResponse__Output } from '../../tributary/v1/AlterBrokerStatesResponse.js';
import type { AlterConfigsRequest as _tributary_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _tributary_v1_AlterConfigsRequest__Output } from '../../tributary/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse as _tributary_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _tributary_v1_AlterConfigsResponse__Output } from '../../tributary/v1/AlterConfigsResponse.js';
import type { AlterPartitionReassignmentsRequest as _tributary_v1_AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsRequest__Output as _tributary_v1_AlterPartitionReassignmentsRequest__Output } from '../../tributary/v1/AlterPartitionReassignmentsRequest.js';
import type { AlterPartitionReassignmentsResponse as _tributary_v1_AlterPartitionReassignmentsResponse, AlterPartitionReassignmentsResponse__Output as _tributary_v1_AlterPartitionReassignmentsResponse__Output } from '../../tributary/v1/AlterPartitionReassignmentsResponse.js';
import type { BalancingConfig as _tributary_v1_BalancingConfig, BalancingConfig__Output as _tributary_v1_BalancingConfig__Output } from '../../tributary/v1/BalancingConfig.js';
import type { CancelRebalanceRequest as _tributary_v1_CancelRebalanceRequest, CancelRebalanceRequest__Output as _tributary_v1_CancelRebalanceRequest__Output } from '../../tributary/v1/CancelRebalanceRequest.js';
import type { CancelRebalanceResponse as _tributary_v1_CancelRebalanceResponse, CancelRebalanceResponse__Output as _tributary_v1_CancelRebalanceResponse__Output } from '../../tributary/v1/CancelRebalanceResponse.js';
import type { CheckBrokerRestartRequest as _tributary_v1_CheckBrokerRestartRequest, CheckBrokerRestartRequest__Output as _tributary_v1_CheckBrokerRestartRequest__Output } from '../../tributary/v1/CheckBrokerRestartRequest.js';
import type { CheckBrokerRestartResponse as _tributary_v1_CheckBrokerRestartResponse, CheckBrokerRestartResponse__Output as _tributary_v1_CheckBrokerRestartResponse__Output } from '../../tributary/v1/CheckBrokerRestartResponse.js';
import type { CreatePartitionsRequest as _tributary_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _tributary_v1_CreatePartitionsRequest__Output } from '../../tributary/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse as _tributary_v1_CreatePartitionsResponse, CreatePartitionsResponse__Output as _tributary_v1_CreatePartitionsResponse__Output } from '../../tributary/v1/CreatePartitionsResponse.js';
import type { CreateTopicsRequest as _tributary_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _tributary_v1_CreateTopicsRequest__Output } from '../../tributary/v1/CreateTopicsRequest.js';
import type { CreateTopicsResponse as _tributary_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _tributary_v1_CreateTopicsResponse__Output } from '../../tributary/v1/CreateTopicsResponse.js';
import type { DeleteTopicsRequest as _tributary_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _tributary_v1_DeleteTopicsRequest__Output } from '../../tributary/v1/DeleteTopicsRequest.js';
import type { DeleteTopicsResponse as _tributary_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _tributary_v1_DeleteTopicsResponse__Output } from '../../tributary/v1/DeleteTopicsResponse.js';
import type { DescribeBalanceRequest as _tributary_v1_DescribeBalanceRequest, DescribeBalanceRequest__Output as _tributary_v1_DescribeBalanceRequest__Output } from '../../tributary/v1/DescribeBalanceRequest.js';
import type { DescribeBalanceResponse as _tributary_v1_DescribeBalanceResponse, DescribeBalanceResponse__Output as _tributary_v1_DescribeBalanceResponse__Output } from '../../tributary/v1/DescribeBalanceResponse.js';
import type { DescribeBalancingConfigRequest as _tributary_v1_DescribeBalancingConfigRequest, DescribeBalancingConfigRequest__Output as _tributary_v1_DescribeBalancingConfigRequest__Output } from '../../tributary/v1/DescribeBalancingConfigRequest.js';
import type { DescribeClusterRequest as _tributary_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _tributary_v1_DescribeClusterRequest__Output } from '../../tributary/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _tributary_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _tributary_v1_DescribeClusterResponse__Output } from '../../tributary/v1/DescribeClusterResponse.js';
import type { DescribeConfigsRequest as _tributary_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _tributary_v1_DescribeConfigsRequest__Output } from '../../tributary/v1/DescribeConfigsRequest.js';
import type { DescribeConfigsResponse as _tributary_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _tributary_v1_DescribeConfigsResponse__Output } from '../../tributary/v1/DescribeConfigsResponse.js';
import type { DescribeLogDirsRequest as _tributary_v1_DescribeLogDirsRequest, DescribeLogDirsRequest__Output as _tributary_v1_DescribeLogDirsRequest__Output } from '../../tributary/v1/DescribeLogDirsRequest.js';
import type { DescribeLogDirsResponse as _tributary_v1_DescribeLogDirsResponse, DescribeLogDirsResponse__Output as _tributary_v1_DescribeLogDirsResponse__Output } from '../../tributary/v1/DescribeLogDirsResponse.js';
import type { DescribeTopicsRequest as _tributary_v1_DescribeTopicsRequest, DescribeTopicsRequest__Output as _tributary_v1_DescribeTopicsRequest__Output } from '../../tributary/v1/DescribeTopicsRequest.js';
import type { DescribeTopicsResponse as _tributary_v1_DescribeTopicsResponse, DescribeTopicsResponse__Output as _tributary_v1_DescribeTopicsResponse__Output } from '../../tributary/v1/DescribeTopicsResponse.js';
import type { ElectLeadersRequest as _tributary_v1_ElectLeadersRequest, ElectLeadersRequest__Output as _tributary_v1_ElectLeadersRequest__Output } from '../../tributary/v1/ElectLeadersRequest.js';
import type { ElectLeadersResponse as _tributary_v1_ElectLeadersResponse, ElectLeadersResponse__Output as _tributary_v1_ElectLeadersResponse__Output } from '../../tributary/v1/ElectLeadersResponse.js';
import type { ListPartitionReassignmentsRequest as _tributary_v1_ListPartitionReassignmentsRequest, ListPartitionReassignmentsRequest__Output as _tributary_v1_ListPartitionReassignmentsRequest__Output } from '../../tributary/v1/ListPartitionReassignmentsRequest.js';
import type { ListPartitionReassignmentsResponse as _tributary_v1_ListPartitionReassignmentsResponse, ListPartitionReassignmentsResponse__Output as _tributary_v1_ListPartitionReassignmentsResponse__Output } from '../../tributary/v1/ListPartitionReassignmentsResponse.js';
import type { ListTopicsRequest as _tributary_v1_ListTopicsRequest, ListTopicsRequest__Output as _tributary_v1_ListTopicsRequest__Output } from '../../tributary/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _tributary_v1_ListTopicsResponse, ListTopicsResponse__Output as _tributary_v1_ListTopicsResponse__Output } from '../../tributary/v1/ListTopicsResponse.js';
import type { RebalanceRequest as _tributary_v1_RebalanceRequest, RebalanceRequest__Output as _tributary_v1_RebalanceRequest__Output } from '../../tributary/v1/RebalanceRequest.js';
import type { RebalanceResponse as _tributary_v1_RebalanceResponse, RebalanceResponse__Output as _tributary_v1_RebalanceResponse__Output } from '../../tributary/v1/RebalanceResponse.js';

/**
 * Topic and configuration management.
 */
export interface AdminServiceClient extends grpc.Client {
  AlterBalancingConfig(argument: _tributary_v1_AlterBalancingConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  AlterBalancingConfig(argument: _tributary_v1_AlterBalancingConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  AlterBalancingConfig(argument: _tributary_v1_AlterBalancingConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  AlterBalancingConfig(argument: _tributary_v1_AlterBalancingConfigRequest, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  alterBalancingConfig(argument: _tributary_v1_AlterBalancingConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  alterBalancingConfig(argument: _tributary_v1_AlterBalancingConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  alterBalancingConfig(argument: _tributary_v1_AlterBalancingConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  alterBalancingConfig(argument: _tributary_v1_AlterBalancingConfigRequest, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  
  /**
   * Partition balancing (docs/architecture.md, "Partition balancing"). Answered by the controller (any
   * broker forwards), except DescribeLogDirs, which every broker answers about itself.
   * 
   * Sets brokers' balance states: cordoned (takes no new replicas), leaving (emptied by the balancer) or
   * active. Ids need not be registered. Refuses leaving states that would leave fewer brokers able to hold
   * replicas than some topic's replication factor (INSUFFICIENT_BROKERS).
   */
  AlterBrokerStates(argument: _tributary_v1_AlterBrokerStatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterBrokerStatesResponse__Output>): grpc.ClientUnaryCall;
  AlterBrokerStates(argument: _tributary_v1_AlterBrokerStatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterBrokerStatesResponse__Output>): grpc.ClientUnaryCall;
  AlterBrokerStates(argument: _tributary_v1_AlterBrokerStatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterBrokerStatesResponse__Output>): grpc.ClientUnaryCall;
  AlterBrokerStates(argument: _tributary_v1_AlterBrokerStatesRequest, callback: grpc.requestCallback<_tributary_v1_AlterBrokerStatesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Partition balancing (docs/architecture.md, "Partition balancing"). Answered by the controller (any
   * broker forwards), except DescribeLogDirs, which every broker answers about itself.
   * 
   * Sets brokers' balance states: cordoned (takes no new replicas), leaving (emptied by the balancer) or
   * active. Ids need not be registered. Refuses leaving states that would leave fewer brokers able to hold
   * replicas than some topic's replication factor (INSUFFICIENT_BROKERS).
   */
  alterBrokerStates(argument: _tributary_v1_AlterBrokerStatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterBrokerStatesResponse__Output>): grpc.ClientUnaryCall;
  alterBrokerStates(argument: _tributary_v1_AlterBrokerStatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterBrokerStatesResponse__Output>): grpc.ClientUnaryCall;
  alterBrokerStates(argument: _tributary_v1_AlterBrokerStatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterBrokerStatesResponse__Output>): grpc.ClientUnaryCall;
  alterBrokerStates(argument: _tributary_v1_AlterBrokerStatesRequest, callback: grpc.requestCallback<_tributary_v1_AlterBrokerStatesResponse__Output>): grpc.ClientUnaryCall;
  
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
   * Stops the running plan: its running reassignments go back to their original replicas.
   */
  CancelRebalance(argument: _tributary_v1_CancelRebalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CancelRebalanceResponse__Output>): grpc.ClientUnaryCall;
  CancelRebalance(argument: _tributary_v1_CancelRebalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CancelRebalanceResponse__Output>): grpc.ClientUnaryCall;
  CancelRebalance(argument: _tributary_v1_CancelRebalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CancelRebalanceResponse__Output>): grpc.ClientUnaryCall;
  CancelRebalance(argument: _tributary_v1_CancelRebalanceRequest, callback: grpc.requestCallback<_tributary_v1_CancelRebalanceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stops the running plan: its running reassignments go back to their original replicas.
   */
  cancelRebalance(argument: _tributary_v1_CancelRebalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CancelRebalanceResponse__Output>): grpc.ClientUnaryCall;
  cancelRebalance(argument: _tributary_v1_CancelRebalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CancelRebalanceResponse__Output>): grpc.ClientUnaryCall;
  cancelRebalance(argument: _tributary_v1_CancelRebalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CancelRebalanceResponse__Output>): grpc.ClientUnaryCall;
  cancelRebalance(argument: _tributary_v1_CancelRebalanceRequest, callback: grpc.requestCallback<_tributary_v1_CancelRebalanceResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * Brokers with their state and load, the plan running (with progress) and the last finished one.
   */
  DescribeBalance(argument: _tributary_v1_DescribeBalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeBalanceResponse__Output>): grpc.ClientUnaryCall;
  DescribeBalance(argument: _tributary_v1_DescribeBalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeBalanceResponse__Output>): grpc.ClientUnaryCall;
  DescribeBalance(argument: _tributary_v1_DescribeBalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeBalanceResponse__Output>): grpc.ClientUnaryCall;
  DescribeBalance(argument: _tributary_v1_DescribeBalanceRequest, callback: grpc.requestCallback<_tributary_v1_DescribeBalanceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Brokers with their state and load, the plan running (with progress) and the last finished one.
   */
  describeBalance(argument: _tributary_v1_DescribeBalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeBalanceResponse__Output>): grpc.ClientUnaryCall;
  describeBalance(argument: _tributary_v1_DescribeBalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeBalanceResponse__Output>): grpc.ClientUnaryCall;
  describeBalance(argument: _tributary_v1_DescribeBalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeBalanceResponse__Output>): grpc.ClientUnaryCall;
  describeBalance(argument: _tributary_v1_DescribeBalanceRequest, callback: grpc.requestCallback<_tributary_v1_DescribeBalanceResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeBalancingConfig(argument: _tributary_v1_DescribeBalancingConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  DescribeBalancingConfig(argument: _tributary_v1_DescribeBalancingConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  DescribeBalancingConfig(argument: _tributary_v1_DescribeBalancingConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  DescribeBalancingConfig(argument: _tributary_v1_DescribeBalancingConfigRequest, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  describeBalancingConfig(argument: _tributary_v1_DescribeBalancingConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  describeBalancingConfig(argument: _tributary_v1_DescribeBalancingConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  describeBalancingConfig(argument: _tributary_v1_DescribeBalancingConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  describeBalancingConfig(argument: _tributary_v1_DescribeBalancingConfigRequest, callback: grpc.requestCallback<_tributary_v1_BalancingConfig__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * This broker's partitions and their size on disk (Kafka's DescribeLogDirs). Not forwarded.
   */
  DescribeLogDirs(argument: _tributary_v1_DescribeLogDirsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  DescribeLogDirs(argument: _tributary_v1_DescribeLogDirsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  DescribeLogDirs(argument: _tributary_v1_DescribeLogDirsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  DescribeLogDirs(argument: _tributary_v1_DescribeLogDirsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * This broker's partitions and their size on disk (Kafka's DescribeLogDirs). Not forwarded.
   */
  describeLogDirs(argument: _tributary_v1_DescribeLogDirsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  describeLogDirs(argument: _tributary_v1_DescribeLogDirsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  describeLogDirs(argument: _tributary_v1_DescribeLogDirsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  describeLogDirs(argument: _tributary_v1_DescribeLogDirsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * Plans a rebalance and starts it, or with dry_run only answers the plan. REBALANCE_IN_PROGRESS while
   * one runs (a dry run is still answered).
   */
  Rebalance(argument: _tributary_v1_RebalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_RebalanceResponse__Output>): grpc.ClientUnaryCall;
  Rebalance(argument: _tributary_v1_RebalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_RebalanceResponse__Output>): grpc.ClientUnaryCall;
  Rebalance(argument: _tributary_v1_RebalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_RebalanceResponse__Output>): grpc.ClientUnaryCall;
  Rebalance(argument: _tributary_v1_RebalanceRequest, callback: grpc.requestCallback<_tributary_v1_RebalanceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Plans a rebalance and starts it, or with dry_run only answers the plan. REBALANCE_IN_PROGRESS while
   * one runs (a dry run is still answered).
   */
  rebalance(argument: _tributary_v1_RebalanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_RebalanceResponse__Output>): grpc.ClientUnaryCall;
  rebalance(argument: _tributary_v1_RebalanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_RebalanceResponse__Output>): grpc.ClientUnaryCall;
  rebalance(argument: _tributary_v1_RebalanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_RebalanceResponse__Output>): grpc.ClientUnaryCall;
  rebalance(argument: _tributary_v1_RebalanceRequest, callback: grpc.requestCallback<_tributary_v1_RebalanceResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Topic and configuration management.
 */
export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  AlterBalancingConfig: grpc.handleUnaryCall<_tributary_v1_AlterBalancingConfigRequest__Output, _tributary_v1_BalancingConfig>;
  
  /**
   * Partition balancing (docs/architecture.md, "Partition balancing"). Answered by the controller (any
   * broker forwards), except DescribeLogDirs, which every broker answers about itself.
   * 
   * Sets brokers' balance states: cordoned (takes no new replicas), leaving (emptied by the balancer) or
   * active. Ids need not be registered. Refuses leaving states that would leave fewer brokers able to hold
   * replicas than some topic's replication factor (INSUFFICIENT_BROKERS).
   */
  AlterBrokerStates: grpc.handleUnaryCall<_tributary_v1_AlterBrokerStatesRequest__Output, _tributary_v1_AlterBrokerStatesResponse>;
  
  /**
   * Set or remove (revert to default) individual topic configuration entries.
   */
  AlterConfigs: grpc.handleUnaryCall<_tributary_v1_AlterConfigsRequest__Output, _tributary_v1_AlterConfigsResponse>;
  
  /**
   * Starts moving partitions to new replica lists: add, wait until in sync, move leadership, drop.
   */
  AlterPartitionReassignments: grpc.handleUnaryCall<_tributary_v1_AlterPartitionReassignmentsRequest__Output, _tributary_v1_AlterPartitionReassignmentsResponse>;
  
  /**
   * Stops the running plan: its running reassignments go back to their original replicas.
   */
  CancelRebalance: grpc.handleUnaryCall<_tributary_v1_CancelRebalanceRequest__Output, _tributary_v1_CancelRebalanceResponse>;
  
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
  
  /**
   * Brokers with their state and load, the plan running (with progress) and the last finished one.
   */
  DescribeBalance: grpc.handleUnaryCall<_tributary_v1_DescribeBalanceRequest__Output, _tributary_v1_DescribeBalanceResponse>;
  
  DescribeBalancingConfig: grpc.handleUnaryCall<_tributary_v1_DescribeBalancingConfigRequest__Output, _tributary_v1_BalancingConfig>;
  
  DescribeCluster: grpc.handleUnaryCall<_tributary_v1_DescribeClusterRequest__Output, _tributary_v1_DescribeClusterResponse>;
  
  DescribeConfigs: grpc.handleUnaryCall<_tributary_v1_DescribeConfigsRequest__Output, _tributary_v1_DescribeConfigsResponse>;
  
  /**
   * This broker's partitions and their size on disk (Kafka's DescribeLogDirs). Not forwarded.
   */
  DescribeLogDirs: grpc.handleUnaryCall<_tributary_v1_DescribeLogDirsRequest__Output, _tributary_v1_DescribeLogDirsResponse>;
  
  DescribeTopics: grpc.handleUnaryCall<_tributary_v1_DescribeTopicsRequest__Output, _tributary_v1_DescribeTopicsResponse>;
  
  /**
   * Moves leadership to the preferred replica (the first in the list), or to any live replica (unclean).
   */
  ElectLeaders: grpc.handleUnaryCall<_tributary_v1_ElectLeadersRequest__Output, _tributary_v1_ElectLeadersResponse>;
  
  ListPartitionReassignments: grpc.handleUnaryCall<_tributary_v1_ListPartitionReassignmentsRequest__Output, _tributary_v1_ListPartitionReassignmentsResponse>;
  
  ListTopics: grpc.handleUnaryCall<_tributary_v1_ListTopicsRequest__Output, _tributary_v1_ListTopicsResponse>;
  
  /**
   * Plans a rebalance and starts it, or with dry_run only answers the plan. REBALANCE_IN_PROGRESS while
   * one runs (a dry run is still answered).
   */
  Rebalance: grpc.handleUnaryCall<_tributary_v1_RebalanceRequest__Output, _tributary_v1_RebalanceResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  AlterBalancingConfig: MethodDefinition<_tributary_v1_AlterBalancingConfigRequest, _tributary_v1_BalancingConfig, _tributary_v1_AlterBalancingConfigRequest__Output, _tributary_v1_BalancingConfig__Output>
  AlterBrokerStates: MethodDefinition<_tributary_v1_AlterBrokerStatesRequest, _tributary_v1_AlterBrokerStatesResponse, _tributary_v1_AlterBrokerStatesRequest__Output, _tributary_v1_AlterBrokerStatesResponse__Output>
  AlterConfigs: MethodDefinition<_tributary_v1_AlterConfigsRequest, _tributary_v1_AlterConfigsResponse, _tributary_v1_AlterConfigsRequest__Output, _tributary_v1_AlterConfigsResponse__Output>
  AlterPartitionReassignments: MethodDefinition<_tributary_v1_AlterPartitionReassignmentsRequest, _tributary_v1_AlterPartitionReassignmentsResponse, _tributary_v1_AlterPartitionReassignmentsRequest__Output, _tributary_v1_AlterPartitionReassignmentsResponse__Output>
  CancelRebalance: MethodDefinition<_tributary_v1_CancelRebalanceRequest, _tributary_v1_CancelRebalanceResponse, _tributary_v1_CancelRebalanceRequest__Output, _tributary_v1_CancelRebalanceResponse__Output>
  CheckBrokerRestart: MethodDefinition<_tributary_v1_CheckBrokerRestartRequest, _tributary_v1_CheckBrokerRestartResponse, _tributary_v1_CheckBrokerRestartRequest__Output, _tributary_v1_CheckBrokerRestartResponse__Output>
  CreatePartitions: MethodDefinition<_tributary_v1_CreatePartitionsRequest, _tributary_v1_CreatePartitionsResponse, _tributary_v1_CreatePartitionsRequest__Output, _tributary_v1_CreatePartitionsResponse__Output>
  CreateTopics: MethodDefinition<_tributary_v1_CreateTopicsRequest, _tributary_v1_CreateTopicsResponse, _tributary_v1_CreateTopicsRequest__Output, _tributary_v1_CreateTopicsResponse__Output>
  DeleteTopics: MethodDefinition<_tributary_v1_DeleteTopicsRequest, _tributary_v1_DeleteTopicsResponse, _tributary_v1_DeleteTopicsRequest__Output, _tributary_v1_DeleteTopicsResponse__Output>
  DescribeBalance: MethodDefinition<_tributary_v1_DescribeBalanceRequest, _tributary_v1_DescribeBalanceResponse, _tributary_v1_DescribeBalanceRequest__Output, _tributary_v1_DescribeBalanceResponse__Output>
  DescribeBalancingConfig: MethodDefinition<_tributary_v1_DescribeBalancingConfigRequest, _tributary_v1_BalancingConfig, _tributary_v1_DescribeBalancingConfigRequest__Output, _tributary_v1_BalancingConfig__Output>
  DescribeCluster: MethodDefinition<_tributary_v1_DescribeClusterRequest, _tributary_v1_DescribeClusterResponse, _tributary_v1_DescribeClusterRequest__Output, _tributary_v1_DescribeClusterResponse__Output>
  DescribeConfigs: MethodDefinition<_tributary_v1_DescribeConfigsRequest, _tributary_v1_DescribeConfigsResponse, _tributary_v1_DescribeConfigsRequest__Output, _tributary_v1_DescribeConfigsResponse__Output>
  DescribeLogDirs: MethodDefinition<_tributary_v1_DescribeLogDirsRequest, _tributary_v1_DescribeLogDirsResponse, _tributary_v1_DescribeLogDirsRequest__Output, _tributary_v1_DescribeLogDirsResponse__Output>
  DescribeTopics: MethodDefinition<_tributary_v1_DescribeTopicsRequest, _tributary_v1_DescribeTopicsResponse, _tributary_v1_DescribeTopicsRequest__Output, _tributary_v1_DescribeTopicsResponse__Output>
  ElectLeaders: MethodDefinition<_tributary_v1_ElectLeadersRequest, _tributary_v1_ElectLeadersResponse, _tributary_v1_ElectLeadersRequest__Output, _tributary_v1_ElectLeadersResponse__Output>
  ListPartitionReassignments: MethodDefinition<_tributary_v1_ListPartitionReassignmentsRequest, _tributary_v1_ListPartitionReassignmentsResponse, _tributary_v1_ListPartitionReassignmentsRequest__Output, _tributary_v1_ListPartitionReassignmentsResponse__Output>
  ListTopics: MethodDefinition<_tributary_v1_ListTopicsRequest, _tributary_v1_ListTopicsResponse, _tributary_v1_ListTopicsRequest__Output, _tributary_v1_ListTopicsResponse__Output>
  Rebalance: MethodDefinition<_tributary_v1_RebalanceRequest, _tributary_v1_RebalanceResponse, _tributary_v1_RebalanceRequest__Output, _tributary_v1_RebalanceResponse__Output>
}
