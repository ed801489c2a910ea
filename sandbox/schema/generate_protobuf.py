#!/usr/bin/python3
"""Writes kubernetes-protobuf.json: the protobuf field numbers and types of the kinds that
kubectl's typed commands send to lucent-sandbox as application/vnd.kubernetes.protobuf.

Field numbers are facts of the Kubernetes API. This script reads them from the generated.proto
files of a kubernetes/api and a kubernetes/apimachinery checkout, and the JSON names (and which
embedded structs are inlined in JSON) from the protobuf tags in their types.go files, and keeps
only the messages reachable from the kinds below. Run it again after adding a kind:
    sandbox/schema/generate_protobuf.py API_DIR APIMACHINERY_DIR > sandbox/schema/kubernetes-protobuf.json

Output: {"kinds": {"APIVERSION/KIND": MESSAGE}, "messages": {MESSAGE: {"fields": [[NUMBER,
JSON_NAME, TYPE, LABEL]], "slice": true when the message stands for a bare JSON array}}}.
TYPE is a scalar (string, bytes, bool, int32, int64, double, float) or a message; LABEL is ""
(one value), "o" (one scalar that Go's JSON leaves out when it is zero, though protobuf carries
it), "r" (repeated), "m" (a map from string to TYPE) or "i" (inlined into its parent in JSON, as
Go's embedded structs are).
"""
import json
import os
import re
import sys

# Where each proto package lives, and the short prefix its messages get here.
PACKAGES = {
    "k8s.io.api.core.v1": ("api", "core/v1", "core.v1"),
    "k8s.io.api.apps.v1": ("api", "apps/v1", "apps.v1"),
    "k8s.io.api.authorization.v1": ("api", "authorization/v1", "authorization.v1"),
    "k8s.io.api.discovery.v1": ("api", "discovery/v1", "discovery.v1"),
    "k8s.io.apimachinery.pkg.apis.meta.v1": ("apimachinery", "pkg/apis/meta/v1", "meta.v1"),
    "k8s.io.apimachinery.pkg.api.resource": ("apimachinery", "pkg/api/resource", "resource"),
    "k8s.io.apimachinery.pkg.runtime": ("apimachinery", "pkg/runtime", "runtime"),
    "k8s.io.apimachinery.pkg.util.intstr": ("apimachinery", "pkg/util/intstr", "intstr"),
}

KINDS = {
    "v1/Namespace": "core.v1.Namespace", "v1/NamespaceList": "core.v1.NamespaceList",
    "v1/ConfigMap": "core.v1.ConfigMap", "v1/ConfigMapList": "core.v1.ConfigMapList",
    "v1/Secret": "core.v1.Secret", "v1/SecretList": "core.v1.SecretList",
    "v1/Service": "core.v1.Service", "v1/ServiceList": "core.v1.ServiceList",
    "v1/ServiceAccount": "core.v1.ServiceAccount", "v1/ServiceAccountList": "core.v1.ServiceAccountList",
    "v1/Pod": "core.v1.Pod", "v1/PodList": "core.v1.PodList",
    "v1/Status": "meta.v1.Status", "v1/DeleteOptions": "meta.v1.DeleteOptions",
    "apps/v1/Deployment": "apps.v1.Deployment", "apps/v1/DeploymentList": "apps.v1.DeploymentList",
    "authorization.k8s.io/v1/SelfSubjectAccessReview": "authorization.v1.SelfSubjectAccessReview",
    "authorization.k8s.io/v1/SelfSubjectRulesReview": "authorization.v1.SelfSubjectRulesReview",
    "discovery.k8s.io/v1/EndpointSlice": "discovery.v1.EndpointSlice",
    "discovery.k8s.io/v1/EndpointSliceList": "discovery.v1.EndpointSliceList",
}

