// Original file: proto/tributary/v1/client_service.proto

import type { Acks as _tributary_v1_Acks, Acks__Output as _tributary_v1_Acks__Output } from '../../tributary/v1/Acks.js';
import type { TopicProduceData as _tributary_v1_TopicProduceData, TopicProduceData__Output as _tributary_v1_TopicProduceData__Output } from '../../tributary/v1/TopicProduceData.js';

export interface ProduceRequest {
  'acks'?: (_tributary_v1_Acks);
  /**
   * How long the broker may wait for acks=ALL; 0 means the broker default.
   */
  'timeout_ms'?: (number);
  'topics'?: (_tributary_v1_TopicProduceData)[];
  /**
   * ProduceStream only: echoed in the response so the producer can match them.
   */
  'request_id'?: (number);
}

export interface ProduceRequest__Output {
  'acks': (_tributary_v1_Acks__Output);
  /**
   * How long the broker may wait for acks=ALL; 0 means the broker default.
   */
  'timeout_ms': (number);
  'topics': (_tributary_v1_TopicProduceData__Output)[];
  /**
   * ProduceStream only: echoed in the response so the producer can match them.
   */
  'request_id': (number);
}
