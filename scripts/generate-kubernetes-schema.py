#!/usr/bin/python3
"""Writes resources/schema/kubernetes-schema.json: the fields, types, required fields and enum
values of the Kubernetes kinds the manifest validator checks without a cluster.

Source: the model classes of Debian's python3-kubernetes (22.6.0, generated from the
Kubernetes 1.22 OpenAPI document). Their openapi_types give every field's type and their
setters name the fields that must be set. Two things they lack are added below from the
Kubernetes API reference: the enum values (1.22 models do not list them) and the fields added
between 1.22 and 1.32. Run it again after changing either:

    /usr/bin/python3 scripts/generate-kubernetes-schema.py > resources/schema/kubernetes-schema.json
"""
import inspect
import json
import re
import sys

from kubernetes import __version__ as client_version
from kubernetes.client import models

KUBERNETES_VERSION = "1.32"

# apiVersion/kind -> model class. autoscaling/v2 is structurally v2beta2 (GA in 1.23).
KINDS = {
    "v1/Namespace": "V1Namespace", "v1/ConfigMap": "V1ConfigMap", "v1/Secret": "V1Secret",
    "v1/Service": "V1Service", "v1/ServiceAccount": "V1ServiceAccount", "v1/Pod": "V1Pod",
    "v1/PersistentVolumeClaim": "V1PersistentVolumeClaim", "v1/LimitRange": "V1LimitRange",
    "v1/ResourceQuota": "V1ResourceQuota", "v1/Endpoints": "V1Endpoints",
    "apps/v1/Deployment": "V1Deployment", "apps/v1/StatefulSet": "V1StatefulSet",
    "apps/v1/DaemonSet": "V1DaemonSet", "apps/v1/ReplicaSet": "V1ReplicaSet",
    "batch/v1/Job": "V1Job", "batch/v1/CronJob": "V1CronJob",
    "autoscaling/v1/HorizontalPodAutoscaler": "V1HorizontalPodAutoscaler",
    "autoscaling/v2/HorizontalPodAutoscaler": "V2beta2HorizontalPodAutoscaler",
    "policy/v1/PodDisruptionBudget": "V1PodDisruptionBudget",
    "rbac.authorization.k8s.io/v1/Role": "V1Role", "rbac.authorization.k8s.io/v1/RoleBinding": "V1RoleBinding",
    "rbac.authorization.k8s.io/v1/ClusterRole": "V1ClusterRole",
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": "V1ClusterRoleBinding",
    "networking.k8s.io/v1/Ingress": "V1Ingress", "networking.k8s.io/v1/NetworkPolicy": "V1NetworkPolicy",
    "networking.k8s.io/v1/IngressClass": "V1IngressClass",
}

# Resource quantities: a string such as "512Mi" or a plain number.
QUANTITY_FIELDS = {
    ("V1ResourceRequirements", "limits"): "dict(str, quantity)",
    ("V1ResourceRequirements", "requests"): "dict(str, quantity)",
    ("V1EmptyDirVolumeSource", "sizeLimit"): "quantity",
    ("V1LimitRangeItem", "max"): "dict(str, quantity)",
    ("V1LimitRangeItem", "min"): "dict(str, quantity)",
    ("V1LimitRangeItem", "default"): "dict(str, quantity)",
    ("V1LimitRangeItem", "defaultRequest"): "dict(str, quantity)",
    ("V1ResourceQuotaSpec", "hard"): "dict(str, quantity)",
}

