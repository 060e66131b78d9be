#!/usr/bin/env bash
# End-to-end run on a throwaway kind cluster, for machines that can pull images (kind's node image comes
# from a registry, so this cannot run on a registry-free machine; test/e2e/image.test.ts covers the images
# there). Steps:
#   1. create a kind cluster (KIND_WORKERS worker nodes beside the control plane)
#   2. build the broker and operator images with docker from images/Dockerfile and `kind load` them
#   3. `helm install` charts/tributary with the operator image, and wait for the operator
#   4. apply a Cluster (3 brokers) and a Topic (3 partitions, RF 3), wait until both are Ready
#   5. produce records with the tributary CLI from a pod (the brokers advertise their in-cluster names, so
#      clients run inside the cluster), consume them back, compare
#   6. delete the kind cluster (KEEP_CLUSTER=1 keeps it for a look around)
# On failure it prints the state of the Tributary objects, the pods and the operator's log first.
#
#   hack/kind-e2e.sh
#
# Needs docker, kubectl, and kind and helm on PATH or given as KIND / HELM; when kind is missing it is built
# from the Go module proxy into .cache/kind (go install sigs.k8s.io/kind@KIND_VERSION), when helm is
# missing hack/helm.sh builds it. Environment: CLUSTER_NAME (default tributary-e2e), KIND_WORKERS
# (default 0), KIND_NODE_IMAGE (kind's default when empty), KEEP_CLUSTER, TIMEOUT (kubectl wait, default
# 10m).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER_NAME="${CLUSTER_NAME:-tributary-e2e}"
KIND_VERSION="${KIND_VERSION:-v0.33.0}"
KIND_WORKERS="${KIND_WORKERS:-0}"
KIND_NODE_IMAGE="${KIND_NODE_IMAGE:-}"
TIMEOUT="${TIMEOUT:-10m}"
OPERATOR_NAMESPACE=tributary-system
NAMESPACE=tributary-e2e
TRIBUTARY_CLUSTER=e2e
TOPIC=e2e-orders
RECORDS=100
# Polls of the consumer pod, 2 s apart.
CONSUME_POLLS_MAX=150

die() { echo "kind-e2e.sh: $*" >&2; exit 1; }
step() { echo "==> $*" >&2; }

[[ $KIND_WORKERS =~ ^[0-9]$ ]] || die "KIND_WORKERS must be 0..9"
command -v docker >/dev/null || die "docker is needed (image builds and kind's nodes)"
command -v kubectl >/dev/null || die "kubectl is needed"
docker info >/dev/null 2>&1 || die "docker does not answer (is the daemon running?)"

if [[ -z ${KIND:-} ]]; then
  if command -v kind >/dev/null; then
    KIND=kind
  else
    KIND="$ROOT/.cache/kind/$KIND_VERSION/bin/kind"
    if [[ ! -x $KIND ]]; then
      step "building kind $KIND_VERSION from the Go module proxy into .cache/kind"
      GOPATH="$ROOT/.cache/kind/go" GOMODCACHE="$ROOT/.cache/kind/go/mod" GOCACHE="$ROOT/.cache/kind/go/cache" \
        GOBIN="$(dirname "$KIND")" "${GO:-go}" install "sigs.k8s.io/kind@$KIND_VERSION"
    fi
  fi
fi
if [[ -z ${HELM:-} ]]; then
  if command -v helm >/dev/null; then HELM=helm; else HELM="$(bash "$ROOT/hack/helm.sh")"; fi
fi
[[ -d $ROOT/charts/tributary ]] || die "charts/tributary is missing"

VERSION="$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$ROOT/package.json" | head -1)"
[[ -n $VERSION ]] || die "no version in package.json"
BROKER_IMAGE="tributary/broker:$VERSION"
OPERATOR_IMAGE="tributary/operator:$VERSION"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kind-e2e.XXXXXX")"
export KUBECONFIG="$WORK/kubeconfig"

diagnose() {
  echo "---- Tributary objects, pods and events" >&2
  kubectl get tcluster,ttopic,statefulsets,pods,pvc -A -o wide >&2 || true
  kubectl describe tcluster,ttopic -n "$NAMESPACE" >&2 || true
  kubectl get events -n "$NAMESPACE" --sort-by=.lastTimestamp >&2 || true
  echo "---- operator log" >&2
  kubectl logs -n "$OPERATOR_NAMESPACE" -l app.kubernetes.io/name=tributary --all-containers --tail=200 >&2 || true
  echo "---- broker logs" >&2
  kubectl logs -n "$NAMESPACE" -l "app.kubernetes.io/instance=$TRIBUTARY_CLUSTER" --all-containers --tail=50 \
    --prefix >&2 || true
}

finish() {
  local status=$?
  [[ $status -eq 0 ]] || diagnose
  if [[ ${KEEP_CLUSTER:-} == 1 ]]; then
    echo "kept kind cluster $CLUSTER_NAME (KUBECONFIG=$KUBECONFIG); remove it with: $KIND delete cluster --name $CLUSTER_NAME" >&2
  else
    "$KIND" delete cluster --name "$CLUSTER_NAME" >&2 || true
    rm -rf "$WORK"
  fi
  if [[ $status -eq 0 ]]; then echo "kind-e2e: passed" >&2; else echo "kind-e2e: FAILED" >&2; fi
  exit "$status"
}

