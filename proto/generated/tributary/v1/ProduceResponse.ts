// Original file: proto/tributary/v1/client_service.proto

import type { TopicProduceResponse as _tributary_v1_TopicProduceResponse, TopicProduceResponse__Output as _tributary_v1_TopicProduceResponse__Output } from '../../tributary/v1/TopicProduceResponse.js';
import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';

export interface ProduceResponse {
  'topics'?: (_tributary_v1_TopicProduceResponse)[];
  /**
   * ProduceStream only: the request_id of the request this answers.
   */
  'request_id'?: (number);
  /**
   * ProduceStream only: set when the whole request failed (a unary Produce fails the call instead).
   */
  'error'?: (_tributary_v1_Error | null);
}

export interface ProduceResponse__Output {
  'topics': (_tributary_v1_TopicProduceResponse__Output)[];
  /**
   * ProduceStream only: the request_id of the request this answers.
   */
  'request_id': (number);
  /**
   * ProduceStream only: set when the whole request failed (a unary Produce fails the call instead).
   */
  'error': (_tributary_v1_Error__Output | null);
}
