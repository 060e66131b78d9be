// Original file: proto/tributary/v1/client_service.proto


export interface MetadataRequest {
  /**
   * Empty means all topics.
   */
  'topics'?: (string)[];
}

export interface MetadataRequest__Output {
  /**
   * Empty means all topics.
   */
  'topics': (string)[];
}
