// Original file: proto/tributary/v1/admin_service.proto


export interface DescribeTopicsRequest {
  'names'?: (string)[];
}

export interface DescribeTopicsRequest__Output {
  'names': (string)[];
}
