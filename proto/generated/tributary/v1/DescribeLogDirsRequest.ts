// Original file: proto/tributary/v1/admin_service.proto


export interface DescribeLogDirsRequest {
  /**
   * Empty: every topic.
   */
  'topics'?: (string)[];
}

export interface DescribeLogDirsRequest__Output {
  /**
   * Empty: every topic.
   */
  'topics': (string)[];
}