# Enum values from the API reference ("Possible enum values").
PROTOCOLS = ["TCP", "UDP", "SCTP"]
ENUMS = {
    "V1Container": {"imagePullPolicy": ["Always", "IfNotPresent", "Never"],
                    "terminationMessagePolicy": ["File", "FallbackToLogsOnError"],
                    "restartPolicy": ["Always"]},
    "V1PodSpec": {"restartPolicy": ["Always", "OnFailure", "Never"],
                  "dnsPolicy": ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
                  "preemptionPolicy": ["PreemptLowerPriority", "Never"]},
    "V1ContainerPort": {"protocol": PROTOCOLS},
    "V1ServicePort": {"protocol": PROTOCOLS},
    "V1NetworkPolicyPort": {"protocol": PROTOCOLS},
    "V1EndpointPort": {"protocol": PROTOCOLS},
    "V1ServiceSpec": {"type": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
                      "sessionAffinity": ["None", "ClientIP"],
                      "externalTrafficPolicy": ["Cluster", "Local"],
                      "internalTrafficPolicy": ["Cluster", "Local"],
                      "ipFamilyPolicy": ["SingleStack", "PreferDualStack", "RequireDualStack"],
                      "ipFamilies": ["IPv4", "IPv6"]},
    "V1DeploymentStrategy": {"type": ["RollingUpdate", "Recreate"]},
    "V1StatefulSetSpec": {"podManagementPolicy": ["OrderedReady", "Parallel"]},
    "V1StatefulSetUpdateStrategy": {"type": ["RollingUpdate", "OnDelete"]},
    "V1DaemonSetUpdateStrategy": {"type": ["RollingUpdate", "OnDelete"]},
    "V1HTTPIngressPath": {"pathType": ["Exact", "Prefix", "ImplementationSpecific"]},
    "V1NetworkPolicySpec": {"policyTypes": ["Ingress", "Egress"]},
    "V1PersistentVolumeClaimSpec": {"accessModes": ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                                    "ReadWriteOncePod"],
                                    "volumeMode": ["Filesystem", "Block"]},
    "V1CronJobSpec": {"concurrencyPolicy": ["Allow", "Forbid", "Replace"]},
    "V1JobSpec": {"completionMode": ["NonIndexed", "Indexed"]},
    "V1Toleration": {"operator": ["Exists", "Equal"], "effect": ["NoSchedule", "PreferNoSchedule", "NoExecute"]},
    "V1HTTPGetAction": {"scheme": ["HTTP", "HTTPS"]},
    "V1SeccompProfile": {"type": ["RuntimeDefault", "Localhost", "Unconfined"]},
    "V1LabelSelectorRequirement": {"operator": ["In", "NotIn", "Exists", "DoesNotExist"]},
    "V1NodeSelectorRequirement": {"operator": ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]},
    "V1PodSecurityContext": {"fsGroupChangePolicy": ["OnRootMismatch", "Always"]},
    "V1TopologySpreadConstraint": {"whenUnsatisfiable": ["DoNotSchedule", "ScheduleAnyway"]},
    "V1PodOS": {"name": ["linux", "windows"]},
    "V1PodDisruptionBudgetSpec": {"unhealthyPodEvictionPolicy": ["IfHealthyBudget", "AlwaysAllow"]},
}

