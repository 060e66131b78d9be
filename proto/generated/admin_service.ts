import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminServiceClient as _tributary_v1_AdminServiceClient, AdminServiceDefinition as _tributary_v1_AdminServiceDefinition } from './tributary/v1/AdminService.js';
import type { AlterBalancingConfigRequest as _tributary_v1_AlterBalancingConfigRequest, AlterBalancingConfigRequest__Output as _tributary_v1_AlterBalancingConfigRequest__Output } from './tributary/v1/AlterBalancingConfigRequest.js';
import type { AlterBrokerStatesRequest as _tributary_v1_AlterBrokerStatesRequest, AlterBrokerStatesRequest__Output as _tributary_v1_AlterBrokerStatesRequest__Output } from './tributary/v1/AlterBrokerStatesRequest.js';
import type { AlterBrokerStatesResponse as _tributary_v1_AlterBrokerStatesResponse, AlterBrokerStatesResponse__Output as _tributary_v1_AlterBrokerStatesResponse__Output } from './tributary/v1/AlterBrokerStatesResponse.js';
import type { AlterConfigsRequest as _tributary_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _tributary_v1_AlterConfigsRequest__Output } from './tributary/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse as _tributary_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _tributary_v1_AlterConfigsResponse__Output } from './tributary/v1/AlterConfigsResponse.js';
import type { AlterPartitionReassignmentsRequest as _tributary_v1_AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsRequest__Output as _tributary_v1_AlterPartitionReassignmentsRequest__Output } from './tributary/v1/AlterPartitionReassignmentsRequest.js';
import type { AlterPartitionReassignmentsResponse as _tributary_v1_AlterPartitionReassignmentsResponse, AlterPartitionReassignmentsResponse__Output as _tributary_v1_AlterPartitionReassignmentsResponse__Output } from './tributary/v1/AlterPartitionReassignmentsResponse.js';
import type { BalanceMove as _tributary_v1_BalanceMove, BalanceMove__Output as _tributary_v1_BalanceMove__Output } from './tributary/v1/BalanceMove.js';
import type { BalancingConfig as _tributary_v1_BalancingConfig, BalancingConfig__Output as _tributary_v1_BalancingConfig__Output } from './tributary/v1/BalancingConfig.js';
import type { BrokerBalance as _tributary_v1_BrokerBalance, BrokerBalance__Output as _tributary_v1_BrokerBalance__Output } from './tributary/v1/BrokerBalance.js';
import type { BrokerInfo as _tributary_v1_BrokerInfo, BrokerInfo__Output as _tributary_v1_BrokerInfo__Output } from './tributary/v1/BrokerInfo.js';
import type { BrokerLoad as _tributary_v1_BrokerLoad, BrokerLoad__Output as _tributary_v1_BrokerLoad__Output } from './tributary/v1/BrokerLoad.js';
import type { BrokerStateChange as _tributary_v1_BrokerStateChange, BrokerStateChange__Output as _tributary_v1_BrokerStateChange__Output } from './tributary/v1/BrokerStateChange.js';
import type { CancelRebalanceRequest as _tributary_v1_CancelRebalanceRequest, CancelRebalanceRequest__Output as _tributary_v1_CancelRebalanceRequest__Output } from './tributary/v1/CancelRebalanceRequest.js';
import type { CancelRebalanceResponse as _tributary_v1_CancelRebalanceResponse, CancelRebalanceResponse__Output as _tributary_v1_CancelRebalanceResponse__Output } from './tributary/v1/CancelRebalanceResponse.js';
import type { CheckBrokerRestartRequest as _tributary_v1_CheckBrokerRestartRequest, CheckBrokerRestartRequest__Output as _tributary_v1_CheckBrokerRestartRequest__Output } from './tributary/v1/CheckBrokerRestartRequest.js';
import type { CheckBrokerRestartResponse as _tributary_v1_CheckBrokerRestartResponse, CheckBrokerRestartResponse__Output as _tributary_v1_CheckBrokerRestartResponse__Output } from './tributary/v1/CheckBrokerRestartResponse.js';
import type { ConfigAlteration as _tributary_v1_ConfigAlteration, ConfigAlteration__Output as _tributary_v1_ConfigAlteration__Output } from './tributary/v1/ConfigAlteration.js';
import type { ConfigDescription as _tributary_v1_ConfigDescription, ConfigDescription__Output as _tributary_v1_ConfigDescription__Output } from './tributary/v1/ConfigDescription.js';
import type { ConfigEntry as _tributary_v1_ConfigEntry, ConfigEntry__Output as _tributary_v1_ConfigEntry__Output } from './tributary/v1/ConfigEntry.js';
import type { ConsumedRecord as _tributary_v1_ConsumedRecord, ConsumedRecord__Output as _tributary_v1_ConsumedRecord__Output } from './tributary/v1/ConsumedRecord.js';
import type { CreatePartitionsRequest as _tributary_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _tributary_v1_CreatePartitionsRequest__Output } from './tributary/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse as _tributary_v1_CreatePartitionsResponse, CreatePartitionsResponse__Output as _tributary_v1_CreatePartitionsResponse__Output } from './tributary/v1/CreatePartitionsResponse.js';
import type { CreateTopicsRequest as _tributary_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _tributary_v1_CreateTopicsRequest__Output } from './tributary/v1/CreateTopicsRequest.js';
import type { CreateTopicsResponse as _tributary_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _tributary_v1_CreateTopicsResponse__Output } from './tributary/v1/CreateTopicsResponse.js';
import type { DeleteTopicsRequest as _tributary_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _tributary_v1_DeleteTopicsRequest__Output } from './tributary/v1/DeleteTopicsRequest.js';
import type { DeleteTopicsResponse as _tributary_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _tributary_v1_DeleteTopicsResponse__Output } from './tributary/v1/DeleteTopicsResponse.js';
import type { DescribeBalanceRequest as _tributary_v1_DescribeBalanceRequest, DescribeBalanceRequest__Output as _tributary_v1_DescribeBalanceRequest__Output } from './tributary/v1/DescribeBalanceRequest.js';
import type { DescribeBalanceResponse as _tributary_v1_DescribeBalanceResponse, DescribeBalanceResponse__Output as _tributary_v1_DescribeBalanceResponse__Output } from './tributary/v1/DescribeBalanceResponse.js';
import type { DescribeBalancingConfigRequest as _tributary_v1_DescribeBalancingConfigRequest, DescribeBalancingConfigRequest__Output as _tributary_v1_DescribeBalancingConfigRequest__Output } from './tributary/v1/DescribeBalancingConfigRequest.js';
import type { DescribeClusterRequest as _tributary_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _tributary_v1_DescribeClusterRequest__Output } from './tributary/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _tributary_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _tributary_v1_DescribeClusterResponse__Output } from './tributary/v1/DescribeClusterResponse.js';
import type { DescribeConfigsRequest as _tributary_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _tributary_v1_DescribeConfigsRequest__Output } from './tributary/v1/DescribeConfigsRequest.js';
import type { DescribeConfigsResponse as _tributary_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _tributary_v1_DescribeConfigsResponse__Output } from './tributary/v1/DescribeConfigsResponse.js';
import type { DescribeLogDirsRequest as _tributary_v1_DescribeLogDirsRequest, DescribeLogDirsRequest__Output as _tributary_v1_DescribeLogDirsRequest__Output } from './tributary/v1/DescribeLogDirsRequest.js';
import type { DescribeLogDirsResponse as _tributary_v1_DescribeLogDirsResponse, DescribeLogDirsResponse__Output as _tributary_v1_DescribeLogDirsResponse__Output } from './tributary/v1/DescribeLogDirsResponse.js';
import type { DescribeTopicsRequest as _tributary_v1_DescribeTopicsRequest, DescribeTopicsRequest__Output as _tributary_v1_DescribeTopicsRequest__Output } from './tributary/v1/DescribeTopicsRequest.js';
import type { DescribeTopicsResponse as _tributary_v1_DescribeTopicsResponse, DescribeTopicsResponse__Output as _tributary_v1_DescribeTopicsResponse__Output } from './tributary/v1/DescribeTopicsResponse.js';
import type { ElectLeadersRequest as _tributary_v1_ElectLeadersRequest, ElectLeadersRequest__Output as _tributary_v1_ElectLeadersRequest__Output } from './tributary/v1/ElectLeadersRequest.js';
import type { ElectLeadersResponse as _tributary_v1_ElectLeadersResponse, ElectLeadersResponse__Output as _tributary_v1_ElectLeadersResponse__Output } from './tributary/v1/ElectLeadersResponse.js';
import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from './tributary/v1/Error.js';
import type { Header as _tributary_v1_Header, Header__Output as _tributary_v1_Header__Output } from './tributary/v1/Header.js';
import type { ListPartitionReassignmentsRequest as _tributary_v1_ListPartitionReassignmentsRequest, ListPartitionReassignmentsRequest__Output as _tributary_v1_ListPartitionReassignmentsRequest__Output } from './tributary/v1/ListPartitionReassignmentsRequest.js';
import type { ListPartitionReassignmentsResponse as _tributary_v1_ListPartitionReassignmentsResponse, ListPartitionReassignmentsResponse__Output as _tributary_v1_ListPartitionReassignmentsResponse__Output } from './tributary/v1/ListPartitionReassignmentsResponse.js';
import type { ListTopicsRequest as _tributary_v1_ListTopicsRequest, ListTopicsRequest__Output as _tributary_v1_ListTopicsRequest__Output } from './tributary/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _tributary_v1_ListTopicsResponse, ListTopicsResponse__Output as _tributary_v1_ListTopicsResponse__Output } from './tributary/v1/ListTopicsResponse.js';
import type { LogDirPartition as _tributary_v1_LogDirPartition, LogDirPartition__Output as _tributary_v1_LogDirPartition__Output } from './tributary/v1/LogDirPartition.js';
import type { NewTopic as _tributary_v1_NewTopic, NewTopic__Output as _tributary_v1_NewTopic__Output } from './tributary/v1/NewTopic.js';
import type { OngoingReassignment as _tributary_v1_OngoingReassignment, OngoingReassignment__Output as _tributary_v1_OngoingReassignment__Output } from './tributary/v1/OngoingReassignment.js';
import type { PartitionCountUpdate as _tributary_v1_PartitionCountUpdate, PartitionCountUpdate__Output as _tributary_v1_PartitionCountUpdate__Output } from './tributary/v1/PartitionCountUpdate.js';
import type { PartitionDescription as _tributary_v1_PartitionDescription, PartitionDescription__Output as _tributary_v1_PartitionDescription__Output } from './tributary/v1/PartitionDescription.js';
import type { PartitionReassignment as _tributary_v1_PartitionReassignment, PartitionReassignment__Output as _tributary_v1_PartitionReassignment__Output } from './tributary/v1/PartitionReassignment.js';
import type { PartitionResult as _tributary_v1_PartitionResult, PartitionResult__Output as _tributary_v1_PartitionResult__Output } from './tributary/v1/PartitionResult.js';
import type { RebalancePlan as _tributary_v1_RebalancePlan, RebalancePlan__Output as _tributary_v1_RebalancePlan__Output } from './tributary/v1/RebalancePlan.js';
import type { RebalanceRequest as _tributary_v1_RebalanceRequest, RebalanceRequest__Output as _tributary_v1_RebalanceRequest__Output } from './tributary/v1/RebalanceRequest.js';
import type { RebalanceResponse as _tributary_v1_RebalanceResponse, RebalanceResponse__Output as _tributary_v1_RebalanceResponse__Output } from './tributary/v1/RebalanceResponse.js';
import type { Record as _tributary_v1_Record, Record__Output as _tributary_v1_Record__Output } from './tributary/v1/Record.js';
import type { RestartPartition as _tributary_v1_RestartPartition, RestartPartition__Output as _tributary_v1_RestartPartition__Output } from './tributary/v1/RestartPartition.js';
import type { TopicConfigAlteration as _tributary_v1_TopicConfigAlteration, TopicConfigAlteration__Output as _tributary_v1_TopicConfigAlteration__Output } from './tributary/v1/TopicConfigAlteration.js';
import type { TopicConfigs as _tributary_v1_TopicConfigs, TopicConfigs__Output as _tributary_v1_TopicConfigs__Output } from './tributary/v1/TopicConfigs.js';
import type { TopicDescription as _tributary_v1_TopicDescription, TopicDescription__Output as _tributary_v1_TopicDescription__Output } from './tributary/v1/TopicDescription.js';
import type { TopicListing as _tributary_v1_TopicListing, TopicListing__Output as _tributary_v1_TopicListing__Output } from './tributary/v1/TopicListing.js';
import type { TopicPartitions as _tributary_v1_TopicPartitions, TopicPartitions__Output as _tributary_v1_TopicPartitions__Output } from './tributary/v1/TopicPartitions.js';
import type { TopicResult as _tributary_v1_TopicResult, TopicResult__Output as _tributary_v1_TopicResult__Output } from './tributary/v1/TopicResult.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tributary: {
    v1: {
      /**
       * Topic and configuration management.
       */
      AdminService: SubtypeConstructor<typeof grpc.Client, _tributary_v1_AdminServiceClient> & { service: _tributary_v1_AdminServiceDefinition }
      AlterBalancingConfigRequest: MessageTypeDefinition<_tributary_v1_AlterBalancingConfigRequest, _tributary_v1_AlterBalancingConfigRequest__Output>
      AlterBrokerStatesRequest: MessageTypeDefinition<_tributary_v1_AlterBrokerStatesRequest, _tributary_v1_AlterBrokerStatesRequest__Output>
      AlterBrokerStatesResponse: MessageTypeDefinition<_tributary_v1_AlterBrokerStatesResponse, _tributary_v1_AlterBrokerStatesResponse__Output>
      AlterConfigsRequest: MessageTypeDefinition<_tributary_v1_AlterConfigsRequest, _tributary_v1_AlterConfigsRequest__Output>
      AlterConfigsResponse: MessageTypeDefinition<_tributary_v1_AlterConfigsResponse, _tributary_v1_AlterConfigsResponse__Output>
      AlterOp: EnumTypeDefinition
      AlterPartitionReassignmentsRequest: MessageTypeDefinition<_tributary_v1_AlterPartitionReassignmentsRequest, _tributary_v1_AlterPartitionReassignmentsRequest__Output>
      AlterPartitionReassignmentsResponse: MessageTypeDefinition<_tributary_v1_AlterPartitionReassignmentsResponse, _tributary_v1_AlterPartitionReassignmentsResponse__Output>
      BalanceMove: MessageTypeDefinition<_tributary_v1_BalanceMove, _tributary_v1_BalanceMove__Output>
      BalanceMoveKind: EnumTypeDefinition
      BalanceMoveState: EnumTypeDefinition
      BalancingConfig: MessageTypeDefinition<_tributary_v1_BalancingConfig, _tributary_v1_BalancingConfig__Output>
      BalancingMode: EnumTypeDefinition
      BrokerBalance: MessageTypeDefinition<_tributary_v1_BrokerBalance, _tributary_v1_BrokerBalance__Output>
      BrokerBalanceState: EnumTypeDefinition
      BrokerInfo: MessageTypeDefinition<_tributary_v1_BrokerInfo, _tributary_v1_BrokerInfo__Output>
      BrokerLoad: MessageTypeDefinition<_tributary_v1_BrokerLoad, _tributary_v1_BrokerLoad__Output>
      BrokerStateChange: MessageTypeDefinition<_tributary_v1_BrokerStateChange, _tributary_v1_BrokerStateChange__Output>
      CancelRebalanceRequest: MessageTypeDefinition<_tributary_v1_CancelRebalanceRequest, _tributary_v1_CancelRebalanceRequest__Output>
      CancelRebalanceResponse: MessageTypeDefinition<_tributary_v1_CancelRebalanceResponse, _tributary_v1_CancelRebalanceResponse__Output>
      CheckBrokerRestartRequest: MessageTypeDefinition<_tributary_v1_CheckBrokerRestartRequest, _tributary_v1_CheckBrokerRestartRequest__Output>
      CheckBrokerRestartResponse: MessageTypeDefinition<_tributary_v1_CheckBrokerRestartResponse, _tributary_v1_CheckBrokerRestartResponse__Output>
      ConfigAlteration: MessageTypeDefinition<_tributary_v1_ConfigAlteration, _tributary_v1_ConfigAlteration__Output>
      ConfigDescription: MessageTypeDefinition<_tributary_v1_ConfigDescription, _tributary_v1_ConfigDescription__Output>
      ConfigEntry: MessageTypeDefinition<_tributary_v1_ConfigEntry, _tributary_v1_ConfigEntry__Output>
      ConsumedRecord: MessageTypeDefinition<_tributary_v1_ConsumedRecord, _tributary_v1_ConsumedRecord__Output>
      CreatePartitionsRequest: MessageTypeDefinition<_tributary_v1_CreatePartitionsRequest, _tributary_v1_CreatePartitionsRequest__Output>
      CreatePartitionsResponse: MessageTypeDefinition<_tributary_v1_CreatePartitionsResponse, _tributary_v1_CreatePartitionsResponse__Output>
      CreateTopicsRequest: MessageTypeDefinition<_tributary_v1_CreateTopicsRequest, _tributary_v1_CreateTopicsRequest__Output>
      CreateTopicsResponse: MessageTypeDefinition<_tributary_v1_CreateTopicsResponse, _tributary_v1_CreateTopicsResponse__Output>
      DeleteTopicsRequest: MessageTypeDefinition<_tributary_v1_DeleteTopicsRequest, _tributary_v1_DeleteTopicsRequest__Output>
      DeleteTopicsResponse: MessageTypeDefinition<_tributary_v1_DeleteTopicsResponse, _tributary_v1_DeleteTopicsResponse__Output>
      DescribeBalanceRequest: MessageTypeDefinition<_tributary_v1_DescribeBalanceRequest, _tributary_v1_DescribeBalanceRequest__Output>
      DescribeBalanceResponse: MessageTypeDefinition<_tributary_v1_DescribeBalanceResponse, _tributary_v1_DescribeBalanceResponse__Output>
      DescribeBalancingConfigRequest: MessageTypeDefinition<_tributary_v1_DescribeBalancingConfigRequest, _tributary_v1_DescribeBalancingConfigRequest__Output>
      DescribeClusterRequest: MessageTypeDefinition<_tributary_v1_DescribeClusterRequest, _tributary_v1_DescribeClusterRequest__Output>
      DescribeClusterResponse: MessageTypeDefinition<_tributary_v1_DescribeClusterResponse, _tributary_v1_DescribeClusterResponse__Output>
      DescribeConfigsRequest: MessageTypeDefinition<_tributary_v1_DescribeConfigsRequest, _tributary_v1_DescribeConfigsRequest__Output>
      DescribeConfigsResponse: MessageTypeDefinition<_tributary_v1_DescribeConfigsResponse, _tributary_v1_DescribeConfigsResponse__Output>
      DescribeLogDirsRequest: MessageTypeDefinition<_tributary_v1_DescribeLogDirsRequest, _tributary_v1_DescribeLogDirsRequest__Output>
      DescribeLogDirsResponse: MessageTypeDefinition<_tributary_v1_DescribeLogDirsResponse, _tributary_v1_DescribeLogDirsResponse__Output>
      DescribeTopicsRequest: MessageTypeDefinition<_tributary_v1_DescribeTopicsRequest, _tributary_v1_DescribeTopicsRequest__Output>
      DescribeTopicsResponse: MessageTypeDefinition<_tributary_v1_DescribeTopicsResponse, _tributary_v1_DescribeTopicsResponse__Output>
      ElectLeadersRequest: MessageTypeDefinition<_tributary_v1_ElectLeadersRequest, _tributary_v1_ElectLeadersRequest__Output>
      ElectLeadersResponse: MessageTypeDefinition<_tributary_v1_ElectLeadersResponse, _tributary_v1_ElectLeadersResponse__Output>
      ElectionType: EnumTypeDefinition
      Error: MessageTypeDefinition<_tributary_v1_Error, _tributary_v1_Error__Output>
      Header: MessageTypeDefinition<_tributary_v1_Header, _tributary_v1_Header__Output>
      ListPartitionReassignmentsRequest: MessageTypeDefinition<_tributary_v1_ListPartitionReassignmentsRequest, _tributary_v1_ListPartitionReassignmentsRequest__Output>
      ListPartitionReassignmentsResponse: MessageTypeDefinition<_tributary_v1_ListPartitionReassignmentsResponse, _tributary_v1_ListPartitionReassignmentsResponse__Output>
      ListTopicsRequest: MessageTypeDefinition<_tributary_v1_ListTopicsRequest, _tributary_v1_ListTopicsRequest__Output>
      ListTopicsResponse: MessageTypeDefinition<_tributary_v1_ListTopicsResponse, _tributary_v1_ListTopicsResponse__Output>
      LogDirPartition: MessageTypeDefinition<_tributary_v1_LogDirPartition, _tributary_v1_LogDirPartition__Output>
      NewTopic: MessageTypeDefinition<_tributary_v1_NewTopic, _tributary_v1_NewTopic__Output>
      OngoingReassignment: MessageTypeDefinition<_tributary_v1_OngoingReassignment, _tributary_v1_OngoingReassignment__Output>
      PartitionCountUpdate: MessageTypeDefinition<_tributary_v1_PartitionCountUpdate, _tributary_v1_PartitionCountUpdate__Output>
      PartitionDescription: MessageTypeDefinition<_tributary_v1_PartitionDescription, _tributary_v1_PartitionDescription__Output>
      PartitionReassignment: MessageTypeDefinition<_tributary_v1_PartitionReassignment, _tributary_v1_PartitionReassignment__Output>
      PartitionResult: MessageTypeDefinition<_tributary_v1_PartitionResult, _tributary_v1_PartitionResult__Output>
      RebalancePlan: MessageTypeDefinition<_tributary_v1_RebalancePlan, _tributary_v1_RebalancePlan__Output>
      RebalanceRequest: MessageTypeDefinition<_tributary_v1_RebalanceRequest, _tributary_v1_RebalanceRequest__Output>
      RebalanceResponse: MessageTypeDefinition<_tributary_v1_RebalanceResponse, _tributary_v1_RebalanceResponse__Output>
      RebalanceStatus: EnumTypeDefinition
      Record: MessageTypeDefinition<_tributary_v1_Record, _tributary_v1_Record__Output>
      RecordFormat: EnumTypeDefinition
      RestartPartition: MessageTypeDefinition<_tributary_v1_RestartPartition, _tributary_v1_RestartPartition__Output>
      TimestampType: EnumTypeDefinition
      TopicConfigAlteration: MessageTypeDefinition<_tributary_v1_TopicConfigAlteration, _tributary_v1_TopicConfigAlteration__Output>
      TopicConfigs: MessageTypeDefinition<_tributary_v1_TopicConfigs, _tributary_v1_TopicConfigs__Output>
      TopicDescription: MessageTypeDefinition<_tributary_v1_TopicDescription, _tributary_v1_TopicDescription__Output>
      TopicListing: MessageTypeDefinition<_tributary_v1_TopicListing, _tributary_v1_TopicListing__Output>
      TopicPartitions: MessageTypeDefinition<_tributary_v1_TopicPartitions, _tributary_v1_TopicPartitions__Output>
      TopicResult: MessageTypeDefinition<_tributary_v1_TopicResult, _tributary_v1_TopicResult__Output>
    }
  }
}

