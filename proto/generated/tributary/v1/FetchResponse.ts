// Original file: proto/tributary/v1/client_service.proto

import type { FetchTopicResponse as _tributary_v1_FetchTopicResponse, FetchTopicResponse__Output as _tributary_v1_FetchTopicResponse__Output } from '../../tributary/v1/FetchTopicResponse.js';

export interface FetchResponse {
  'topics'?: (_tributary_v1_FetchTopicResponse)[];
}

export interface FetchResponse__Output {
  'topics': (_tributary_v1_FetchTopicResponse__Output)[];
}
