{{/*
Name of the chart.
*/}}
{{- define "aihub-run-worker.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name, truncated to 63 characters (the DNS label limit of many Kubernetes name fields).
The release name alone when it already contains the chart name.
*/}}
{{- define "aihub-run-worker.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Namespace of every object: namespaceOverride, else the release namespace.
*/}}
{{- define "aihub-run-worker.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Chart name and version for the helm.sh/chart label.
*/}}
{{- define "aihub-run-worker.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "aihub-run-worker.labels" -}}
helm.sh/chart: {{ include "aihub-run-worker.chart" . }}
{{ include "aihub-run-worker.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/component: worker
app.kubernetes.io/part-of: aihub-run-worker
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: stable across upgrades, so no version in them (a Deployment's selector is immutable).
*/}}
{{- define "aihub-run-worker.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aihub-run-worker.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the ServiceAccount.
*/}}
{{- define "aihub-run-worker.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aihub-run-worker.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the Secret the pod reads: the existing one, or the chart's.
*/}}
{{- define "aihub-run-worker.secretName" -}}
{{- default (include "aihub-run-worker.fullname" .) .Values.secret.existingSecret }}
{{- end }}

{{/*
Image reference of an image block (repository, tag, digest) given as "image", with the chart as "chart":
repository@digest, else repository:tag (tag defaults to appVersion).
*/}}
{{- define "aihub-run-worker.imageRef" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/*
The worker's image reference.
*/}}
{{- define "aihub-run-worker.image" -}}
{{- include "aihub-run-worker.imageRef" (dict "image" .Values.image "chart" .Chart) }}
{{- end }}

{{/*
The simulator's image reference; built with the worker, so its tag defaults to the same appVersion.
*/}}
{{- define "aihub-run-worker.simulatorImage" -}}
{{- include "aihub-run-worker.imageRef" (dict "image" .Values.simulator.image "chart" .Chart) }}
{{- end }}

{{/*
"true" when Kafka uses SASL (SASL_PLAINTEXT or SASL_SSL), else empty.
*/}}
{{- define "aihub-run-worker.kafkaSasl" -}}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol }}true{{ end }}
{{- end }}

{{/*
"true" when Kafka uses TLS (SSL or SASL_SSL), else empty.
*/}}
{{- define "aihub-run-worker.kafkaTls" -}}
{{- if hasSuffix "SSL" .Values.kafka.securityProtocol }}true{{ end }}
{{- end }}

{{/*
"true" when the truststore needs a password (a PKCS12 or JKS file from a Secret), else empty.
*/}}
{{- define "aihub-run-worker.truststorePassword" -}}
{{- if and (include "aihub-run-worker.kafkaTls" .) .Values.kafka.tls.truststore.secretName (ne .Values.kafka.tls.truststore.type "PEM") }}true{{ end }}
{{- end }}

{{/*
Where the truststore Secret is mounted.
*/}}
{{- define "aihub-run-worker.truststoreDir" -}}
/etc/aihub-run-worker/kafka-truststore
{{- end }}

{{/*
"true" when the worker presents a client certificate (mutual TLS): a keystore Secret over SSL or SASL_SSL, else empty.
*/}}
{{- define "aihub-run-worker.kafkaMtls" -}}
{{- if and (include "aihub-run-worker.kafkaTls" .) .Values.kafka.tls.keystore.secretName }}true{{ end }}
{{- end }}

{{/*
Where the keystore Secret (the client certificate) is mounted.
*/}}
{{- define "aihub-run-worker.keystoreDir" -}}
/etc/aihub-run-worker/kafka-keystore
{{- end }}

{{/*
JAAS config built from the SASL username and password, unless given whole.
*/}}
{{- define "aihub-run-worker.jaasConfig" -}}
{{- $sasl := .Values.kafka.sasl }}
{{- if $sasl.jaasConfig }}
{{- $sasl.jaasConfig }}
{{- else }}
{{- $module := ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq $sasl.mechanism "PLAIN") }}
{{- $user := $sasl.username | replace "\\" "\\\\" | replace "\"" "\\\"" }}
{{- $password := $sasl.password | replace "\\" "\\\\" | replace "\"" "\\\"" }}
{{- printf "%s required username=\"%s\" password=\"%s\";" $module $user $password }}
{{- end }}
{{- end }}

{{/*
KEDA's name for the SASL mechanism.
*/}}
{{- define "aihub-run-worker.kedaSasl" -}}
{{- $m := .Values.kafka.sasl.mechanism }}
{{- if eq $m "PLAIN" }}plaintext{{ else if eq $m "SCRAM-SHA-256" }}scram_sha256{{ else }}scram_sha512{{ end }}
{{- end }}

