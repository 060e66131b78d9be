{{/* The chart name, overridable. */}}
{{- define "tributary.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Base name of the objects: fullnameOverride, else the release name, with the chart name appended unless the
release name already contains it. Truncated so that "<base>-operator" stays a valid 63-character name.
*/}}
{{- define "tributary.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- $name := include "tributary.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 54 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of the operator's Deployment, Service, roles and bindings. */}}
{{- define "tributary.operatorName" -}}
{{- printf "%s-operator" (include "tributary.fullname" .) }}
{{- end }}

{{- define "tributary.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object of the chart. */}}
{{- define "tributary.labels" -}}
helm.sh/chart: {{ include "tributary.chart" . }}
app.kubernetes.io/name: {{ include "tributary.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tributary
{{- end }}

{{/* Labels of the operator's objects, and the subset its Deployment selects pods by. */}}
{{- define "tributary.operatorLabels" -}}
{{ include "tributary.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "tributary.operatorSelectorLabels" -}}
app.kubernetes.io/name: {{ include "tributary.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "tributary.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tributary.operatorName" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tributary.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
The Lease's namespace is the scope's (the operator's own default), never the release's: two releases of
one scope then run one leading operator, not two.
*/}}
{{- define "tributary.leaseNamespace" -}}
{{- default (default "kube-system" .Values.watchNamespace) .Values.leaderElection.namespace }}
{{- end }}

{{- define "tributary.clusterName" -}}
{{- default .Release.Name .Values.cluster.name }}
{{- end }}

{{/* Annotations of the Cluster and Topics this chart makes. */}}
{{- define "tributary.resourceAnnotations" -}}
{{- if .Values.keepResourcesOnUninstall -}}
helm.sh/resource-policy: keep
{{- end }}
{{- end }}

{{/*
The operator's rules on the objects it watches and owns: exactly operator/rbac.ts (test/control-plane/
helm.test.ts checks they are equal, and the operator's tests run with a token bound to those rules). It
must itself hold everything the broker Role it creates grants (leases and configmaps): Kubernetes RBAC
refuses to let it grant more than it has.
*/}}
{{- define "tributary.operatorRules" -}}
# Read through informers; Clusters, Topics and Users patched for their finalizer.
- apiGroups: [tributary.dev]
  resources: [clusters]
  verbs: [get, list, watch, patch]
- apiGroups: [tributary.dev]
  resources: [topics]
  verbs: [get, list, watch, patch]
- apiGroups: [tributary.dev]
  resources: [users]
  verbs: [get, list, watch, patch]
# Statuses are written by server-side apply, a patch.
- apiGroups: [tributary.dev]
  resources: [clusters/status, topics/status, users/status]
  verbs: [patch]
# Secrets: the Users' credentials, the password Secrets Users refer to, the clients CA.
- apiGroups: [""]
  resources: [serviceaccounts, configmaps, services, secrets]
  verbs: [get, list, watch, create, update, patch, delete]
# Broker pods: watched and deleted one at a time by the rolling update.
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, delete]
# The brokers' volume claims (made by the StatefulSet controller): watched, and patched to expand them.
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [get, list, watch, patch]
- apiGroups: [apps]
  resources: [statefulsets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles, rolebindings]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, list, watch, create, update, delete]
- apiGroups: ["", events.k8s.io]
  resources: [events]
  verbs: [create]
{{- end }}

{{/* Rules for the operator's own Lease, in the lease namespace. */}}
{{- define "tributary.leaseRules" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, list, watch, create, update, delete]
- apiGroups: ["", events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end }}

{{/*
A Cluster or Topics from values are made in the release namespace: refuse when the operator would not
watch it (watchNamespace set to another namespace), since nothing would ever reconcile them.
*/}}
{{- define "tributary.assertWatched" -}}
{{- if and .Values.watchNamespace (ne .Values.watchNamespace .Release.Namespace) }}
{{- fail (printf "cluster.enabled and topics create resources in the release namespace %s, which the operator does not watch (watchNamespace: %s)" .Release.Namespace .Values.watchNamespace) }}
{{- end }}
{{- end }}
