// Original file: proto/tributary/v1/common.proto


/**
 * A named configuration value, e.g. retention.ms = "604800000".
 */
export interface ConfigEntry {
  'name'?: (string);
  'value'?: (string);
}

/**
 * A named configuration value, e.g. retention.ms = "604800000".
 */
export interface ConfigEntry__Output {
  'name': (string);
  'value': (string);
}