SCALARS = {"string", "bytes", "bool", "int32", "int64", "double", "float"}
# Messages whose JSON is not their fields (a duration string, embedded raw JSON, a timestamp
# with microseconds) that sandbox/api/protobuf.cpp does not transcode yet.
NOT_TRANSCODED = {"meta.v1.Duration", "meta.v1.MicroTime", "runtime.RawExtension"}
FIELD = re.compile(r"^\s*(optional|repeated|required)?\s*(map<\s*string\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+);")
GO_STRUCT = re.compile(r"^type (\w+) struct \{")
GO_TAG = re.compile(r'json:"([^"]*)".*protobuf:"[a-z0-9]+,(\d+),')
GO_FIELD_TYPE = re.compile(r"^\s*\w+\s+(\S+)\s+`")


def read(root, sub, name):
    with open(os.path.join(root, sub, name), encoding="utf-8") as f:
        return f.read()


def go_json_names(text):
    """(struct, field number) -> (JSON name, "" for an inlined embedded struct; whether Go's
    encoding/json leaves the field out when it holds its zero value: omitempty on a value that
    is not a pointer)."""
    names, struct = {}, None
    for line in text.splitlines():
        m = GO_STRUCT.match(line)
        if m:
            struct = m.group(1)
        elif line.startswith("}"):
            struct = None
        elif struct:
            tag = GO_TAG.search(line)
            if tag:
                options = tag.group(1).split(",")
                go_type = GO_FIELD_TYPE.match(line)
                omit_zero = "omitempty" in options[1:] and go_type is not None and not go_type.group(1).startswith("*")
                inline = tag.group(1) in ("", ",inline")
                names[(struct, int(tag.group(2)))] = ("" if inline else options[0], omit_zero)
    return names


def parse_package(package, roots):
    tree, sub, prefix = PACKAGES[package]
    text = read(roots[tree], sub, "generated.proto")
    names = {}
    for go in sorted(f for f in os.listdir(os.path.join(roots[tree], sub)) if f.endswith(".go")):
        names.update(go_json_names(read(roots[tree], sub, go)))
    messages, current, comments = {}, None, []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("//"):
            comments.append(stripped)
            continue
        m = re.match(r"message (\w+) \{", stripped)
        if m:
            slice_like = "// +protobuf.nullable=true" in comments
            current = {"name": m.group(1), "fields": [], "slice": slice_like}
            messages[prefix + "." + m.group(1)] = current
        elif stripped == "}":
            current = None
        elif current is not None:
            f = FIELD.match(line)
            if f:
                label, type_name, map_value, proto_name, number = f.groups()
                number = int(number)
                kind = "m" if map_value else ("r" if label == "repeated" else "")
                value_type = qualify(map_value or type_name, package)
                json_name, omit_zero = names.get((current["name"], number), (proto_name, False))
                if json_name == "":
                    kind, json_name = "i", proto_name
                elif omit_zero and kind == "" and value_type in SCALARS:
                    kind = "o"
                current["fields"].append([number, json_name, value_type, kind])
        if stripped and not stripped.startswith("//"):
            comments = []
    return messages


def qualify(type_name, package):
    if type_name in SCALARS:
        return type_name
    if type_name.startswith("."):
        pkg, _, name = type_name[1:].rpartition(".")
    else:
        pkg, name = package, type_name
    if pkg not in PACKAGES:
        sys.exit(f"message {type_name} is in a package this script does not read: {pkg}")
    return PACKAGES[pkg][2] + "." + name


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    roots = {"api": sys.argv[1], "apimachinery": sys.argv[2]}
    every = {}
    for package in PACKAGES:
        every.update(parse_package(package, roots))
    wanted, pending = {}, list(KINDS.values())
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        if name not in every:
            sys.exit(f"no message {name}")
        if name in NOT_TRANSCODED:
            sys.exit(f"{name} is reachable from the kinds, but the sandbox's codec does not transcode it yet")
        message = every[name]
        wanted[name] = {"fields": message["fields"]}
        if message["slice"]:
            wanted[name]["slice"] = True
        pending.extend(f[2] for f in message["fields"] if f[2] not in SCALARS)
    # One message per line, so that a change to the table reads as a diff of the messages it touches.
    compact = {"separators": (",", ":")}
    out = ['{"kinds":' + json.dumps(KINDS, **compact) + ',"messages":{']
    out.append(",\n".join(json.dumps(name) + ":" + json.dumps(body, **compact) for name, body in sorted(wanted.items())))
    out.append("}}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