{{/*
Secret and key of the CA the KEDA scaler trusts, as "name/key"; empty when none.
*/}}
{{- define "aihub-run-worker.kedaCa" -}}
{{- $ca := .Values.autoscaling.keda.caSecret }}
{{- $ts := .Values.kafka.tls.truststore }}
{{- if $ca.name }}
{{- printf "%s/%s" $ca.name $ca.key }}
{{- else if and $ts.secretName (eq $ts.type "PEM") }}
{{- printf "%s/%s" $ts.secretName $ts.key }}
{{- end }}
{{- end }}

{{/*
Fewest replicas the workload is guaranteed: the autoscaler's minimum, else replicaCount.
*/}}
{{- define "aihub-run-worker.guaranteedReplicas" -}}
{{- if eq .Values.autoscaling.mode "none" }}
{{- .Values.replicaCount | int }}
{{- else }}
{{- .Values.autoscaling.minReplicaCount | int }}
{{- end }}
{{- end }}

{{/*
PromQL label matchers selecting this release's scraped series (the ServiceMonitor's job is the Service name).
*/}}
{{- define "aihub-run-worker.metricSelector" -}}
namespace="{{ include "aihub-run-worker.namespace" . }}",job="{{ include "aihub-run-worker.fullname" . }}"
{{- end }}

{{/*
Most replicas that can run at once: the autoscaler's maximum, else replicaCount.
*/}}
{{- define "aihub-run-worker.maxReplicas" -}}
{{- if eq .Values.autoscaling.mode "none" }}
{{- .Values.replicaCount | int }}
{{- else }}
{{- .Values.autoscaling.maxReplicaCount | int }}
{{- end }}
{{- end }}

{{/*
AI Hub calls per second of one replica: rateLimit.organisationRequestsPerSecond divided by the most replicas
(rounded down to hundredths, so the replicas together never exceed the budget), else rateLimit.requestsPerSecond.
*/}}
{{- define "aihub-run-worker.replicaRequestsPerSecond" -}}
{{- $org := .Values.rateLimit.organisationRequestsPerSecond | float64 }}
{{- if gt $org 0.0 }}
{{- $max := include "aihub-run-worker.maxReplicas" . | float64 }}
{{- divf (floor (mulf (divf $org (max $max 1.0)) 100)) 100 | toString }}
{{- else }}
{{- .Values.rateLimit.requestsPerSecond | toString }}
{{- end }}
{{- end }}

