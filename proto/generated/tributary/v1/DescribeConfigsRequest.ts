// Original file: proto/tributary/v1/admin_service.proto


export interface DescribeConfigsRequest {
  'topics'?: (string)[];
}

export interface DescribeConfigsRequest__Output {
  'topics': (string)[];
}
