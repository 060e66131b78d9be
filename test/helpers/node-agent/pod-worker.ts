/**
 * One pod on one node of the agent: what the kubelet's pod worker does for it, from the pod spec as
 * written.
 *
 * Life: admit (address, runtime files, status Pending with ContainerCreating) -> volumes (wait while a
 * claim is unbound or a ConfigMap missing) -> init containers, one after another, each to success -> the
 * containers -> probes -> restarts -> termination -> the pod object removed.
 *
 * - Restarts follow `restartPolicy` (Always; OnFailure when the exit code is not 0; Never). The first
 *   restart is immediate, each later one waits `backoffDelayMs(n)` after the previous start (the
 *   kubelet's 10 s doubling to 5 min, CrashLoopBackOff meanwhile); a container that ran 10 minutes
 *   without failing starts its count of back-offs again. `restartCount` and `lastState` say what happened.
 * - Probes: the startup probe first (liveness and readiness wait for it); liveness failures kill the
 *   container (preStop, SIGTERM, SIGKILL after the grace period) and the restart policy decides; readiness
 *   sets the container's `ready`. A container without readiness probe is ready once started.
 * - Termination (the pod's deletionTimestamp): every container at once gets its preStop hook, then
 *   SIGTERM, then SIGKILL when the pod's grace period (`deletionGracePeriodSeconds`) has run out; then the
 *   final status, then the pod is deleted with grace 0 and a UID precondition, as the kubelet finalizes.
 * - Status goes through the status subresource as a strategic merge patch (conditions by type, container
 *   statuses by name), only when it changed; PodScheduled stays the scheduler's.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import {
  type CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Container,
  type V1ContainerState,
  type V1ContainerStatus,
  type V1Pod,
  type V1PodCondition,
  type V1Probe,
} from '@kubernetes/client-node';
import { writeFileAtomicSync } from '../../../kit/atomic-file.js';
import { type BackoffPolicy, backoffDelayMs } from '../../../kit/backoff.js';
import { SerialLane } from '../../../kit/serial-lane.js';
import { sleep } from '../../../kit/sleep.js';
import { isConflict, isNotFound } from '../../../operator/kube/api-error.js';
import { ContainerConfigError, type ContainerInvocation, containerInvocation } from './container-env.js';
import {
  execInContainer,
  hasMountsUnder,
  type RunningContainer,
  startContainer,
} from './container-runtime.js';
import { imageFor, type LocalImage } from './local-image.js';
import { PodVolumes, VolumeNotReady } from './pod-volumes.js';
import { probeTiming, runHandler } from './probe.js';

/** What a pod worker needs from its node. */
export interface NodeContext {
  readonly nodeName: string;
  readonly hostIp: string;
  readonly allocatable: Readonly<Record<string, string>>;
  readonly apiServer: { readonly host: string; readonly port: number };
  readonly images: ReadonlyMap<string, LocalImage>;
  readonly backoff: BackoffPolicy;
  /** Pods' working directories live below it (removed with the pod). */
  readonly podsDir: string;
  /** Container logs live below it (kept until the tier stops). */
  readonly logsDir: string;
  readonly networkHookPath: string;
  readonly core: CoreV1Api;
  allocateIp(): string;
  releaseIp(ip: string): void;
  /** The cluster's name records, hosts-file lines (cluster-dns.ts). */
  clusterHosts(): string;
  log(message: string, fields?: Record<string, unknown>): void;
}

/** A container that ran 10 minutes without failing starts its back-off again (the kubelet's rule). */
const BACKOFF_RESET_MS = 10 * 60_000;
const VOLUME_RETRY_MS = 500;
const DEFAULT_GRACE_SECONDS = 30;

interface Run {
  readonly process: RunningContainer;
  readonly containerId: string;
  readonly startedAt: Date;
  readonly env: Record<string, string>;
  readonly uid: number;
  readonly gid: number;
  started: boolean;
  ready: boolean;
  /** Set when the agent decided to stop it (liveness, startup, pod termination). */
  stopping?: Promise<void>;
  stopReason?: string;
}

interface ContainerRecord {
  readonly spec: V1Container;
  readonly init: boolean;
  run?: Run;
  restartCount: number;
  /** Consecutive back-offs (the exponent of the delay). */
  backoffs: number;
  lastStartMs: number;
  waiting?: { reason: string; message?: string };
  terminated?: V1ContainerState['terminated'];
  lastTerminated?: V1ContainerState['terminated'];
  /** Done for good (a succeeded init container, or no restart per policy). */
  finished: boolean;
  restartTimer?: NodeJS.Timeout;
}

