/**
 * The OpenTelemetry SDK of a Tributary process (broker, operator), configured by the standard `OTEL_*`
 * variables and off unless they ask for traces (docs/operations.md, "Tracing"):
 *
 * - on when `OTEL_TRACES_EXPORTER` names an exporter (`otlp`, `console`, `zipkin`), or when it is unset and
 *   `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set;
 * - off when `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`, and by default.
 *
 * Everything else (endpoint, protocol, headers, sampler, service name, resource attributes) is the SDK's
 * own reading of `OTEL_*`; the OTLP default is http/protobuf. Only traces: no metrics or logs exporter is
 * started (metrics are Prometheus's, logs are JSON on stdout), and no auto-instrumentation.
 */

export interface TracingSdk {
  /** Flushes the spans still buffered and stops exporting (call once, on graceful stop). */
  shutdown(): Promise<void>;
}

let started = false;

/** Whether this process started the SDK (spans whose attributes cost work are made only then). */
export function tracingSdkStarted(): boolean {
  return started;
}

/** Whether `env` asks for traces (see the header). */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (exporters.length > 0) return !(exporters.length === 1 && exporters[0] === 'none');
  return (
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== '' ||
    (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '').trim() !== ''
  );
}

/**
 * Starts the SDK when `env` asks for traces and returns it, else undefined. `serviceName` applies unless
 * `OTEL_SERVICE_NAME` (or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`) names the service.
 */
export async function startTracingSdk(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TracingSdk | undefined> {
  if (!tracingRequested(env)) return undefined;
  // Loaded only when asked for: the SDK and its exporters add to every process's start-up otherwise.
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const named =
    env.OTEL_SERVICE_NAME !== undefined || /(^|,)\s*service\.name=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const sdk = new NodeSDK({
    ...(named ? {} : { serviceName }),
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  started = true;
  let stopped: Promise<void> | undefined;
  return {
    shutdown: () => {
      stopped ??= sdk.shutdown();
      return stopped;
    },
  };
}
