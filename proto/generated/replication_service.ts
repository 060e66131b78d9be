import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AllocateProducerIdsRequest as _tributary_v1_AllocateProducerIdsRequest, AllocateProducerIdsRequest__Output as _tributary_v1_AllocateProducerIdsRequest__Output } from './tributary/v1/AllocateProducerIdsRequest.js';
import type { AllocateProducerIdsResponse as _tributary_v1_AllocateProducerIdsResponse, AllocateProducerIdsResponse__Output as _tributary_v1_AllocateProducerIdsResponse__Output } from './tributary/v1/AllocateProducerIdsResponse.js';
import type { AlterPartitionRequest as _tributary_v1_AlterPartitionRequest, AlterPartitionRequest__Output as _tributary_v1_AlterPartitionRequest__Output } from './tributary/v1/AlterPartitionRequest.js';
import type { AlterPartitionResponse as _tributary_v1_AlterPartitionResponse, AlterPartitionResponse__Output as _tributary_v1_AlterPartitionResponse__Output } from './tributary/v1/AlterPartitionResponse.js';
import type { BrokerInfo as _tributary_v1_BrokerInfo, BrokerInfo__Output as _tributary_v1_BrokerInfo__Output } from './tributary/v1/BrokerInfo.js';
import type { ConfigEntry as _tributary_v1_ConfigEntry, ConfigEntry__Output as _tributary_v1_ConfigEntry__Output } from './tributary/v1/ConfigEntry.js';
import type { ConfirmLeadershipPartition as _tributary_v1_ConfirmLeadershipPartition, ConfirmLeadershipPartition__Output as _tributary_v1_ConfirmLeadershipPartition__Output } from './tributary/v1/ConfirmLeadershipPartition.js';
import type { ConfirmLeadershipPartitionResponse as _tributary_v1_ConfirmLeadershipPartitionResponse, ConfirmLeadershipPartitionResponse__Output as _tributary_v1_ConfirmLeadershipPartitionResponse__Output } from './tributary/v1/ConfirmLeadershipPartitionResponse.js';
import type { ConfirmLeadershipRequest as _tributary_v1_ConfirmLeadershipRequest, ConfirmLeadershipRequest__Output as _tributary_v1_ConfirmLeadershipRequest__Output } from './tributary/v1/ConfirmLeadershipRequest.js';
import type { ConfirmLeadershipResponse as _tributary_v1_ConfirmLeadershipResponse, ConfirmLeadershipResponse__Output as _tributary_v1_ConfirmLeadershipResponse__Output } from './tributary/v1/ConfirmLeadershipResponse.js';
import type { ConsumedRecord as _tributary_v1_ConsumedRecord, ConsumedRecord__Output as _tributary_v1_ConsumedRecord__Output } from './tributary/v1/ConsumedRecord.js';
import type { ControlledShutdownRequest as _tributary_v1_ControlledShutdownRequest, ControlledShutdownRequest__Output as _tributary_v1_ControlledShutdownRequest__Output } from './tributary/v1/ControlledShutdownRequest.js';
import type { ControlledShutdownResponse as _tributary_v1_ControlledShutdownResponse, ControlledShutdownResponse__Output as _tributary_v1_ControlledShutdownResponse__Output } from './tributary/v1/ControlledShutdownResponse.js';
import type { EpochEndOffset as _tributary_v1_EpochEndOffset, EpochEndOffset__Output as _tributary_v1_EpochEndOffset__Output } from './tributary/v1/EpochEndOffset.js';
import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from './tributary/v1/Error.js';
import type { Header as _tributary_v1_Header, Header__Output as _tributary_v1_Header__Output } from './tributary/v1/Header.js';
import type { Record as _tributary_v1_Record, Record__Output as _tributary_v1_Record__Output } from './tributary/v1/Record.js';
import type { ReplicaFetchPartition as _tributary_v1_ReplicaFetchPartition, ReplicaFetchPartition__Output as _tributary_v1_ReplicaFetchPartition__Output } from './tributary/v1/ReplicaFetchPartition.js';
import type { ReplicaFetchPartitionResponse as _tributary_v1_ReplicaFetchPartitionResponse, ReplicaFetchPartitionResponse__Output as _tributary_v1_ReplicaFetchPartitionResponse__Output } from './tributary/v1/ReplicaFetchPartitionResponse.js';
import type { ReplicaFetchRequest as _tributary_v1_ReplicaFetchRequest, ReplicaFetchRequest__Output as _tributary_v1_ReplicaFetchRequest__Output } from './tributary/v1/ReplicaFetchRequest.js';
import type { ReplicaFetchResponse as _tributary_v1_ReplicaFetchResponse, ReplicaFetchResponse__Output as _tributary_v1_ReplicaFetchResponse__Output } from './tributary/v1/ReplicaFetchResponse.js';
import type { ReplicationServiceClient as _tributary_v1_ReplicationServiceClient, ReplicationServiceDefinition as _tributary_v1_ReplicationServiceDefinition } from './tributary/v1/ReplicationService.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tributary: {
    v1: {
      AllocateProducerIdsRequest: MessageTypeDefinition<_tributary_v1_AllocateProducerIdsRequest, _tributary_v1_AllocateProducerIdsRequest__Output>
      AllocateProducerIdsResponse: MessageTypeDefinition<_tributary_v1_AllocateProducerIdsResponse, _tributary_v1_AllocateProducerIdsResponse__Output>
      AlterPartitionRequest: MessageTypeDefinition<_tributary_v1_AlterPartitionRequest, _tributary_v1_AlterPartitionRequest__Output>
      AlterPartitionResponse: MessageTypeDefinition<_tributary_v1_AlterPartitionResponse, _tributary_v1_AlterPartitionResponse__Output>
      BrokerInfo: MessageTypeDefinition<_tributary_v1_BrokerInfo, _tributary_v1_BrokerInfo__Output>
      ConfigEntry: MessageTypeDefinition<_tributary_v1_ConfigEntry, _tributary_v1_ConfigEntry__Output>
      ConfirmLeadershipPartition: MessageTypeDefinition<_tributary_v1_ConfirmLeadershipPartition, _tributary_v1_ConfirmLeadershipPartition__Output>
      ConfirmLeadershipPartitionResponse: MessageTypeDefinition<_tributary_v1_ConfirmLeadershipPartitionResponse, _tributary_v1_ConfirmLeadershipPartitionResponse__Output>
      ConfirmLeadershipRequest: MessageTypeDefinition<_tributary_v1_ConfirmLeadershipRequest, _tributary_v1_ConfirmLeadershipRequest__Output>
      ConfirmLeadershipResponse: MessageTypeDefinition<_tributary_v1_ConfirmLeadershipResponse, _tributary_v1_ConfirmLeadershipResponse__Output>
      ConsumedRecord: MessageTypeDefinition<_tributary_v1_ConsumedRecord, _tributary_v1_ConsumedRecord__Output>
      ControlledShutdownRequest: MessageTypeDefinition<_tributary_v1_ControlledShutdownRequest, _tributary_v1_ControlledShutdownRequest__Output>
      ControlledShutdownResponse: MessageTypeDefinition<_tributary_v1_ControlledShutdownResponse, _tributary_v1_ControlledShutdownResponse__Output>
      EpochEndOffset: MessageTypeDefinition<_tributary_v1_EpochEndOffset, _tributary_v1_EpochEndOffset__Output>
      Error: MessageTypeDefinition<_tributary_v1_Error, _tributary_v1_Error__Output>
      Header: MessageTypeDefinition<_tributary_v1_Header, _tributary_v1_Header__Output>
      Record: MessageTypeDefinition<_tributary_v1_Record, _tributary_v1_Record__Output>
      RecordFormat: EnumTypeDefinition
      ReplicaFetchPartition: MessageTypeDefinition<_tributary_v1_ReplicaFetchPartition, _tributary_v1_ReplicaFetchPartition__Output>
      ReplicaFetchPartitionResponse: MessageTypeDefinition<_tributary_v1_ReplicaFetchPartitionResponse, _tributary_v1_ReplicaFetchPartitionResponse__Output>
      ReplicaFetchRequest: MessageTypeDefinition<_tributary_v1_ReplicaFetchRequest, _tributary_v1_ReplicaFetchRequest__Output>
      ReplicaFetchResponse: MessageTypeDefinition<_tributary_v1_ReplicaFetchResponse, _tributary_v1_ReplicaFetchResponse__Output>
      /**
       * Broker-to-broker traffic: followers fetching from leaders, and leaders asking the controller to change
       * a partition's in-sync replica set. Not for clients.
       */
      ReplicationService: SubtypeConstructor<typeof grpc.Client, _tributary_v1_ReplicationServiceClient> & { service: _tributary_v1_ReplicationServiceDefinition }
      TimestampType: EnumTypeDefinition
    }
  }
}

