// Original file: proto/tributary/v1/admin_service.proto


export interface DeleteTopicsRequest {
  'names'?: (string)[];
}

export interface DeleteTopicsRequest__Output {
  'names': (string)[];
}