function now(): Date {
  return new Date();
}

export class PodWorker {
  private pod: V1Pod;
  private readonly lane = new SerialLane();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly conditionTimes = new Map<string, { status: string; time: Date }>();
  private readonly podDir: string;
  private readonly logDir: string;
  private readonly runtimeDir: string;
  readonly podIp: string;
  private volumes?: PodVolumes;
  private image = new Map<string, LocalImage>();
  private startTime = now();
  private lastStatus = '';
  private statusTimer?: NodeJS.Timeout;
  /**
   * Status writes run one after another, each computing the status when it starts: two in flight could
   * land out of order under load, an older one (not ready) last, and nothing would write again.
   */
  private statusWrites: Promise<void> = Promise.resolve();
  private terminating?: Promise<void>;
  private gone = false;
  private initDone = false;

  constructor(
    private readonly node: NodeContext,
    pod: V1Pod,
  ) {
    this.pod = pod;
    const key = `${pod.metadata!.namespace}_${pod.metadata!.name}_${pod.metadata!.uid}`;
    this.podDir = join(node.podsDir, key);
    this.logDir = join(node.logsDir, key);
    this.runtimeDir = join(this.podDir, 'runtime');
    this.podIp = node.allocateIp();
    for (const spec of pod.spec?.initContainers ?? [])
      this.containers.set(spec.name, this.record(spec, true));
    for (const spec of pod.spec?.containers ?? []) this.containers.set(spec.name, this.record(spec, false));
  }

  private record(spec: V1Container, init: boolean): ContainerRecord {
    return {
      spec,
      init,
      restartCount: 0,
      backoffs: 0,
      lastStartMs: 0,
      waiting: { reason: init ? 'PodInitializing' : 'ContainerCreating' },
      finished: false,
    };
  }

  get key(): string {
    return `${this.pod.metadata!.namespace}/${this.pod.metadata!.name}`;
  }

  get uid(): string {
    return this.pod.metadata!.uid!;
  }

  /** Starts the pod. */
  start(): void {
    mkdirSync(this.runtimeDir, { recursive: true });
    mkdirSync(this.logDir, { recursive: true });
    writeFileAtomicSync(join(this.runtimeDir, 'pod-ip'), `${this.podIp}\n`, { durable: false });
    copyFileSync(this.node.networkHookPath, join(this.runtimeDir, 'pod-network.cjs'));
    this.refreshHosts();
    this.scheduleStatus();
    void this.lane.run(() => this.prepare());
  }

