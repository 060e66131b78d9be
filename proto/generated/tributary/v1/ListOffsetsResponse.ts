// Original file: proto/tributary/v1/client_service.proto

import type { ListOffsetsTopicResponse as _tributary_v1_ListOffsetsTopicResponse, ListOffsetsTopicResponse__Output as _tributary_v1_ListOffsetsTopicResponse__Output } from '../../tributary/v1/ListOffsetsTopicResponse.js';

export interface ListOffsetsResponse {
  'topics'?: (_tributary_v1_ListOffsetsTopicResponse)[];
}

export interface ListOffsetsResponse__Output {
  'topics': (_tributary_v1_ListOffsetsTopicResponse__Output)[];
}