{{/*
Refuses combinations that cannot work. Included by the Deployment, which every render has.
*/}}
{{- define "aihub-run-worker.validate" -}}
{{- $a := .Values.autoscaling }}
{{- $partitions := .Values.kafka.commandsPartitions | int }}
{{- if ne $a.mode "none" }}
{{- if gt ($a.maxReplicaCount | int) $partitions }}
{{- fail (printf "autoscaling.maxReplicaCount (%d) must not exceed kafka.commandsPartitions (%d): consumers beyond the partition count sit idle" ($a.maxReplicaCount | int) $partitions) }}
{{- end }}
{{- if lt ($a.minReplicaCount | int) 1 }}
{{- fail (printf "autoscaling.minReplicaCount must be at least 1 with %s: runs that wait for days need a poller while the lag is 0" $a.mode) }}
{{- end }}
{{- if gt ($a.minReplicaCount | int) ($a.maxReplicaCount | int) }}
{{- fail (printf "autoscaling.minReplicaCount (%d) must not exceed autoscaling.maxReplicaCount (%d)" ($a.minReplicaCount | int) ($a.maxReplicaCount | int)) }}
{{- end }}
{{- end }}
{{- if and .Values.simulator.enabled (has (.Values.simulator.port | int) (list (.Values.containerPort | int) (.Values.managementPort | int))) }}
{{- fail (printf "simulator.port %d is the worker's containerPort or managementPort: the simulator shares the pod's network and needs a port of its own" (.Values.simulator.port | int)) }}
{{- end }}
{{- if eq (.Values.containerPort | int) (.Values.managementPort | int) }}
{{- fail (printf "containerPort and managementPort are both %d: the management interface (health, metrics) needs a port of its own" (.Values.managementPort | int)) }}
{{- end }}
{{- if and (eq $a.mode "hpa") (not $a.hpa.targetCPUUtilizationPercentage) (not $a.hpa.targetMemoryUtilizationPercentage) }}
{{- fail "autoscaling.mode hpa needs autoscaling.hpa.targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" }}
{{- end }}
{{- if le (.Values.shutdown.timeoutSeconds | int) (.Values.shutdown.drainTimeoutSeconds | int) }}
{{- fail (printf "shutdown.timeoutSeconds (%d) must be longer than shutdown.drainTimeoutSeconds (%d), or Quarkus cuts the drain short" (.Values.shutdown.timeoutSeconds | int) (.Values.shutdown.drainTimeoutSeconds | int)) }}
{{- end }}
{{- if le (.Values.shutdown.terminationGracePeriodSeconds | int) (.Values.shutdown.timeoutSeconds | int) }}
{{- fail (printf "shutdown.terminationGracePeriodSeconds (%d) must be longer than shutdown.timeoutSeconds (%d), or the drain is killed" (.Values.shutdown.terminationGracePeriodSeconds | int) (.Values.shutdown.timeoutSeconds | int)) }}
{{- end }}
{{- if and (include "aihub-run-worker.kafkaSasl" .) (not .Values.secret.existingSecret) (not .Values.kafka.sasl.jaasConfig) (or (not .Values.kafka.sasl.username) (not .Values.kafka.sasl.password)) }}
{{- fail (printf "kafka.securityProtocol %s needs kafka.sasl.username and kafka.sasl.password (or kafka.sasl.jaasConfig, or secret.existingSecret)" .Values.kafka.securityProtocol) }}
{{- end }}
{{- if .Values.worker.extraConfig }}
{{- /* The ConfigMap's own keys, rendered without extraConfig: an extraConfig key among them would be a duplicate. */}}
{{- $values := deepCopy .Values }}
{{- $_ := set $values.worker "extraConfig" dict }}
{{- $ctx := dict "Values" $values "Release" .Release "Chart" .Chart "Template" .Template "Capabilities" .Capabilities }}
{{- $chartKeys := (include (print $.Template.BasePath "/configmap.yaml") $ctx | fromYaml).data | keys }}
{{- $secretKeys := list "AIHUB_API_TOKEN" "KAFKA_SASL_JAAS_CONFIG" "KAFKA_SSL_TRUSTSTORE_PASSWORD" "KAFKA_SSL_KEYSTORE_PASSWORD" "KAFKA_SSL_KEY_PASSWORD" "AIHUB_SIMULATOR_ADMIN_TOKEN" "AIHUB_SIMULATOR_TOKEN" "WORKER_ADMIN_TOKEN" }}
{{- range $name, $value := .Values.worker.extraConfig }}
{{- if has $name $chartKeys }}
{{- fail (printf "worker.extraConfig.%s is set by the chart from its own value; set that value instead" $name) }}
{{- end }}
{{- if has $name $secretKeys }}
{{- fail (printf "worker.extraConfig.%s is a secret and would land in the ConfigMap; it comes from the Secret" $name) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.kafka.tls.keystore.secretName (not (include "aihub-run-worker.kafkaTls" .)) }}
{{- fail (printf "kafka.tls.keystore.secretName needs kafka.securityProtocol SSL or SASL_SSL (it is %s): a client certificate is presented only over TLS" .Values.kafka.securityProtocol) }}
{{- end }}
{{- if and .Values.admin.enabled (not .Values.secret.existingSecret) (not .Values.admin.token) }}
{{- fail "admin.enabled needs a token: set admin.token (stored in the chart's Secret) or secret.existingSecret holding the key secret.keys.adminToken; the worker refuses to serve /admin/* without one" }}
{{- end }}
{{- if gt (.Values.rateLimit.organisationRequestsPerSecond | float64) 0.0 }}
{{- $share := include "aihub-run-worker.replicaRequestsPerSecond" . | float64 }}
{{- if lt $share (.Values.rateLimit.minRequestsPerSecond | float64) }}
{{- fail (printf "rateLimit.organisationRequestsPerSecond (%v) shared by %s replicas leaves %v calls/s each, below rateLimit.minRequestsPerSecond (%v)" .Values.rateLimit.organisationRequestsPerSecond (include "aihub-run-worker.maxReplicas" .) $share .Values.rateLimit.minRequestsPerSecond) }}
{{- end }}
{{- end }}
{{- if and (eq $a.mode "keda") (include "aihub-run-worker.kafkaSasl" .) (not .Values.secret.existingSecret) (or (not .Values.kafka.sasl.username) (not .Values.kafka.sasl.password)) }}
{{- fail "autoscaling.mode keda with SASL needs kafka.sasl.username and kafka.sasl.password: the KEDA scaler cannot use a JAAS config" }}
{{- end }}
{{- end }}
