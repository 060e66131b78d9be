// Original file: proto/tributary/v1/admin_service.proto


export interface ConfigDescription {
  'name'?: (string);
  'value'?: (string);
  /**
   * True when the value is the broker default rather than set on the topic.
   */
  'is_default'?: (boolean);
  'documentation'?: (string);
}

export interface ConfigDescription__Output {
  'name': (string);
  'value': (string);
  /**
   * True when the value is the broker default rather than set on the topic.
   */
  'is_default': (boolean);
  'documentation': (string);
}
