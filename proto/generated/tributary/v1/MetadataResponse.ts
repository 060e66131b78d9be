// Original file: proto/tributary/v1/client_service.proto

import type { BrokerInfo as _tributary_v1_BrokerInfo, BrokerInfo__Output as _tributary_v1_BrokerInfo__Output } from '../../tributary/v1/BrokerInfo.js';
import type { TopicMetadata as _tributary_v1_TopicMetadata, TopicMetadata__Output as _tributary_v1_TopicMetadata__Output } from '../../tributary/v1/TopicMetadata.js';

export interface MetadataResponse {
  'cluster_id'?: (string);
  'controller_id'?: (number);
  'brokers'?: (_tributary_v1_BrokerInfo)[];
  'topics'?: (_tributary_v1_TopicMetadata)[];
}

export interface MetadataResponse__Output {
  'cluster_id': (string);
  'controller_id': (number);
  'brokers': (_tributary_v1_BrokerInfo__Output)[];
  'topics': (_tributary_v1_TopicMetadata__Output)[];
}
