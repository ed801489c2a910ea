#!/usr/bin/python3
"""Writes kubernetes-fields.json: the field names and types of the kinds lucent-sandbox
serves, read from the model metadata of Debian's python3-kubernetes package.

These are facts of the Kubernetes API (field names and their types), gathered once so that
the sandbox can reject unknown fields (fieldValidation=Strict) and wrongly typed values the
way the real API server's decoder does. Run it again after changing the served kinds:
    sandbox/schema/generate_schema.py > sandbox/schema/kubernetes-fields.json
"""
import importlib.util
import json
import os
import re
import sys

from kubernetes.client import models

ROOTS = {
    "Namespace": "V1Namespace", "Pod": "V1Pod", "Service": "V1Service", "Endpoints": "V1Endpoints",
    "Event": "CoreV1Event", "ConfigMap": "V1ConfigMap", "Secret": "V1Secret",
    "ServiceAccount": "V1ServiceAccount", "Deployment": "V1Deployment", "ReplicaSet": "V1ReplicaSet",
    "StatefulSet": "V1StatefulSet", "Lease": "V1Lease",
    "SelfSubjectAccessReview": "V1SelfSubjectAccessReview", "Scale": "V1Scale",
    "Ingress": "V1Ingress", "NetworkPolicy": "V1NetworkPolicy",
}


def referenced(type_name):
    """Model names inside a type string such as 'list[V1Container]' or 'dict(str, V1X)'."""
    return [t for t in re.findall(r"[A-Za-z0-9]+", type_name) if hasattr(models, t) and t[0].isupper()]


def console_schema_facts():
    """Required fields and enum values, from the console's own generator (one list of facts)."""
    path = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "generate-kubernetes-schema.py")
    spec = importlib.util.spec_from_file_location("console_schema", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    facts = console_schema_facts()
    types, queue = {}, list(ROOTS.values())
    while queue:
        name = queue.pop()
        if name in types:
            continue
        model = getattr(models, name)
        fields = {}
        for attribute, type_name in model.openapi_types.items():
            fields[model.attribute_map[attribute]] = type_name
            queue.extend(referenced(type_name))
        types[name] = fields
    # Published in /openapi/v3 as each schema's "required" and each property's "enum".
    required = {name: facts.required_fields(getattr(models, name)) for name in types}
    required = {name: fields for name, fields in required.items() if fields}
    enums = {name: values for name, values in facts.ENUMS.items() if name in types}
    json.dump({"kinds": ROOTS, "types": types, "required": required, "enums": enums}, sys.stdout, indent=1,
              sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
