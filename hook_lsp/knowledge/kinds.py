"""Kind orders and waiting behaviour of Helm."""

from __future__ import annotations

from . import versions

# `InstallOrder` in pkg/releaseutil/kind_sorter.go (H3 v3.21.4). Hooks are pre-sorted by it with a
# stable sort before the weight/name sort, so kind only breaks ties of weight AND name (#order).
INSTALL_ORDER_H3: tuple[str, ...] = (
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
)

# H4 `pkg/release/v1/util/kind_sorter.go` appends the webhook configurations (#order).
INSTALL_ORDER_H4: tuple[str, ...] = INSTALL_ORDER_H3 + (
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
)


def install_order(helm_version: str) -> tuple[str, ...]:
    return INSTALL_ORDER_H3 if versions.is_helm3(str(helm_version)) else INSTALL_ORDER_H4


def kind_rank(kind: str | None, helm_version: str = "4") -> tuple[int, str]:
    """Sort key of ``kind`` in Helm's install order: unknown kinds last, alphabetically (#order)."""
    order = install_order(helm_version)
    try:
        return order.index(kind or ""), ""
    except ValueError:
        return len(order), kind or ""


# Kinds whose hooks Helm waits for (#waiting): Job until Complete, Pod until Succeeded. Every other kind
# is "ready" as soon as it is created (H3 `watchUntilReady` default branch, H4 `alwaysReady`).
WAITED_KINDS: frozenset[str] = frozenset({"Job", "Pod"})

# Kinds that run a pod template (reference paths into their specs).
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
}

# `CustomResourceDefinition` hooks are never deleted, whatever the policy (#deletion).
NEVER_DELETED_KINDS: frozenset[str] = frozenset({"CustomResourceDefinition"})