  /** A newer version of the pod object. */
  update(pod: V1Pod): void {
    if (pod.metadata?.uid !== this.uid) return;
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp !== undefined) void this.terminate();
  }

  /** The pod object is gone from the API (force-deleted): stop at once. */
  async removed(): Promise<void> {
    this.gone = true;
    await this.stopAll(0, 'pod deleted');
    this.cleanup();
  }

  /** Rewrites the pod's /etc/hosts (cluster records changed). */
  refreshHosts(): void {
    const hostname = this.pod.spec?.hostname ?? this.pod.metadata!.name!;
    const subdomain = this.pod.spec?.subdomain;
    const ns = this.pod.metadata!.namespace!;
    const own =
      subdomain === undefined
        ? `${this.podIp}\t${hostname}`
        : `${this.podIp}\t${hostname}.${subdomain}.${ns}.svc.cluster.local\t${hostname}`;
    const text = [
      '# Kubernetes-managed hosts file (the tributary node agent; cluster names below, see docs/operations.md).',
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      own,
      this.node.clusterHosts(),
    ].join('\n');
    try {
      writeFileAtomicSync(join(this.runtimeDir, 'hosts'), `${text}\n`, { durable: false });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  // ---- start-up

  private async prepare(): Promise<void> {
    while (!this.gone && this.terminating === undefined) {
      try {
        this.volumes ??= new PodVolumes(this.node.core, this.pod, this.podDir, {
          podIp: this.podIp,
          hostIp: this.node.hostIp,
        });
        await this.volumes.sync();
        break;
      } catch (err) {
        if (!(err instanceof VolumeNotReady))
          this.node.log('volume setup failed', { pod: this.key, error: String(err) });
        await sleep(VOLUME_RETRY_MS);
      }
    }
    if (this.gone || this.terminating !== undefined) return;
    for (const c of this.containers.values()) {
      try {
        this.image.set(c.spec.name, imageFor(this.node.images, c.spec.image ?? ''));
      } catch (err) {
        c.waiting = { reason: 'ErrImageNeverPull', message: (err as Error).message };
      }
    }
    await this.runInitContainers();
  }

  private async runInitContainers(): Promise<void> {
    const inits = [...this.containers.values()].filter((c) => c.init);
    const next = inits.find((c) => !c.finished);
    if (next === undefined) {
      this.initDone = true;
      for (const c of this.containers.values()) if (!c.init) await this.startOne(c);
      this.scheduleStatus();
      return;
    }
    if (next.run === undefined && next.restartTimer === undefined) await this.startOne(next);
  }

  private async startOne(c: ContainerRecord): Promise<void> {
    if (this.gone || this.terminating !== undefined) return;
    const image = this.image.get(c.spec.name);
    if (image === undefined) {
      this.scheduleStatus();
      return;
    }
    const pod = this.pod;
    const podSc = pod.spec?.securityContext;
    const sc = c.spec.securityContext;
    const uid = sc?.runAsUser ?? podSc?.runAsUser ?? image.user.uid;
    const gid = sc?.runAsGroup ?? podSc?.runAsGroup ?? image.user.gid;
    let invocation: ContainerInvocation;
    try {
      if ((sc?.runAsNonRoot ?? podSc?.runAsNonRoot) === true && uid === 0) {
        throw new ContainerConfigError('container has runAsNonRoot and image will run as root');
      }
      invocation = await containerInvocation(c.spec, image, {
        pod,
        podIp: this.podIp,
        hostIp: this.node.hostIp,
        apiServer: this.node.apiServer,
        allocatable: this.node.allocatable,
        configMap: (namespace, name) =>
          this.node.core.readNamespacedConfigMap({ namespace, name }).catch(() => undefined),
        secret: (namespace, name) =>
          this.node.core.readNamespacedSecret({ namespace, name }).catch(() => undefined),
      });
    } catch (err) {
      c.waiting = { reason: 'CreateContainerConfigError', message: (err as Error).message };
      this.scheduleStatus();
      c.restartTimer = setTimeout(() => {
        c.restartTimer = undefined;
        void this.lane.run(() => this.startOne(c));
      }, 1000);
      return;
    }
    // The kubelet counts a restart when it creates the new container, not when it decides to.
    if (c.terminated !== undefined) c.restartCount++;
    const restart = c.restartCount;
    const mounts = (c.spec.volumeMounts ?? []).map((m) => {
      const base = this.volumes!.pathOf(m.name);
      return {
        target: m.mountPath,
        source: m.subPath ? join(base, m.subPath) : base,
        readOnly: m.readOnly === true,
      };
    });
    const containerId = randomBytes(16).toString('hex');
    const rootDir = join(this.podDir, 'containers', c.spec.name, `${restart}-${containerId.slice(0, 8)}`);
    rmSync(join(this.podDir, 'containers', c.spec.name), { recursive: true, force: true });
    mkdirSync(join(this.logDir, c.spec.name), { recursive: true });
    const process = startContainer({
      image,
      rootDir,
      runtimeDir: this.runtimeDir,
      mounts,
      argv: invocation.argv,
      env: invocation.env,
      workingDir: c.spec.workingDir ?? image.workingDir,
      uid,
      gid,
      supplementalGroups: [
        ...(podSc?.fsGroup === undefined ? [] : [podSc.fsGroup]),
        ...(podSc?.supplementalGroups ?? []),
      ],
      readOnlyRootFilesystem: sc?.readOnlyRootFilesystem === true,
      hostname: pod.spec?.hostname ?? pod.metadata!.name!,
      logPath: join(this.logDir, c.spec.name, `${restart}.log`),
    });
    const run: Run = {
      process,
      containerId: `tributary://${containerId}`,
      startedAt: now(),
      env: invocation.env,
      uid,
      gid,
      started: false,
      ready: false,
    };
    c.run = run;
    c.lastStartMs = Date.now();
    c.waiting = undefined;
    if (c.terminated !== undefined) c.lastTerminated = c.terminated;
    c.terminated = undefined;
    this.node.log('container started', { pod: this.key, container: c.spec.name, pid: process.pid, restart });
    void process.exited.then((exit) => this.lane.run(() => this.onExit(c, run, exit.code, exit.signal)));
    if (!c.init) this.startProbes(c, run);
    this.scheduleStatus();
  }

  // ---- probes

  private startProbes(c: ContainerRecord, run: Run): void {
    const alive = () => c.run === run && run.stopping === undefined && !this.gone;
    const target = {
      podIp: this.podIp,
      container: c.spec,
      exec: (argv: readonly string[], timeoutMs: number) =>
        execInContainer(run.process.pid, argv, { env: run.env, uid: run.uid, gid: run.gid, timeoutMs }),
    };
    const loop = (
      probe: V1Probe,
      onResult: (ok: boolean, streak: { ok: number; fail: number }) => boolean,
    ) => {
      const t = probeTiming(probe);
      const streak = { ok: 0, fail: 0 };
      const tick = async () => {
        if (!alive()) return;
        const ok = await runHandler(probe, target, t.timeoutMs).catch(() => false);
        if (!alive()) return;
        if (ok) {
          streak.ok++;
          streak.fail = 0;
        } else {
          streak.fail++;
          streak.ok = 0;
        }
        if (onResult(ok, streak)) setTimeout(() => void tick(), t.periodMs);
      };
      setTimeout(() => void tick(), t.initialDelayMs);
    };
    const afterStartup = () => {
      run.started = true;
      this.scheduleStatus();
      const readiness = c.spec.readinessProbe;
      if (readiness === undefined) {
        run.ready = true;
        this.scheduleStatus();
      } else {
        const t = probeTiming(readiness);
        loop(readiness, (_ok, streak) => {
          const before = run.ready;
          if (streak.ok >= t.successThreshold) run.ready = true;
          if (streak.fail >= t.failureThreshold) run.ready = false;
          if (before !== run.ready) this.scheduleStatus();
          return true;
        });
      }
      const liveness = c.spec.livenessProbe;
      if (liveness !== undefined) {
        const t = probeTiming(liveness);
        loop(liveness, (_ok, streak) => {
          if (streak.fail < t.failureThreshold) return true;
          void this.lane.run(() =>
            this.kill(c, run, 'Liveness probe failed', liveness.terminationGracePeriodSeconds),
          );
          return false;
        });
      }
    };
    const startup = c.spec.startupProbe;
    if (startup === undefined) {
      afterStartup();
      return;
    }
    const t = probeTiming(startup);
    loop(startup, (ok, streak) => {
      if (ok) {
        afterStartup();
        return false;
      }
      if (streak.fail < t.failureThreshold) return true;
      void this.lane.run(() =>
        this.kill(c, run, 'Startup probe failed', startup.terminationGracePeriodSeconds),
      );
      return false;
    });
  }

  /**
   * Stops one container the way the kubelet kills it (preStop, SIGTERM, SIGKILL after the grace); its exit
   * then goes through onExit and the restart policy. Not awaited: the exit arrives on the pod's lane.
   */
  private kill(c: ContainerRecord, run: Run, reason: string, graceSeconds?: number): void {
    if (c.run !== run) return;
    this.node.log('killing container', { pod: this.key, container: c.spec.name, reason });
    const grace = graceSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    void this.stopRun(c, run, grace * 1000, reason);
  }

  private stopRun(c: ContainerRecord, run: Run, graceMs: number, reason: string): Promise<void> {
    if (run.stopping !== undefined) return run.stopping;
    run.stopReason = reason;
    run.ready = false;
    this.scheduleStatus();
    const deadline = Date.now() + graceMs;
    run.stopping = (async () => {
      let exited = false;
      void run.process.exited.then(() => {
        exited = true;
      });
      const preStop = c.spec.lifecycle?.preStop;
      if (preStop !== undefined && graceMs > 0) {
        const target = {
          podIp: this.podIp,
          container: c.spec,
          exec: (argv: readonly string[], timeoutMs: number) =>
            execInContainer(run.process.pid, argv, { env: run.env, uid: run.uid, gid: run.gid, timeoutMs }),
        };
        await Promise.race([
          runHandler(preStop, target, Math.max(1, deadline - Date.now())).catch(() => false),
          run.process.exited,
          new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
        ]);
      }
      if (!exited) run.process.signal(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
      const timer = setTimeout(() => run.process.signal('SIGKILL'), Math.max(0, deadline - Date.now()));
      await run.process.exited;
      clearTimeout(timer);
    })();
    return run.stopping;
  }

  // ---- exits and restarts

  private async onExit(c: ContainerRecord, run: Run, code: number | null, signal: NodeJS.Signals | null) {
    if (c.run !== run) return;
    const exitCode = code ?? 128 + (signal === null ? 0 : signalNumber(signal));
    c.run = undefined;
    c.terminated = {
      exitCode,
      ...(signal === null ? {} : { signal: signalNumber(signal) }),
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: run.startedAt,
      finishedAt: now(),
      containerID: run.containerId,
    };
    this.node.log('container exited', { pod: this.key, container: c.spec.name, exitCode, signal });
    if (this.terminating !== undefined || this.gone) {
      this.scheduleStatus();
      return;
    }
    const policy = this.pod.spec?.restartPolicy ?? 'Always';
    const restart = c.init
      ? exitCode !== 0 && policy !== 'Never'
      : policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    if (c.init && exitCode === 0) {
      c.finished = true;
      this.scheduleStatus();
      await this.runInitContainers();
      return;
    }
    if (!restart) {
      c.finished = true;
      this.scheduleStatus();
      return;
    }
    if (Date.now() - run.startedAt.getTime() >= BACKOFF_RESET_MS) c.backoffs = 0;
    const delayMs = c.backoffs === 0 ? 0 : backoffDelayMs(c.backoffs, this.node.backoff);
    const waitMs = Math.max(0, c.lastStartMs + delayMs - Date.now());
    c.backoffs++;
    if (waitMs > 0) {
      c.waiting = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${Math.round(delayMs / 1000)}s restarting failed container=${c.spec.name} pod=${this.pod.metadata!.name}_${this.pod.metadata!.namespace}(${this.uid})`,
      };
    }
    this.scheduleStatus();
    c.restartTimer = setTimeout(() => {
      c.restartTimer = undefined;
      void this.lane.run(() => this.startOne(c));
    }, waitMs);
  }

  // ---- termination

  private terminate(): Promise<void> {
    this.terminating ??= (async () => {
      const grace =
        this.pod.metadata?.deletionGracePeriodSeconds ??
        this.pod.spec?.terminationGracePeriodSeconds ??
        DEFAULT_GRACE_SECONDS;
      this.node.log('terminating pod', { pod: this.key, graceSeconds: grace });
      await this.stopAll(grace * 1000, 'pod deleted');
      await this.lane.idle();
      if (this.gone) return;
      await this.serialWrite(true);
      try {
        await this.node.core.deleteNamespacedPod({
          namespace: this.pod.metadata!.namespace!,
          name: this.pod.metadata!.name!,
          gracePeriodSeconds: 0,
          body: { gracePeriodSeconds: 0, preconditions: { uid: this.uid } },
        });
      } catch (err) {
        const status = (err as { code?: number }).code;
        if (status !== 404 && status !== 409)
          this.node.log('pod delete failed', { pod: this.key, error: String(err) });
      }
      this.gone = true;
      this.cleanup();
    })();
    return this.terminating;
  }

  private async stopAll(graceMs: number, reason: string): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const c of this.containers.values()) {
      if (c.restartTimer !== undefined) clearTimeout(c.restartTimer);
      c.restartTimer = undefined;
      if (c.run !== undefined) stops.push(this.stopRun(c, c.run, graceMs, reason));
    }
    await Promise.all(stops);
  }

  private cleanup(): void {
    if (this.statusTimer !== undefined) clearTimeout(this.statusTimer);
    this.node.releaseIp(this.podIp);
    if (hasMountsUnder(this.podDir)) {
      this.node.log('pod directory still has mounts: left in place', { pod: this.key, dir: this.podDir });
      return;
    }
    rmSync(this.podDir, { recursive: true, force: true });
  }

  /** Stops every container at once without grace (the agent itself stops). */
  async shutdown(): Promise<void> {
    this.gone = true;
    await this.stopAll(0, 'node agent stopped');
    this.cleanup();
  }

  // ---- status

  private scheduleStatus(): void {
    if (this.statusTimer !== undefined || this.gone) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      void this.serialWrite(false);
    }, 20);
  }

  private serialWrite(final: boolean): Promise<void> {
    this.statusWrites = this.statusWrites.then(() => this.writeStatus(final));
    return this.statusWrites;
  }

  private condition(type: string, ok: boolean, reason?: string): V1PodCondition {
    const status = ok ? 'True' : 'False';
    const held = this.conditionTimes.get(type);
    const time = held !== undefined && held.status === status ? held.time : now();
    this.conditionTimes.set(type, { status, time });
    return { type, status, lastTransitionTime: time, ...(reason === undefined || ok ? {} : { reason }) };
  }

  private containerStatus(c: ContainerRecord): V1ContainerStatus {
    const image = this.image.get(c.spec.name);
    const state: V1ContainerState =
      c.run !== undefined
        ? { running: { startedAt: c.run.startedAt } }
        : c.waiting !== undefined
          ? { waiting: c.waiting }
          : c.terminated !== undefined
            ? { terminated: c.terminated }
            : { waiting: { reason: 'ContainerCreating' } };
    return {
      name: c.spec.name,
      image: c.spec.image ?? '',
      imageID: image === undefined ? '' : `${image.ref}@${image.digest}`,
      ...(c.run === undefined && c.terminated === undefined
        ? {}
        : { containerID: (c.run?.containerId ?? c.terminated?.containerID)! }),
      ready: c.run?.ready === true && c.run.stopping === undefined,
      started: c.run?.started === true,
      restartCount: c.restartCount,
      state,
      lastState: c.lastTerminated === undefined ? {} : { terminated: c.lastTerminated },
    };
  }

  private phase(): string {
    const main = [...this.containers.values()].filter((c) => !c.init);
    if (!this.initDone) {
      const failedInit = [...this.containers.values()].some(
        (c) => c.init && c.finished && c.terminated?.exitCode !== 0,
      );
      return failedInit ? 'Failed' : 'Pending';
    }
    if (main.some((c) => c.run !== undefined || c.restartTimer !== undefined)) return 'Running';
    if (main.every((c) => c.finished)) {
      return main.every((c) => c.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    }
    if (this.terminating !== undefined) {
      return main.every((c) => c.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    }
    return 'Pending';
  }

  private async writeStatus(final: boolean): Promise<void> {
    if (this.gone) return;
    const main = [...this.containers.values()].filter((c) => !c.init);
    const inits = [...this.containers.values()].filter((c) => c.init);
    const containersReady =
      this.initDone && main.every((c) => c.run?.ready === true && c.run.stopping === undefined);
    const gates = (this.pod.spec?.readinessGates ?? []).every(
      (g) => this.pod.status?.conditions?.find((cond) => cond.type === g.conditionType)?.status === 'True',
    );
    const phase = final
      ? main.every((c) => c.terminated?.exitCode === 0)
        ? 'Succeeded'
        : 'Failed'
      : this.phase();
    const status = {
      phase,
      hostIP: this.node.hostIp,
      hostIPs: [{ ip: this.node.hostIp }],
      podIP: this.podIp,
      podIPs: [{ ip: this.podIp }],
      startTime: this.startTime,
      conditions: [
        this.condition('PodReadyToStartContainers', !final),
        this.condition('Initialized', this.initDone, 'ContainersNotInitialized'),
        this.condition('ContainersReady', containersReady && !final, 'ContainersNotReady'),
        this.condition('Ready', containersReady && gates && !final, 'ContainersNotReady'),
      ],
      ...(inits.length === 0 ? {} : { initContainerStatuses: inits.map((c) => this.containerStatus(c)) }),
      containerStatuses: main.map((c) => this.containerStatus(c)),
    };
    const text = JSON.stringify(status);
    if (text === this.lastStatus) return;
    try {
      // The uid makes the patch conditional, as the kubelet's status manager does: a write that lands after
      // this pod is gone must not land on its successor of the same name (a StatefulSet pod re-created at
      // once), whose controller would otherwise see it Failed and delete it a second time.
      await this.node.core.patchNamespacedPodStatus(
        {
          namespace: this.pod.metadata!.namespace!,
          name: this.pod.metadata!.name!,
          body: { metadata: { uid: this.uid }, status },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      this.lastStatus = text;
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      this.node.log('status update failed', { pod: this.key, error: String(err) });
      setTimeout(() => this.scheduleStatus(), 500);
    }
  }

  /** SIGKILLs every container's process group now, synchronously (the test process is exiting). */
  killNow(): void {
    for (const c of this.containers.values()) c.run?.process.signal('SIGKILL');
  }

  /** For tests: the pid of a container's current process. */
  pidOf(container: string): number | undefined {
    return this.containers.get(container)?.run?.process.pid;
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}