step "kind cluster $CLUSTER_NAME ($KIND_WORKERS workers)"
trap finish EXIT
{
  echo 'kind: Cluster'
  echo 'apiVersion: kind.x-k8s.io/v1alpha4'
  echo 'nodes:'
  echo '  - role: control-plane'
  for ((i = 0; i < KIND_WORKERS; i++)); do echo '  - role: worker'; done
} >"$WORK/kind.yaml"
create_args=(create cluster --name "$CLUSTER_NAME" --config "$WORK/kind.yaml" --kubeconfig "$KUBECONFIG" --wait 5m)
[[ -z $KIND_NODE_IMAGE ]] || create_args+=(--image "$KIND_NODE_IMAGE")
"$KIND" "${create_args[@]}"

step "images $BROKER_IMAGE and $OPERATOR_IMAGE (docker build, images/Dockerfile)"
for target in broker operator; do
  docker build -f "$ROOT/images/Dockerfile" --target "$target" --build-arg "VERSION=$VERSION" \
    -t "tributary/$target:$VERSION" "$ROOT"
  "$KIND" load docker-image "tributary/$target:$VERSION" --name "$CLUSTER_NAME"
done

step "helm install charts/tributary into $OPERATOR_NAMESPACE"
"$HELM" install tributary "$ROOT/charts/tributary" --namespace "$OPERATOR_NAMESPACE" --create-namespace \
  --set image.repository=tributary/operator --set "image.tag=$VERSION" --set image.pullPolicy=Never \
  --wait --timeout "$TIMEOUT"

step "Cluster $TRIBUTARY_CLUSTER and Topic $TOPIC in $NAMESPACE"
kubectl create namespace "$NAMESPACE"
kubectl apply -n "$NAMESPACE" -f - <<EOF
apiVersion: tributary.dev/v1alpha1
kind: Cluster
metadata:
  name: $TRIBUTARY_CLUSTER
spec:
  brokers: 3
  version: "$VERSION"
  image: $BROKER_IMAGE
  imagePullPolicy: Never
  storage:
    size: 1Gi
---
apiVersion: tributary.dev/v1alpha1
kind: Topic
metadata:
  name: $TOPIC
spec:
  cluster: $TRIBUTARY_CLUSTER
  partitions: 3
  replicationFactor: 3
  config:
    minInsyncReplicas: 2
EOF
kubectl wait -n "$NAMESPACE" --for=condition=Ready "tcluster/$TRIBUTARY_CLUSTER" --timeout="$TIMEOUT"
kubectl wait -n "$NAMESPACE" --for=condition=Ready "ttopic/$TOPIC" --timeout="$TIMEOUT"
kubectl get -n "$NAMESPACE" tcluster,ttopic

bootstrap="$(kubectl get -n "$NAMESPACE" "tcluster/$TRIBUTARY_CLUSTER" -o jsonpath='{.status.bootstrap}')"
[[ -n $bootstrap ]] || die "Cluster $TRIBUTARY_CLUSTER has no status.bootstrap"

# The CLI runs in one-off pods of the broker image (entrypoint replaced), as the image's user.
cli_args=(--restart=Never --image="$BROKER_IMAGE" --image-pull-policy=Never --command --
  node /app/bin/tributary.js --bootstrap "$bootstrap")

step "produce $RECORDS records to $TOPIC through $bootstrap"
expected="$(seq -f "record-%g" 1 "$RECORDS")"
# Attached: the CLI reads stdin to its end, so it cannot finish before kubectl attaches.
kubectl run e2e-produce -n "$NAMESPACE" --quiet -i --rm "${cli_args[@]}" produce "$TOPIC" --acks all <<<"$expected"

step "consume them back"
# Not attached: a consumer may finish before an attach would, and its output would be lost; read its log.
kubectl run e2e-consume -n "$NAMESPACE" "${cli_args[@]}" consume "$TOPIC" --from-beginning \
  --max-messages "$RECORDS" >/dev/null
for ((i = 0; ; i++)); do
  phase="$(kubectl get -n "$NAMESPACE" pod/e2e-consume -o jsonpath='{.status.phase}')"
  [[ $phase == Succeeded ]] && break
  [[ $phase != Failed ]] || die "the consumer pod failed: $(kubectl logs -n "$NAMESPACE" pod/e2e-consume)"
  ((i < CONSUME_POLLS_MAX)) || die "the consumer pod did not finish (phase $phase)"
  sleep 2
done
got="$(kubectl logs -n "$NAMESPACE" pod/e2e-consume)"
kubectl delete -n "$NAMESPACE" pod/e2e-consume --wait=false >/dev/null
if [[ "$(sort <<<"$got")" != "$(sort <<<"$expected")" ]]; then
  diff <(sort <<<"$expected") <(sort <<<"$got") >&2 || true
  die "consumed records differ from the produced ones"
fi
echo "consumed $RECORDS records, as produced" >&2
