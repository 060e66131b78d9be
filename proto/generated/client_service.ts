import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BrokerInfo as _tributary_v1_BrokerInfo, BrokerInfo__Output as _tributary_v1_BrokerInfo__Output } from './tributary/v1/BrokerInfo.js';
import type { ClientServiceClient as _tributary_v1_ClientServiceClient, ClientServiceDefinition as _tributary_v1_ClientServiceDefinition } from './tributary/v1/ClientService.js';
import type { ConfigEntry as _tributary_v1_ConfigEntry, ConfigEntry__Output as _tributary_v1_ConfigEntry__Output } from './tributary/v1/ConfigEntry.js';
import type { ConsumedRecord as _tributary_v1_ConsumedRecord, ConsumedRecord__Output as _tributary_v1_ConsumedRecord__Output } from './tributary/v1/ConsumedRecord.js';
import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from './tributary/v1/Error.js';
import type { FetchPartition as _tributary_v1_FetchPartition, FetchPartition__Output as _tributary_v1_FetchPartition__Output } from './tributary/v1/FetchPartition.js';
import type { FetchPartitionResponse as _tributary_v1_FetchPartitionResponse, FetchPartitionResponse__Output as _tributary_v1_FetchPartitionResponse__Output } from './tributary/v1/FetchPartitionResponse.js';
import type { FetchRequest as _tributary_v1_FetchRequest, FetchRequest__Output as _tributary_v1_FetchRequest__Output } from './tributary/v1/FetchRequest.js';
import type { FetchResponse as _tributary_v1_FetchResponse, FetchResponse__Output as _tributary_v1_FetchResponse__Output } from './tributary/v1/FetchResponse.js';
import type { FetchTopic as _tributary_v1_FetchTopic, FetchTopic__Output as _tributary_v1_FetchTopic__Output } from './tributary/v1/FetchTopic.js';
import type { FetchTopicResponse as _tributary_v1_FetchTopicResponse, FetchTopicResponse__Output as _tributary_v1_FetchTopicResponse__Output } from './tributary/v1/FetchTopicResponse.js';
import type { Header as _tributary_v1_Header, Header__Output as _tributary_v1_Header__Output } from './tributary/v1/Header.js';
import type { InitProducerIdRequest as _tributary_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _tributary_v1_InitProducerIdRequest__Output } from './tributary/v1/InitProducerIdRequest.js';
import type { InitProducerIdResponse as _tributary_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _tributary_v1_InitProducerIdResponse__Output } from './tributary/v1/InitProducerIdResponse.js';
import type { ListOffsetsPartition as _tributary_v1_ListOffsetsPartition, ListOffsetsPartition__Output as _tributary_v1_ListOffsetsPartition__Output } from './tributary/v1/ListOffsetsPartition.js';
import type { ListOffsetsPartitionResponse as _tributary_v1_ListOffsetsPartitionResponse, ListOffsetsPartitionResponse__Output as _tributary_v1_ListOffsetsPartitionResponse__Output } from './tributary/v1/ListOffsetsPartitionResponse.js';
import type { ListOffsetsRequest as _tributary_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _tributary_v1_ListOffsetsRequest__Output } from './tributary/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _tributary_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _tributary_v1_ListOffsetsResponse__Output } from './tributary/v1/ListOffsetsResponse.js';
import type { ListOffsetsTopic as _tributary_v1_ListOffsetsTopic, ListOffsetsTopic__Output as _tributary_v1_ListOffsetsTopic__Output } from './tributary/v1/ListOffsetsTopic.js';
import type { ListOffsetsTopicResponse as _tributary_v1_ListOffsetsTopicResponse, ListOffsetsTopicResponse__Output as _tributary_v1_ListOffsetsTopicResponse__Output } from './tributary/v1/ListOffsetsTopicResponse.js';
import type { MetadataRequest as _tributary_v1_MetadataRequest, MetadataRequest__Output as _tributary_v1_MetadataRequest__Output } from './tributary/v1/MetadataRequest.js';
import type { MetadataResponse as _tributary_v1_MetadataResponse, MetadataResponse__Output as _tributary_v1_MetadataResponse__Output } from './tributary/v1/MetadataResponse.js';
import type { PartitionMetadata as _tributary_v1_PartitionMetadata, PartitionMetadata__Output as _tributary_v1_PartitionMetadata__Output } from './tributary/v1/PartitionMetadata.js';
import type { PartitionProduceData as _tributary_v1_PartitionProduceData, PartitionProduceData__Output as _tributary_v1_PartitionProduceData__Output } from './tributary/v1/PartitionProduceData.js';
import type { PartitionProduceResponse as _tributary_v1_PartitionProduceResponse, PartitionProduceResponse__Output as _tributary_v1_PartitionProduceResponse__Output } from './tributary/v1/PartitionProduceResponse.js';
import type { ProduceRequest as _tributary_v1_ProduceRequest, ProduceRequest__Output as _tributary_v1_ProduceRequest__Output } from './tributary/v1/ProduceRequest.js';
import type { ProduceResponse as _tributary_v1_ProduceResponse, ProduceResponse__Output as _tributary_v1_ProduceResponse__Output } from './tributary/v1/ProduceResponse.js';
import type { Record as _tributary_v1_Record, Record__Output as _tributary_v1_Record__Output } from './tributary/v1/Record.js';
import type { SubscribeRequest as _tributary_v1_SubscribeRequest, SubscribeRequest__Output as _tributary_v1_SubscribeRequest__Output } from './tributary/v1/SubscribeRequest.js';
import type { SubscribeResponse as _tributary_v1_SubscribeResponse, SubscribeResponse__Output as _tributary_v1_SubscribeResponse__Output } from './tributary/v1/SubscribeResponse.js';
import type { TopicMetadata as _tributary_v1_TopicMetadata, TopicMetadata__Output as _tributary_v1_TopicMetadata__Output } from './tributary/v1/TopicMetadata.js';
import type { TopicProduceData as _tributary_v1_TopicProduceData, TopicProduceData__Output as _tributary_v1_TopicProduceData__Output } from './tributary/v1/TopicProduceData.js';
import type { TopicProduceResponse as _tributary_v1_TopicProduceResponse, TopicProduceResponse__Output as _tributary_v1_TopicProduceResponse__Output } from './tributary/v1/TopicProduceResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tributary: {
    v1: {
      Acks: EnumTypeDefinition
      BrokerInfo: MessageTypeDefinition<_tributary_v1_BrokerInfo, _tributary_v1_BrokerInfo__Output>
      /**
       * The data path: produce, fetch, subscribe, list offsets, metadata.
       */
      ClientService: SubtypeConstructor<typeof grpc.Client, _tributary_v1_ClientServiceClient> & { service: _tributary_v1_ClientServiceDefinition }
      ConfigEntry: MessageTypeDefinition<_tributary_v1_ConfigEntry, _tributary_v1_ConfigEntry__Output>
      ConsumedRecord: MessageTypeDefinition<_tributary_v1_ConsumedRecord, _tributary_v1_ConsumedRecord__Output>
      Error: MessageTypeDefinition<_tributary_v1_Error, _tributary_v1_Error__Output>
      FetchPartition: MessageTypeDefinition<_tributary_v1_FetchPartition, _tributary_v1_FetchPartition__Output>
      FetchPartitionResponse: MessageTypeDefinition<_tributary_v1_FetchPartitionResponse, _tributary_v1_FetchPartitionResponse__Output>
      FetchRequest: MessageTypeDefinition<_tributary_v1_FetchRequest, _tributary_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_tributary_v1_FetchResponse, _tributary_v1_FetchResponse__Output>
      FetchTopic: MessageTypeDefinition<_tributary_v1_FetchTopic, _tributary_v1_FetchTopic__Output>
      FetchTopicResponse: MessageTypeDefinition<_tributary_v1_FetchTopicResponse, _tributary_v1_FetchTopicResponse__Output>
      Header: MessageTypeDefinition<_tributary_v1_Header, _tributary_v1_Header__Output>
      InitProducerIdRequest: MessageTypeDefinition<_tributary_v1_InitProducerIdRequest, _tributary_v1_InitProducerIdRequest__Output>
      InitProducerIdResponse: MessageTypeDefinition<_tributary_v1_InitProducerIdResponse, _tributary_v1_InitProducerIdResponse__Output>
      ListOffsetsPartition: MessageTypeDefinition<_tributary_v1_ListOffsetsPartition, _tributary_v1_ListOffsetsPartition__Output>
      ListOffsetsPartitionResponse: MessageTypeDefinition<_tributary_v1_ListOffsetsPartitionResponse, _tributary_v1_ListOffsetsPartitionResponse__Output>
      ListOffsetsRequest: MessageTypeDefinition<_tributary_v1_ListOffsetsRequest, _tributary_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_tributary_v1_ListOffsetsResponse, _tributary_v1_ListOffsetsResponse__Output>
      ListOffsetsTopic: MessageTypeDefinition<_tributary_v1_ListOffsetsTopic, _tributary_v1_ListOffsetsTopic__Output>
      ListOffsetsTopicResponse: MessageTypeDefinition<_tributary_v1_ListOffsetsTopicResponse, _tributary_v1_ListOffsetsTopicResponse__Output>
      MetadataRequest: MessageTypeDefinition<_tributary_v1_MetadataRequest, _tributary_v1_MetadataRequest__Output>
      MetadataResponse: MessageTypeDefinition<_tributary_v1_MetadataResponse, _tributary_v1_MetadataResponse__Output>
      OffsetSpec: EnumTypeDefinition
      PartitionMetadata: MessageTypeDefinition<_tributary_v1_PartitionMetadata, _tributary_v1_PartitionMetadata__Output>
      PartitionProduceData: MessageTypeDefinition<_tributary_v1_PartitionProduceData, _tributary_v1_PartitionProduceData__Output>
      PartitionProduceResponse: MessageTypeDefinition<_tributary_v1_PartitionProduceResponse, _tributary_v1_PartitionProduceResponse__Output>
      ProduceRequest: MessageTypeDefinition<_tributary_v1_ProduceRequest, _tributary_v1_ProduceRequest__Output>
      ProduceResponse: MessageTypeDefinition<_tributary_v1_ProduceResponse, _tributary_v1_ProduceResponse__Output>
      Record: MessageTypeDefinition<_tributary_v1_Record, _tributary_v1_Record__Output>
      RecordFormat: EnumTypeDefinition
      StartPosition: EnumTypeDefinition
      SubscribeRequest: MessageTypeDefinition<_tributary_v1_SubscribeRequest, _tributary_v1_SubscribeRequest__Output>
      SubscribeResponse: MessageTypeDefinition<_tributary_v1_SubscribeResponse, _tributary_v1_SubscribeResponse__Output>
      TimestampType: EnumTypeDefinition
      TopicMetadata: MessageTypeDefinition<_tributary_v1_TopicMetadata, _tributary_v1_TopicMetadata__Output>
      TopicProduceData: MessageTypeDefinition<_tributary_v1_TopicProduceData, _tributary_v1_TopicProduceData__Output>
      TopicProduceResponse: MessageTypeDefinition<_tributary_v1_TopicProduceResponse, _tributary_v1_TopicProduceResponse__Output>
    }
  }
}

