// Original file: proto/tributary/v1/security_service.proto


export interface DescribeUserScramCredentialsRequest {
  /**
   * Empty: every user.
   */
  'users'?: (string)[];
}

export interface DescribeUserScramCredentialsRequest__Output {
  /**
   * Empty: every user.
   */
  'users': (string)[];
}