# Types and fields added after Kubernetes 1.22 (the release each arrived in, as beta or GA).
NEW_TYPES = {
    "V1PodOS": ({"name": "str"}, ["name"]),                                    # 1.23
    "V1GRPCAction": ({"port": "int", "service": "str"}, ["port"]),           # 1.23
    "V1PodSchedulingGate": ({"name": "str"}, ["name"]),                        # 1.26
    "V1ContainerResizePolicy": ({"resourceName": "str", "restartPolicy": "str"},
                                ["resourceName", "restartPolicy"]),            # 1.27
    "V1AppArmorProfile": ({"type": "str", "localhostProfile": "str"}, ["type"]),  # 1.30
    "V1ResourceClaim": ({"name": "str", "request": "str"}, ["name"]),          # 1.26
    "V1StatefulSetPersistentVolumeClaimRetentionPolicy": (
        {"whenDeleted": "str", "whenScaled": "str"}, []),                      # 1.23
    "V1StatefulSetOrdinals": ({"start": "int"}, []),                           # 1.26
    "V1SleepAction": ({"seconds": "int"}, ["seconds"]),                        # 1.29
}
NEW_FIELDS = {
    "V1PodSpec": {"os": "V1PodOS", "hostUsers": "bool", "schedulingGates": "list[V1PodSchedulingGate]",
                  "resourceClaims": "list[object]"},
    "V1Container": {"resizePolicy": "list[V1ContainerResizePolicy]", "restartPolicy": "str"},
    "V1Probe": {"grpc": "V1GRPCAction"},
    "V1Handler": {"sleep": "V1SleepAction"},
    "V1ResourceRequirements": {"claims": "list[V1ResourceClaim]"},
    "V1SecurityContext": {"appArmorProfile": "V1AppArmorProfile"},
    "V1PodSecurityContext": {"appArmorProfile": "V1AppArmorProfile", "supplementalGroupsPolicy": "str"},
    "V1CronJobSpec": {"timeZone": "str"},
    "V1StatefulSetSpec": {"persistentVolumeClaimRetentionPolicy": "V1StatefulSetPersistentVolumeClaimRetentionPolicy",
                          "ordinals": "V1StatefulSetOrdinals"},
    "V1RollingUpdateStatefulSetStrategy": {"maxUnavailable": "object"},
    "V1ServiceSpec": {"trafficDistribution": "str"},
    "V1JobSpec": {"podFailurePolicy": "object", "backoffLimitPerIndex": "int", "maxFailedIndexes": "int",
                  "podReplacementPolicy": "str", "managedBy": "str", "successPolicy": "object"},
    "V1PodDisruptionBudgetSpec": {"unhealthyPodEvictionPolicy": "str"},
    "V1TopologySpreadConstraint": {"minDomains": "int", "nodeAffinityPolicy": "str", "nodeTaintsPolicy": "str",
                                   "matchLabelKeys": "list[str]"},
    "V1PersistentVolumeClaimSpec": {"volumeAttributesClassName": "str"},
}
# Fields the API no longer has.
REMOVED_FIELDS = {"V1ObjectMeta": ["clusterName"]}  # removed in 1.24


def referenced(type_name):
    """Model names inside a type string such as 'list[V1Container]' or 'dict(str, V1X)'."""
    return [t for t in re.findall(r"[A-Za-z0-9]+", type_name) if t[0].isupper() and
            (hasattr(models, t) or t in NEW_TYPES)]


def required_fields(model):
    """The fields whose setter refuses None: the API's required fields."""
    source = inspect.getsource(model)
    python_names = re.findall(r"Invalid value for `(\w+)`, must not be `None`", source)
    return sorted(model.attribute_map[name] for name in python_names if name in model.attribute_map)


def describe(name):
    if name in NEW_TYPES:
        fields, required = NEW_TYPES[name]
        return dict(fields), list(required)
    model = getattr(models, name)
    fields = {model.attribute_map[a]: t for a, t in model.openapi_types.items()}
    return fields, required_fields(model)


def main():
    types, queue = {}, list(KINDS.values())
    while queue:
        name = queue.pop()
        if name in types:
            continue
        fields, required = describe(name)
        fields.update(NEW_FIELDS.get(name, {}))
        for field in REMOVED_FIELDS.get(name, []):
            fields.pop(field, None)
        for (type_name, field), quantity in QUANTITY_FIELDS.items():
            if type_name == name:
                fields[field] = quantity
        entry = {"fields": fields}
        if required:
            entry["required"] = required
        if name in ENUMS:
            entry["enums"] = ENUMS[name]
        types[name] = entry
        for type_name in fields.values():
            queue.extend(referenced(type_name))
    document = {
        "kubernetesVersion": KUBERNETES_VERSION,
        "source": "python3-kubernetes %s (Kubernetes 1.22 models) with later fields and enum values "
                  "added from the API reference up to %s" % (client_version, KUBERNETES_VERSION),
        "kinds": KINDS,
        "types": types,
    }
    json.dump(document, sys.stdout, indent=None, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
