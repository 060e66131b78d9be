// Original file: proto/tributary/v1/admin_service.proto


export interface ListTopicsRequest {
  /**
   * Include topics whose names start with "__" (internal topics).
   */
  'include_internal'?: (boolean);
}

export interface ListTopicsRequest__Output {
  /**
   * Include topics whose names start with "__" (internal topics).
   */
  'include_internal': (boolean);
}
