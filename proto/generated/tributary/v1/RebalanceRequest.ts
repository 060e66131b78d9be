// Original file: proto/tributary/v1/admin_service.proto


export interface RebalanceRequest {
  /**
   * Plan only: the answer is the plan, nothing starts.
   */
  'dry_run'?: (boolean);
}

export interface RebalanceRequest__Output {
  /**
   * Plan only: the answer is the plan, nothing starts.
   */
  'dry_run': (boolean);
}
